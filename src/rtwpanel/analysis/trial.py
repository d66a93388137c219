"""The study as the evaluation sees it: arms, the treatment term, clusters, subgroups.

Every table reads the arms, outcomes, horizons and clusters from here, never
from a constant. Cluster codes are text; for inference and dummies they are
factorised in the study's order of `cluster.codes` (codes found in the data
but not listed come after, sorted), so IPS's centres 1..6 keep their numbers
and their base level.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from rtwpanel.study import DEFAULT_STUDY, Arm, Study, Subgroup, load_study

CLUSTER = "cluster_index"  # 1, 2, ... in the study's order of cluster codes
OPS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


@dataclass(frozen=True)
class Trial:
    study: Study

    @property
    def treated(self) -> Arm:
        return self.study.treated

    @property
    def control(self) -> Arm:
        return self.study.control

    @property
    def arm_codes(self) -> tuple[str, str]:
        """(control, treated): the values of the marts' `arm`."""
        return (self.control.code, self.treated.code)

    @property
    def arm_names(self) -> tuple[str, str]:
        """(control, treated) as the tables show them."""
        return (self.control.name, self.treated.name)

    @property
    def short(self) -> str:
        """Prefix of the treatment's interaction terms: `ips` for IPS."""
        return _slug(self.treated.code)

    @property
    def term(self) -> str:
        """The treatment regressor: `is_ips` for IPS, `is_act` for an arm coded ACT."""
        return f"is_{self.short}"

    @property
    def cluster_word(self) -> str:
        """What a cluster is, for labels (`centre`)."""
        return self.study.cluster_meaning

    @property
    def cluster_prefix(self) -> str:
        return _slug(self.study.cluster_meaning)

    @property
    def difference(self) -> str:
        return f"{self.treated.name} - {self.control.name}"

    @property
    def primary(self) -> str:
        return self.study.primary_outcome

    @property
    def primary_name(self) -> str:
        return self.study.outcome_name(self.primary)

    def outcomes(self) -> tuple[tuple[str, str], ...]:
        """(display name, column) of the effect tables, in the study's order."""
        return tuple((o.name, o.column) for o in self.study.outcomes)

    def cluster_order(self, codes: pd.Series) -> list[str]:
        listed = list(self.study.cluster_codes)
        extra = sorted({str(c) for c in codes.dropna().unique()} - set(listed))
        return listed + extra

    def prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame with the treatment term and the factorised cluster (idempotent).

        A frame without `is_treated` / `cluster_id` (a warehouse built before the
        study columns, a hand-made test frame) takes them from `is_ips` / `centre_id`.
        """
        if CLUSTER in frame.columns and self.term in frame.columns:
            return frame
        frame = frame.copy()
        if "is_treated" not in frame.columns:
            if "arm" in frame.columns and frame["arm"].notna().any():
                frame["is_treated"] = (frame["arm"] == self.treated.code).astype(float)
            else:
                frame["is_treated"] = frame["is_ips"].astype(float)
        if "cluster_id" not in frame.columns:
            centre = pd.to_numeric(frame["centre_id"], errors="coerce")
            frame["cluster_id"] = centre.map(lambda c: None if pd.isna(c) else str(int(c)))
        codes = frame["cluster_id"].astype(object).where(frame["cluster_id"].notna(), None)
        codes = codes.map(lambda c: None if c is None else str(c))
        order = self.cluster_order(codes)
        position = {code: i + 1 for i, code in enumerate(order)}
        frame[CLUSTER] = codes.map(position).astype(float)
        frame[self.term] = pd.to_numeric(frame["is_treated"], errors="coerce").astype(float)
        return frame

    def clusters(self, frame: pd.DataFrame) -> list[tuple[int, str]]:
        """(index, code) of the clusters present in a prepared frame, in the study's order."""
        return sorted(self.cluster_names(frame).items())

    def cluster_names(self, frame: pd.DataFrame) -> dict[int, str]:
        """Cluster index -> code, for the clusters present in a prepared frame."""
        known = frame.loc[frame[CLUSTER].notna(), [CLUSTER, "cluster_id"]]
        pairs = known.drop_duplicates(CLUSTER)
        return {int(i): str(c) for i, c in zip(pairs[CLUSTER], pairs["cluster_id"], strict=True)}

    def in_subgroup(self, dim: pd.DataFrame, group: Subgroup) -> set[str]:
        """The persons of dim_participant meeting every rule of the subgroup."""
        keep = pd.Series(True, index=dim.index)
        for rule in group.rules:
            column = dim[rule.variable]
            value = rule.value
            if isinstance(value, str):
                held = OPS[rule.op](column.astype(object), value)
            else:
                numeric = pd.to_numeric(column, errors="coerce")
                held = OPS[rule.op](numeric, value) & numeric.notna()
            keep &= held.fillna(False).astype(bool)
        return set(dim.loc[keep, "person_id"].astype(str))

    def randomised_early(self, dates: pd.Series) -> pd.Series:
        assert self.study.early_before is not None
        return pd.to_datetime(dates) < pd.Timestamp(self.study.early_before)

    def phases_text(self) -> str:
        """The allocation schedule in words."""
        parts = []
        for phase in self.study.allocation:
            parts.append(f"{phase.treated}:{phase.control} from {_date(phase.start)}")
        names = f"({self.treated.name}:{self.control.name})"
        return f"{'; '.join(parts)} {names}"


def _date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


@lru_cache(maxsize=16)
def _cached(name: str) -> Trial:
    return Trial(load_study(name))


def trial_of(study: Study | Trial | str | Path | None = None) -> Trial:
    """The Trial of a study (its name, file or object); None: the default study."""
    if isinstance(study, Trial):
        return study
    if isinstance(study, Study):
        return Trial(study)
    return _cached(str(study if study is not None else DEFAULT_STUDY))
