"""Cost-benefit of the programme: the critical gross wage X* (Tables 21-23).

For each year t = 0 .. T-1 that the employment effect lasts, one person brought
into work is worth, discounted by (1+r)^t, with X_t = X (1+e)^t:

    (1+a) X_t          value of production (W)
  - (1-b) X_t          leisure lost (F), the worker's net wage
  + c ((1-b) V + d X_t) tax cost of public funds saved (lambda U)

X* solves  effect * sum_t [...] / (1+r)^t = cost per participant.  The bracket
is linear in X, so X* has a closed form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace

import pandas as pd


@dataclass(frozen=True)
class Parameters:
    """The published parameters (analysis.md); kroner are 2014 kroner."""

    social_cost_share: float = 0.25  # a
    average_tax_rate: float = 0.34  # b
    tax_cost_of_public_funds: float = 0.2  # c, lambda
    tax_revenue_change: float = 0.45  # d
    real_wage_growth: float = 0.013  # e
    benefit_nok: float = 205_900.0  # V, 2.33 G
    discount_rate: float = 0.04  # r
    employment_effect: float = 0.095  # p_i - p_k


@dataclass(frozen=True)
class CostSide:
    """Table 21: cost per programme participant for one year of operation."""

    operation_nok: float = 92_694.0
    programme_costs_nok: float = -46_303.0
    start_up_nok: float = 9_059.0

    @property
    def total_nok(self) -> float:
        return self.operation_nok + self.programme_costs_nok + self.start_up_nok


@dataclass(frozen=True)
class PresentValue:
    """Table 22: the present value per person brought into work, by component."""

    production: float  # W
    leisure: float  # F (negative)
    tax_cost: float  # lambda U

    @property
    def total(self) -> float:
        return self.production + self.leisure + self.tax_cost


def _wage_factor(p: Parameters, years: int) -> float:
    """sum_t (1+e)^t / (1+r)^t: discounted weight of the wage terms."""
    growth = 1 + p.real_wage_growth
    discount = 1 + p.discount_rate
    return sum((growth / discount) ** t for t in range(years))


def _benefit_factor(p: Parameters, years: int) -> float:
    """sum_t 1 / (1+r)^t: discounted weight of the benefit term."""
    return sum((1 + p.discount_rate) ** -t for t in range(years))


def present_value(wage: float, p: Parameters, years: int) -> PresentValue:
    """The present value of one person in work at gross wage `wage` for `years` years."""
    wages = _wage_factor(p, years) * wage
    benefits = _benefit_factor(p, years) * p.benefit_nok
    a, b, c, d = (
        p.social_cost_share,
        p.average_tax_rate,
        p.tax_cost_of_public_funds,
        p.tax_revenue_change,
    )
    return PresentValue(
        production=(1 + a) * wages,
        leisure=-(1 - b) * wages,
        tax_cost=c * ((1 - b) * benefits + d * wages),
    )


def critical_wage(cost_nok: float, p: Parameters, years: int) -> float:
    """X*: the yearly gross wage at which the net present value is zero."""
    if p.employment_effect <= 0:
        raise ValueError("the employment effect must be positive for a critical wage to exist")
    if years < 1:
        raise ValueError("the effect must last at least one year")
    a, b, c, d = (
        p.social_cost_share,
        p.average_tax_rate,
        p.tax_cost_of_public_funds,
        p.tax_revenue_change,
    )
    per_kroner = (a + b + c * d) * _wage_factor(p, years)
    fixed = c * (1 - b) * p.benefit_nok * _benefit_factor(p, years)
    return (cost_nok / p.employment_effect - fixed) / per_kroner


def table_21(costs: CostSide) -> pd.DataFrame:
    """Cost side per participant (kroner)."""
    return pd.DataFrame(
        {
            "item": ["IPS operation, one year", "programme costs", "start-up", "total"],
            "nok": [
                costs.operation_nok,
                costs.programme_costs_nok,
                costs.start_up_nok,
                costs.total_nok,
            ],
        }
    )


def table_22(wage: float, p: Parameters, years: int = 2) -> pd.DataFrame:
    """Present value split into W, F and lambda U at the given wage."""
    pv = present_value(wage, p, years)
    return pd.DataFrame(
        {
            "component": [
                "value of production (W)",
                "leisure lost (F)",
                "saved tax cost (lambda U)",
                "total",
                "total x employment effect",
            ],
            "nok": [
                pv.production,
                pv.leisure,
                pv.tax_cost,
                pv.total,
                pv.total * p.employment_effect,
            ],
        }
    )


def table_23(cost_nok: float, p: Parameters, years: list[int]) -> pd.DataFrame:
    """The critical gross wage X* for each number of years the effect lasts."""
    return pd.DataFrame(
        {"years": years, "critical_wage": [critical_wage(cost_nok, p, t) for t in years]}
    )


def with_effect(p: Parameters, effect: float) -> Parameters:
    return replace(p, employment_effect=effect)


def parameters_table(p: Parameters) -> pd.DataFrame:
    return pd.DataFrame({"parameter": list(asdict(p)), "value": list(asdict(p).values())})


def from_study(values: Mapping[str, float]) -> tuple[Parameters, CostSide]:
    """The parameters and cost side of a study file's `cost_benefit` (every key of
    Parameters and CostSide, none other)."""
    from rtwpanel.errors import RtwError

    wanted = {f.name for f in fields(Parameters)} | {f.name for f in fields(CostSide)}
    unknown, missing = sorted(set(values) - wanted), sorted(wanted - set(values))
    if unknown or missing:
        raise RtwError(
            "the study's cost_benefit must give exactly the keys "
            f"{', '.join(sorted(wanted))} (unknown: {', '.join(unknown) or 'none'}; "
            f"missing: {', '.join(missing) or 'none'})"
        )
    params = Parameters(**{f.name: float(values[f.name]) for f in fields(Parameters)})
    cost = CostSide(**{f.name: float(values[f.name]) for f in fields(CostSide)})
    return params, cost
