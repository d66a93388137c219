"""Tables 21-23 for the report: published inputs, and the marts' own where asked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import Estimate
from rtwpanel.analysis.cost_benefit import (
    CostSide,
    Parameters,
    critical_wage,
    present_value,
    with_effect,
)
from rtwpanel.analysis.table import Table
from rtwpanel.analysis.trial import Trial, trial_of

YEARS = (2, 3, 4, 5)


def programme_months_difference(
    after: pd.DataFrame, first: int = 1, last: int = 12, trial: Trial | None = None
) -> tuple[float, float]:
    """Treated minus control (IPS minus TAU) programme months per person in after
    months `first`..`last`, and the persons it rests on (the smaller arm)."""
    control, treated = trial_of(trial).arm_codes
    rel = after["rel_month"]
    window = after.loc[(rel >= first) & (rel <= last) & after["in_programme"].notna()]
    per_person = window.groupby(["person_id", "arm"])["in_programme"].sum().reset_index()
    means = per_person.groupby("arm")["in_programme"].mean()
    counts = per_person.groupby("arm").size()
    if not {treated, control} <= set(means.index):
        return np.nan, 0.0
    return float(means[treated] - means[control]), float(counts.min())


def programme_months_present_value(
    after: pd.DataFrame, rate: float, years: int = 2, trial: Trial | None = None
) -> tuple[float, float]:
    """The published programme-cost item in months: IPS minus TAU programme months per
    person in the first year and each year after (months 12t+1..12t+12), year t
    discounted by (1 + rate)^t; and the persons it rests on (the smallest arm of any year)."""
    total, persons = 0.0, np.inf
    for t in range(years):
        months, support = programme_months_difference(after, 12 * t + 1, 12 * t + 12, trial)
        total += months / (1 + rate) ** t
        persons = min(persons, support)
    return total, float(persons)


def _not_person_based(values: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(np.nan, index=values.index, columns=values.columns)


def table_21(
    after: pd.DataFrame,
    cost_per_programme_month: float | None,
    rate: float = Parameters().discount_rate,
    published: CostSide | None = None,
    trial: Trial | None = None,
) -> tuple[Table, float | None]:
    """The study's cost side (IPS: the published one) and, given a cost per programme
    month, the programme item computed from the marts."""
    trial = trial_of(trial)
    published = published or CostSide()
    name = trial.treated.name
    values = pd.DataFrame(
        {
            "published": [
                published.operation_nok,
                published.programme_costs_nok,
                published.start_up_nok,
                published.total_nok,
            ]
        },
        index=[f"{name} operation, one year", "programme costs", "start-up", "total"],
    )
    support = _not_person_based(values)
    marts_total = None
    note = f"Kroner per {name} participant, 2014 kroner."
    if cost_per_programme_month is not None:
        months, persons = programme_months_present_value(after, rate, trial=trial)
        programme = months * cost_per_programme_month
        marts_total = published.operation_nok + programme + published.start_up_nok
        values["from the marts"] = [
            published.operation_nok,
            programme,
            published.start_up_nok,
            marts_total,
        ]
        support["from the marts"] = [np.nan, persons, np.nan, persons]
        note += (
            f" From the marts: {trial.difference} programme months per person as a two-year "
            f"present value, months 1-12 plus months 13-24 discounted at r = {rate} "
            f"({months:.2f}; months 13-24 as far as a person is observed), times "
            f"{cost_per_programme_month:,.0f} kr per programme month."
        )
    table = Table(
        "table_21",
        "Table 21. Cost side per participant",
        values,
        support,
        decimals={"published": 0, "from the marts": 0},
        note=note,
    )
    return table, marts_total


def table_22(params: Parameters, cost: float) -> Table:
    wage = critical_wage(cost, params, 2)
    pv = present_value(wage, params, 2)
    values = pd.DataFrame(
        {
            "kroner": [
                wage,
                pv.production,
                pv.leisure,
                pv.tax_cost,
                pv.total,
                pv.total * params.employment_effect,
            ]
        },
        index=[
            "critical wage X*",
            "value of production (W)",
            "leisure lost (F)",
            "saved tax cost (lambda U)",
            "present value per person in work",
            "x employment effect = cost to cover",
        ],
    )
    return Table(
        "table_22",
        "Table 22. Two-year present value at the critical wage, by component",
        values,
        _not_person_based(values),
        decimals={"kroner": 0},
        note=f"Employment effect {params.employment_effect}, cost {cost:,.0f} kr, "
        f"discount rate {params.discount_rate}.",
    )


def table_23(
    params: Parameters, cost: float, fitted: Estimate | None, marts_cost: float | None
) -> Table:
    columns: dict[str, list[float]] = {
        "X* (published effect and cost)": [critical_wage(cost, params, t) for t in YEARS]
    }
    support: dict[str, list[float]] = {"X* (published effect and cost)": [np.nan] * len(YEARS)}
    if fitted is not None and np.isfinite(fitted.coef):
        label = f"X* (fitted effect {fitted.coef:.3f})"
        fitted_params = with_effect(params, fitted.coef)
        columns[label] = [
            critical_wage(cost, fitted_params, t) if fitted.coef > 0 else np.nan for t in YEARS
        ]
        support[label] = [float(fitted.support)] * len(YEARS)
        if marts_cost is not None:
            label = "X* (fitted effect, cost from the marts)"
            columns[label] = [
                critical_wage(marts_cost, fitted_params, t) if fitted.coef > 0 else np.nan
                for t in YEARS
            ]
            support[label] = [float(fitted.support)] * len(YEARS)
    index = [f"{t} years" for t in YEARS]
    values = pd.DataFrame(columns, index=index)
    return Table(
        "table_23",
        "Table 23. Critical gross wage X* by number of years the effect lasts",
        values,
        pd.DataFrame(support, index=index),
        decimals=dict.fromkeys(columns, 0),
        note="Kroner per year, 2014 kroner. Empty where the effect is not positive.",
    )
