"""Row-level defects: extra rows, each a corrupted (or exact) copy of a sound row.

The sound rows are never touched, so the panel built from them equals the
truth. Every source row is copied at most once, so no two defect rows are
alike and no defect row duplicates another defect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rtwpanel.synthetic import fmt
from rtwpanel.synthetic.table import Table, stochastic_round

BAD_DATES = ("20131332", "2013-05-01", "0", "20130230", "2013051")
BAD_MONTHS = ("201313", "201300", "2013-05", "13")
# codes outside the reference lists under any spelling (no case or accent variants)
BAD_CODES = {
    "ytelse": ("BARNETRYGD", "KONTANTSTOTTE", "GRUNNSTONAD"),
    "tiltakskode": ("JOBBKLUBB", "MENTOR", "XYZ"),
    "kontakttype": ("somatikk", "tsb_poli", "rus_dogn"),
    "arbeidsforhold_type": ("pensjon", "ukjent", "oppdrag"),
    "region": ("13", "99", "00"),  # no county of ref_regions (13, Bergen, joined Hordaland in 1972)
}


@dataclass
class DefectRows:
    """Defect rows of one source and chunk: each goes right after the sound row it
    copies (``after``); with the manifest fields of each."""

    lines: pa.Array
    after: np.ndarray
    kind: pa.Array
    key: pa.Array
    column: pa.Array
    detail: pa.Array


def _kinds(table: Table, rates: dict[str, float]) -> list[tuple[str, str | None]]:
    """(kind, column) pairs that apply to a source with a positive rate."""
    kinds: list[tuple[str, str | None]] = [("duplicate_row", None), ("wrong_field_count", None)]
    if table.date_column:
        kinds.append(("bad_date", table.date_column))
    if table.month_column:
        kinds.append(("bad_month", table.month_column))
    if table.span:
        kinds.append(("end_before_start", table.span[1]))
    kinds.append(("unknown_person", "person_id"))
    if table.code_column:
        kinds.append(("unknown_code", table.code_column))
    if table.amount is not None:
        kinds.append(("orphan_reversal", "belop"))
    return [(k, c) for k, c in kinds if rates.get(k, 0.0) > 0]


def inject(
    table: Table,
    rates: dict[str, float],
    rng: np.random.Generator,
    unknown_person_ids: Callable[[int], pa.Array],
) -> tuple[DefectRows | None, DefectRows | None]:
    """Defect rows to interleave with the table's rows (ordered by the row they copy),
    and unknown-person rows (written at the end of the file, after every participant).

    ``unknown_person_ids(n)`` returns n fresh person ids outside the cohort.
    """
    kinds = _kinds(table, rates)
    copyable = (
        np.flatnonzero(table.copyable) if table.copyable is not None else np.arange(len(table))
    )
    counts = [stochastic_round(rates[k] * len(table), rng) for k, _ in kinds]
    total = sum(counts)
    if total == 0 or len(copyable) == 0:
        return None, None
    if total > len(copyable):  # tiny tables: fewer defects than asked
        counts = [c * len(copyable) // total for c in counts]
        total = sum(counts)
    chosen = copyable[rng.choice(len(copyable), size=total, replace=False)]
    names = list(table.fields)
    parts: list[tuple[str, str | None, np.ndarray, pa.Array, pa.Array, pa.Array]] = []
    at = 0
    for (kind, column), count in zip(kinds, counts, strict=True):
        idx = np.sort(chosen[at : at + count])
        at += count
        if count == 0:
            continue
        take = pa.array(idx)
        fields = {name: table.fields[name].take(take) for name in names}
        detail = pa.nulls(count, pa.string())
        if kind == "wrong_field_count":
            extra = rng.random(count) < 0.5
            full = fmt.join_lines([fields[n] for n in names] + [pa.array(["x"] * count)])
            short = fmt.join_lines([fields[n] for n in names[:-1]])
            lines = pc.if_else(pa.array(extra), full, short)
            detail = pc.if_else(
                pa.array(extra),
                pa.scalar(f"{len(names) + 1} fields, header has {len(names)}"),
                pa.scalar(f"{len(names) - 1} fields, header has {len(names)}"),
            )
        else:
            if kind == "bad_date":
                fields[column] = fmt.labels(rng.integers(0, len(BAD_DATES), count), BAD_DATES)
            elif kind == "bad_month":
                fields[column] = fmt.labels(rng.integers(0, len(BAD_MONTHS), count), BAD_MONTHS)
            elif kind == "end_before_start":
                fields[column] = fmt.dates(table.span_start[idx] - rng.integers(1, 60, count))
            elif kind == "unknown_person":
                fields[column] = unknown_person_ids(count)
            elif kind == "unknown_code":
                bad = BAD_CODES[column]
                fields[column] = fmt.labels(rng.integers(0, len(bad), count), bad)
            elif kind == "orphan_reversal":
                fields[column] = fmt.ints(-(table.amount[idx] + rng.integers(1, 500, count)))
            if column is not None:
                detail = fields[column]
            lines = fmt.join_lines([fields[n] for n in names])
        key = (
            table.fields[table.key_column].take(take)
            if table.key_column
            else pa.nulls(count, pa.string())
        )
        parts.append((kind, column, idx, lines, key, detail))

    def combine(selected: list) -> DefectRows | None:
        if not selected:
            return None
        idx = np.concatenate([p[2] for p in selected])
        which = np.repeat(np.arange(len(selected)), [len(p[2]) for p in selected])
        order = np.argsort(idx, kind="stable")
        # Two corrupted copies of rows that differ only in the corrupted column come
        # out identical, and the second would be an exact duplicate, not the planted
        # kind: keep only the first of identical lines.
        lines = pa.concat_arrays([p[3] for p in selected]).take(pa.array(order))
        _, first = np.unique(np.asarray(lines.to_numpy(zero_copy_only=False)), return_index=True)
        order = order[np.sort(first)]
        take = pa.array(order)
        return DefectRows(
            lines=pa.concat_arrays([p[3] for p in selected]).take(take),
            after=idx[order],
            kind=fmt.labels(which, [p[0] for p in selected]).take(take),
            key=pa.concat_arrays([p[4].cast(pa.string()) for p in selected]).take(take),
            column=fmt.labels(which, [p[1] or "" for p in selected]).take(take),
            detail=pa.concat_arrays([p[5].cast(pa.string()) for p in selected]).take(take),
        )

    inline = [p for p in parts if p[0] != "unknown_person"]
    tail = [p for p in parts if p[0] == "unknown_person"]
    return combine(inline), combine(tail)
