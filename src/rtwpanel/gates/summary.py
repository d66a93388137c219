"""Read `dq.dq_gate_summary` and print it as a short aligned table."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rtwpanel.gates.warehouse import require_relation

if TYPE_CHECKING:
    import duckdb

STATUSES = ("pass", "warn", "fail")
GATE_COLUMNS = (
    "gate",
    "scope",
    "description",
    "measure",
    "n_flagged",
    "n_checked",
    "observed_value",
    "threshold",
    "severity",
    "status",
)


@dataclass(frozen=True)
class GateRow:
    """One row of the gate summary."""

    gate: str
    scope: str
    description: str
    measure: str
    n_flagged: int
    n_checked: int
    observed_value: float
    threshold: float
    severity: str
    status: str


def read_gate_summary(connection: duckdb.DuckDBPyConnection) -> list[GateRow]:
    """The gate rows in display order."""
    require_relation(connection, "dq", "dq_gate_summary")
    rows = connection.execute(
        f"select {', '.join(GATE_COLUMNS)} from dq.dq_gate_summary order by gate_order, scope"
    ).fetchall()
    return [GateRow(*row) for row in rows]


def _value(row: GateRow) -> str:
    if row.measure == "share":
        return f"{row.observed_value:.3f}"
    return f"{int(row.observed_value)}"


def _threshold(row: GateRow) -> str:
    if row.measure == "share":
        return f"{row.threshold:.3f}"
    return f"{int(row.threshold)}"


def collapse_passing(rows: list[GateRow]) -> list[GateRow]:
    """One line per gate whose rows all pass (the worst value, counts summed);
    every row of a gate that warned or failed is kept, so nothing tripped is hidden."""
    shown: list[GateRow] = []
    for gate in dict.fromkeys(row.gate for row in rows):
        group = [row for row in rows if row.gate == gate]
        if len(group) == 1 or any(row.status != "pass" for row in group):
            shown.extend(group)
            continue
        worst = max(group, key=lambda row: row.observed_value)
        shown.append(
            replace(
                worst,
                scope=f"all {len(group)} (highest shown)",
                n_flagged=sum(row.n_flagged for row in group),
                n_checked=sum(row.n_checked for row in group),
            )
        )
    return shown


def format_gate_summary(rows: list[GateRow]) -> str:
    """An aligned table: status, gate, scope, value vs threshold, count behind it."""
    header = ("status", "gate", "scope", "value", "threshold", "count", "severity")
    body = [
        (
            row.status.upper(),
            row.gate,
            row.scope,
            _value(row),
            _threshold(row),
            f"{row.n_flagged} of {row.n_checked}",
            row.severity,
        )
        for row in collapse_passing(rows)
    ]
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]
    right = {3, 4, 5}  # numbers right-aligned

    def line(cells: tuple[str, ...]) -> str:
        parts = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    counts = {status: sum(row.status == status for row in rows) for status in STATUSES}
    totals = f"gates: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail"
    return "\n".join([line(header), *(line(cells) for cells in body), totals])


def failed_gates(rows: list[GateRow]) -> list[GateRow]:
    return [row for row in rows if row.status == "fail"]
