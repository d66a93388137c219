"""The quality-gate summary of the build, for the report: dq.dq_gate_summary.

Share gates are listed per source; the critical counts (reconciliation per
source, completeness, the NULL rule, identity numbers) are folded into one row
per gate with the worst status, so the section stays a glance, not a dump.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

STATUS_RANK = {"pass": 0, "warn": 1, "fail": 2}
COLUMNS = ["gate", "scope", "observed", "threshold", "severity", "status"]


def load_gate_summary(database: Path) -> pd.DataFrame | None:
    """The gate summary of the warehouse, read-only; None when it has none."""
    import duckdb

    try:
        with duckdb.connect(str(database), read_only=True) as con:
            return con.execute(
                "select gate, scope, description, measure, n_flagged, n_checked,"
                " observed_value, threshold, severity, status, gate_order"
                " from dq.dq_gate_summary order by gate_order, scope"
            ).fetch_df()
    except duckdb.Error:
        return None


def gate_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """One display row per share gate and scope, one per count gate."""
    rows = []
    for (order, gate), group in summary.groupby(["gate_order", "gate"], sort=True):
        first = group.iloc[0]
        if first["measure"] == "share":
            for _, row in group.iterrows():
                rows.append(
                    {
                        "gate": gate,
                        "scope": row["scope"],
                        "observed": f"{row['observed_value']:.3f} "
                        f"({int(row['n_flagged'])} of {int(row['n_checked'])})",
                        "threshold": f"{row['threshold']:.2f}",
                        "severity": row["severity"],
                        "status": row["status"],
                        "order": order,
                    }
                )
        else:
            worst = max(group["status"], key=lambda s: STATUS_RANK.get(s, 3))
            scopes = group["scope"].tolist()
            rows.append(
                {
                    "gate": gate,
                    "scope": scopes[0] if len(scopes) == 1 else f"{len(scopes)} sources",
                    "observed": f"{int(group['n_flagged'].sum())} "
                    f"of {int(group['n_checked'].sum())} checked",
                    "threshold": "0",
                    "severity": first["severity"],
                    "status": worst,
                    "order": order,
                }
            )
    return pd.DataFrame(rows, columns=[*COLUMNS, "order"])


def gate_headline(summary: pd.DataFrame) -> str:
    counts = summary["status"].value_counts()
    parts = [f"{int(counts.get(s, 0))} {s}" for s in ("pass", "warn", "fail")]
    return f"{len(summary)} gate checks: " + ", ".join(parts) + "."


def gate_markdown(summary: pd.DataFrame | None) -> str:
    if summary is None or summary.empty:
        return "No gate summary in the warehouse (dq.dq_gate_summary is missing).\n"
    rows = gate_rows(summary)
    lines = [gate_headline(summary), "", "| " + " | ".join(COLUMNS) + " |"]
    lines.append("|" + "---|" * len(COLUMNS))
    for _, row in rows.iterrows():
        lines.append("| " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"
