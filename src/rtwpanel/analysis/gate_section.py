"""The quality of the build, for the report: the dbt gates (dq.dq_gate_summary)
and the Great Expectations results kept for the same build, in one table.

Share gates are listed per source; the critical counts (reconciliation per
source, completeness, the NULL rule, identity numbers) are folded into one row
per gate with the worst status, and the expectations into one row per suite
unless one of them failed, so the section stays a glance, not a dump. Every
expectation that failed is listed with what it means for the estimates.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

STATUS_RANK = {"pass": 0, "warn": 1, "fail": 2}
COLUMNS = ["gate", "scope", "observed", "threshold", "severity", "status"]


def load_gate_summary(database: Path) -> pd.DataFrame | None:
    """The gate summary of the warehouse with its expectation results; None without gates."""
    import duckdb

    try:
        with duckdb.connect(str(database), read_only=True) as con:
            gates = con.execute(
                "select gate, scope, description, measure, n_flagged, n_checked,"
                " observed_value, threshold, severity, status, gate_order"
                " from dq.dq_gate_summary order by gate_order, scope"
            ).fetch_df()
    except duckdb.Error:
        return None
    expectations = expectation_frame(database, first_order=int(gates["gate_order"].max()) + 1)
    return pd.concat([gates, expectations], ignore_index=True) if len(expectations) else gates


def expectation_frame(database: Path, first_order: int) -> pd.DataFrame:
    """The kept expectation results of this build as gate-summary rows (measure 'expectation')."""
    from rtwpanel.gates.checkpoint import kept_results

    outcomes = kept_results(database) or []
    suites = list(dict.fromkeys(o.suite for o in outcomes))
    rows = [
        {
            "gate": f"expectations: {o.suite}",
            "scope": f"{o.column or o.suite}: {o.expectation}",
            "description": o.if_it_fails,
            "measure": "expectation",
            "n_flagged": 0 if o.success else 1,
            "n_checked": 1,
            "observed_value": o.detail,
            "threshold": 0,
            "severity": "error" if o.severity == "critical" else "warn",
            "status": "pass" if o.success else ("fail" if o.severity == "critical" else "warn"),
            "gate_order": first_order + suites.index(o.suite),
        }
        for o in outcomes
    ]
    return pd.DataFrame(rows)


def gate_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """One display row per share gate and scope, one per count gate."""
    rows = []
    for (order, gate), group in summary.groupby(["gate_order", "gate"], sort=True):
        first = group.iloc[0]
        if first["measure"] == "expectation":
            rows += _expectation_rows(group, order)
        elif first["measure"] == "share":
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


def _expectation_rows(group: pd.DataFrame, order: int) -> list[dict[str, object]]:
    """A suite whose expectations all passed is one row; otherwise one row each."""
    if (group["status"] == "pass").all():
        return [
            {
                "gate": group.iloc[0]["gate"],
                "scope": f"{len(group)} expectations",
                "observed": "all as expected",
                "threshold": "-",
                "severity": "error" if (group["severity"] == "error").any() else "warn",
                "status": "pass",
                "order": order,
            }
        ]
    return [
        {
            "gate": row["gate"],
            "scope": row["scope"],
            "observed": row["observed_value"],
            "threshold": "-",
            "severity": row["severity"],
            "status": row["status"],
            "order": order,
        }
        for _, row in group.iterrows()
    ]


def quality_notes(summary: pd.DataFrame) -> list[str]:
    """For each expectation that did not pass: what it means for the estimates."""
    if "measure" not in summary:
        return []
    tripped = summary[(summary["measure"] == "expectation") & (summary["status"] != "pass")]
    notes = []
    for gate, group in tripped.groupby("gate", sort=False):
        scopes = ", ".join(group["scope"])
        notes.append(f"{gate} ({scopes}): {group.iloc[0]['description']}")
    if not (summary["measure"] == "expectation").any():
        notes.append(
            "The Great Expectations suites were not run on this build "
            "(`rtwpanel gates` runs them and keeps their results for the report)."
        )
    return notes


def gate_headline(summary: pd.DataFrame) -> str:
    counts = summary["status"].value_counts()
    parts = [f"{int(counts.get(s, 0))} {s}" for s in ("pass", "warn", "fail")]
    return f"{len(summary)} quality checks: " + ", ".join(parts) + "."


def gate_markdown(summary: pd.DataFrame | None) -> str:
    if summary is None or summary.empty:
        return "No gate summary in the warehouse (dq.dq_gate_summary is missing).\n"
    rows = gate_rows(summary)
    lines = [gate_headline(summary), "", "| " + " | ".join(COLUMNS) + " |"]
    lines.append("|" + "---|" * len(COLUMNS))
    for _, row in rows.iterrows():
        lines.append("| " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    lines += ["", *(f"- {note}" for note in quality_notes(summary))]
    checks = expectation_list(summary)
    if len(checks):
        lines += ["", "Every expectation of this build:", ""]
        lines.append("| " + " | ".join(EXPECTATION_COLUMNS) + " |")
        lines.append("|" + "---|" * len(EXPECTATION_COLUMNS))
        for _, row in checks.iterrows():
            lines.append("| " + " | ".join(str(row[c]) for c in EXPECTATION_COLUMNS) + " |")
    return "\n".join(lines) + "\n"


EXPECTATION_COLUMNS = ["suite", "check", "observed", "severity", "status"]


def expectation_list(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per expectation, in suite order: what was checked and how it came out."""
    if "measure" not in summary:
        return pd.DataFrame(columns=EXPECTATION_COLUMNS)
    checks = summary[summary["measure"] == "expectation"]
    return pd.DataFrame(
        {
            "suite": checks["gate"].str.removeprefix("expectations: "),
            "check": checks["scope"],
            "observed": checks["observed_value"],
            "severity": checks["severity"],
            "status": checks["status"],
        },
        columns=EXPECTATION_COLUMNS,
    )
