"""`rtwpanel robustness`: the main effect under other cleaning choices.

Each variant rebuilds the panel from the raw delivery with dbt variables into
its own warehouse file (the panel is never patched in Python), then fits the
Table 8 model on it. One table, one row per variant.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rtwpanel.paths import DEMO_DIR, PROJECT_DIR


@dataclass(frozen=True)
class Variant:
    name: str
    dbt_vars: Mapping[str, object]


VARIANTS: tuple[Variant, ...] = (
    Variant("stipulation lag 0 months", {"aa_stipulation_lag_months": 0}),
    Variant("stipulation lag 1 month", {"aa_stipulation_lag_months": 1}),
    Variant("stipulation lag 2 months", {"aa_stipulation_lag_months": 2}),
    Variant("stipulation lag 3 months (default)", {"aa_stipulation_lag_months": 3}),
    Variant("without certificates", {"use_certificates": False}),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-dir", type=Path, default=DEMO_DIR, help="the delivery folder (default: the demo)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PROJECT_DIR / "reports",
        help="output folder for table_robustness.csv/.md (default: reports/)",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="where the variant warehouses go (default: <out>/robustness_warehouses)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use a variant's warehouse if it already exists instead of rebuilding it",
    )
    parser.add_argument("--threshold", type=int, default=5, help="small-cell threshold")


def variant_file(work_dir: Path, variant: Variant) -> Path:
    stem = "_".join(f"{k}-{v}" for k, v in sorted(variant.dbt_vars.items()))
    return work_dir / f"rtw_{stem.lower()}.duckdb"


def main_effect_row(database: Path) -> tuple[dict[str, object], float]:
    """The Table 8 effect on being in work (and AAP and work) in one warehouse."""
    from rtwpanel.analysis.clustered_ols import fit_ols, stars
    from rtwpanel.analysis.data import after_months, load_marts
    from rtwpanel.analysis.design import lpm_design
    from rtwpanel.analysis.wild_bootstrap import wild_cluster_pvalue

    marts = load_marts(database)
    after = after_months(marts.fct)
    design = lpm_design(after, "employed")
    work = fit_ols(design).estimate("is_ips")
    aap_work = fit_ols(lpm_design(after, "aap_and_employed")).estimate("is_ips")
    row: dict[str, object] = {
        "in work: coef": f"{work.coef:.3f}{stars(work.pvalue)}",
        "in work: se": work.se,
        "in work: p": work.pvalue,
        "in work: p (wild bootstrap)": wild_cluster_pvalue(design).pvalue,
        "AAP and work: coef": f"{aap_work.coef:.3f}{stars(aap_work.pvalue)}",
        "share in work after": float(after["employed"].mean()),
        "share sick-listed after": float(after["sick_listed"].mean()),
        "N": work.nobs,
        "persons": work.persons,
    }
    return row, float(work.support)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from rtwpanel.analysis.report import write_table
    from rtwpanel.analysis.suppression import publish
    from rtwpanel.analysis.table import Table
    from rtwpanel.build import build_warehouse

    work_dir = args.work_dir or args.out / "robustness_warehouses"
    work_dir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, dict[str, object]] = {}
    supports: dict[str, float] = {}
    for variant in VARIANTS:
        database = variant_file(work_dir, variant)
        if not (args.reuse and database.exists()):
            database.unlink(missing_ok=True)
            print(f"building: {variant.name} -> {database}", flush=True)
            build_warehouse(args.raw_dir, database, dbt_vars=variant.dbt_vars)
        rows[variant.name], supports[variant.name] = main_effect_row(database)

    values = pd.DataFrame(rows).T
    support = pd.DataFrame({c: supports for c in values.columns}).loc[values.index]
    table = Table(
        key="table_robustness",
        title="Robustness: the effect of IPS under other cleaning choices",
        values=values,
        support=support,
        decimals={"N": 0, "persons": 0},
        note="Each row rebuilds the panel with dbt variables and fits the Table 8 model "
        "(SE clustered by centre, CRV1, t with G-1 df; wild cluster bootstrap, Webb, "
        "all 6^G weight vectors). * p<0.1, ** p<0.05, *** p<0.01.",
    )
    published = publish(table, args.threshold)
    write_table(published, args.out)
    from rtwpanel.analysis.table import to_markdown

    print(to_markdown(published.text))
    print(f"robustness: {args.out / 'table_robustness.csv'}")
    return 0
