"""Why a build was not published, in plain words, from the build it left behind."""

from __future__ import annotations

from pathlib import Path

from rtwpanel.gates.summary import failed_gates, format_gate_summary, read_gate_summary

TOP_REASONS = 3


def explain_rejected(building: Path) -> str:
    """The failed gates, the full gate table and the top quarantine reasons per source."""
    import duckdb

    from rtwpanel.errors import RtwError

    try:
        connection = duckdb.connect(str(building), read_only=True)
    except duckdb.Error:
        return ""
    with connection:
        lines: list[str] = []
        try:
            rows = read_gate_summary(connection)
        except RtwError:
            rows = []  # the build stopped before the gate summary was written
        for row in failed_gates(rows):
            lines.append(
                f"failed gate {row.gate} ({row.scope}): {row.description}: "
                f"{row.n_flagged} of {row.n_checked}, above the threshold {row.threshold:g}"
            )
        if rows:
            lines += ["", "gates of the build that was not published:", format_gate_summary(rows)]
        reasons = _top_quarantine_reasons(connection)
        if reasons:
            lines += ["", "most frequent quarantine reasons (dq.dq_quarantine):"]
            lines += [f"  {source}: {text}" for source, text in reasons]
    return "\n".join(lines)


def _top_quarantine_reasons(connection: object) -> list[tuple[str, str]]:
    import duckdb

    assert isinstance(connection, duckdb.DuckDBPyConnection)
    present = connection.execute(
        "select count(*) from duckdb_tables() where schema_name = 'dq' "
        "and table_name = 'dq_quarantine'"
    ).fetchone()[0]
    if not present:
        return []
    rows = connection.execute(
        "select source, reason, count(*) as n from dq.dq_quarantine "
        "group by source, reason order by source, n desc, reason"
    ).fetchall()
    by_source: dict[str, list[str]] = {}
    for source, reason, n in rows:
        by_source.setdefault(source, []).append(f"{reason} {n}")
    return [(source, ", ".join(reasons[:TOP_REASONS])) for source, reasons in by_source.items()]
