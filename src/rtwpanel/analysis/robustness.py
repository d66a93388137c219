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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rtwpanel.analysis.table import Table

from rtwpanel.options import add_out, add_raw_dir, add_threshold, small_cell_threshold


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
    add_raw_dir(parser)
    add_out(parser)
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=None,
        help="where the variant warehouses are built (default: warehouse/robustness/, "
        "beside the published warehouse and never in the report folder)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the variant warehouses (person-level data) after the table is made",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use a variant's warehouse if it already exists instead of rebuilding it",
    )
    add_threshold(parser)


def variant_file(work_dir: Path, variant: Variant) -> Path:
    stem = "_".join(f"{k}-{v}" for k, v in sorted(variant.dbt_vars.items()))
    return work_dir / stem.lower() / "rtw.duckdb"


def main_effect_row(database: Path) -> tuple[dict[str, object], float]:
    """The Table 8 effect on being in work (and AAP and work) in one warehouse."""
    from rtwpanel.analysis.clustered_ols import fit_ols
    from rtwpanel.analysis.data import after_months, load_marts
    from rtwpanel.analysis.design import lpm_design
    from rtwpanel.analysis.wild_bootstrap import wild_cluster_pvalue

    marts = load_marts(database)
    after = after_months(marts.fct)
    design = lpm_design(after, "employed")
    work = fit_ols(design).estimate("is_ips")
    aap_work = fit_ols(lpm_design(after, "aap_and_employed")).estimate("is_ips")
    row: dict[str, object] = {
        "in work: coef": work.coef,
        "in work: se": work.se,
        "in work: p": work.pvalue,
        "in work: p (wild bootstrap)": wild_cluster_pvalue(design).pvalue,
        "AAP and work: coef": aap_work.coef,
        "AAP and work: p": aap_work.pvalue,
        "share in work after": float(after["employed"].mean()),
        "share sick-listed after": float(after["sick_listed"].mean()),
        "N": work.nobs,
        "persons": work.persons,
    }
    return row, float(work.support)


SAVED = "table_robustness.json"  # the table before suppression, for the report


def run(args: argparse.Namespace) -> int:
    import shutil

    import pandas as pd

    from rtwpanel.analysis import table as tables
    from rtwpanel.analysis.report import write_table
    from rtwpanel.analysis.suppression import publish
    from rtwpanel.build import build_and_publish
    from rtwpanel.paths import warehouse_path
    from rtwpanel.provenance import delivery_files, delivery_fingerprint

    threshold = small_cell_threshold(args)
    work_dir: Path = args.work_dir or warehouse_path().resolve().parent / "robustness"
    args.out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, dict[str, object]] = {}
    supports: dict[str, float] = {}
    try:
        for variant in VARIANTS:
            database = variant_file(work_dir, variant)
            if not (args.reuse and database.exists()):
                print(f"building: {variant.name} -> {database}", flush=True)
                build_and_publish(args.raw_dir, database, dbt_vars=variant.dbt_vars)
            rows[variant.name], supports[variant.name] = main_effect_row(database)
    finally:
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)

    from rtwpanel.analysis.clustered_ols import stars

    values = pd.DataFrame(rows).T
    support = pd.DataFrame({c: supports for c in values.columns}).loc[values.index]
    # numbers in the CSV; the stars only beside them in Markdown and HTML
    marks = {
        (str(name), f"{outcome}: coef"): stars(float(values.at[name, f"{outcome}: p"]))
        for name in values.index
        for outcome in ("in work", "AAP and work")
    }
    table = tables.Table(
        key="table_robustness",
        title="Robustness: the effect of IPS under other cleaning choices",
        values=values,
        support=support,
        decimals={"N": 0, "persons": 0},
        marks=marks,
        note="Each row rebuilds the panel with dbt variables and fits the Table 8 model "
        "(SE clustered by centre, CRV1, t with G-1 df; wild cluster bootstrap, Webb, "
        "all 6^G weight vectors). * p<0.1, ** p<0.05, *** p<0.01.",
    )
    fingerprint = delivery_fingerprint(delivery_files(Path(args.raw_dir).resolve()))
    save_table(table, args.out / SAVED, fingerprint)
    published = publish(table, threshold)
    write_table(published, args.out)
    print(tables.to_markdown(published.text))
    print(f"robustness: {args.out / 'table_robustness.csv'}")
    print("the report shows this table from the next `rtwpanel analyse` of this delivery")
    return 0


def save_table(table: Table, path: Path, delivery_sha256: str) -> None:
    """The unsuppressed table and the delivery it was computed on (suppressed on output)."""
    import json

    document = {
        "delivery_sha256": delivery_sha256,
        "title": table.title,
        "note": table.note,
        "decimals": table.decimals,
        "marks": [[row, column, mark] for (row, column), mark in table.marks.items()],
        "values": json.loads(table.values.to_json(orient="split")),
        "support": json.loads(table.support.to_json(orient="split")),
    }
    path.write_text(json.dumps(document, indent=1))


def saved_table(out: Path, delivery_sha256: str) -> Table | None:
    """The robustness table saved in `out` for this delivery, or None (not run, or stale)."""
    import io
    import json

    import pandas as pd

    path = out / SAVED
    if not path.exists():
        return None
    document = json.loads(path.read_text())
    if document.get("delivery_sha256") != delivery_sha256:
        return None

    def frame(part: str) -> pd.DataFrame:
        return pd.read_json(io.StringIO(json.dumps(document[part])), orient="split")

    from rtwpanel.analysis import table as tables

    return tables.Table(
        key="table_robustness",
        title=document["title"],
        values=frame("values"),
        support=frame("support"),
        decimals=document["decimals"],
        marks={(row, column): mark for row, column, mark in document.get("marks", [])},
        note=document["note"],
    )
