"""`rtwpanel cost-benefit`: the critical gross wage X* without a warehouse."""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields

from rtwpanel.analysis.cost_benefit import CostSide, Parameters

FLAGS = {
    "social_cost_share": "a: social costs as a share of the gross wage",
    "average_tax_rate": "b: average tax rate",
    "tax_cost_of_public_funds": "c: tax cost of public funds (lambda)",
    "tax_revenue_change": "d: change in tax revenue when a person moves into work",
    "real_wage_growth": "e: real wage growth per year",
    "benefit_nok": "V: the benefit a person would otherwise receive (kroner)",
    "discount_rate": "r: real discount rate",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Parameters()
    parser.add_argument(
        "--effect",
        type=float,
        default=defaults.employment_effect,
        help="effect on the employment probability, p_i - p_k (default %(default)s)",
    )
    parser.add_argument(
        "--cost",
        type=float,
        default=CostSide().total_nok,
        help="cost to cover per participant, kroner (default %(default)s, Table 21)",
    )
    parser.add_argument(
        "--years",
        type=int,
        nargs="+",
        default=[2, 3, 4, 5],
        help="years the effect lasts (default %(default)s)",
    )
    for name, text in FLAGS.items():
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=float,
            default=getattr(defaults, name),
            help=f"{text} (default %(default)s)",
        )
    parser.add_argument("--csv", action="store_true", help="print CSV: years,critical_wage")


def parameters_from(args: argparse.Namespace) -> Parameters:
    values = {f.name: getattr(args, f.name) for f in fields(Parameters) if f.name in FLAGS}
    return Parameters(employment_effect=args.effect, **values)


def run(args: argparse.Namespace) -> int:
    from rtwpanel.analysis.cost_benefit import critical_wage

    params = parameters_from(args)
    try:
        rows = [(t, critical_wage(args.cost, params, t)) for t in args.years]
    except ValueError as exc:
        from rtwpanel.errors import RtwError

        raise RtwError(str(exc)) from exc
    if args.csv:
        sys.stdout.write("years,critical_wage\n")
        for years, wage in rows:
            sys.stdout.write(f"{years},{wage:.0f}\n")
        return 0
    print(f"Critical gross wage X* (effect {params.employment_effect}, cost {args.cost:,.0f} kr)")
    for years, wage in rows:
        print(f"  {years} years: {wage:>12,.0f} kr")
    return 0
