"""A study is a file: `studies/<name>.yml`, read and checked here.

The warehouse reads the same file through the engine (macro `study`), the
evaluation and the generator through `load_study`. A study file that does not
follow the rules below is refused with a message naming the file and the key.
docs/studies.md describes every key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rtwpanel.errors import RtwError
from rtwpanel.paths import PROJECT_DIR

STUDIES_DIR = PROJECT_DIR / "studies"
DEFAULT_STUDY = "ips"
DESIGNS = ("rct", "cohort", "rollout")
CONTROL_GROUPS = ("never_treated", "not_yet_treated")
REGIONS_SEED = PROJECT_DIR / "seeds" / "ref_regions.csv"
PREDICTOR_KINDS = ("numeric", "flag", "category")
EVENTS = ("return_to_work", "aap", "disability")
OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
CODE = re.compile(r"^[A-Za-z0-9_-]+$")  # codes are pasted into SQL lists: no quotes


@dataclass(frozen=True)
class Arm:
    code: str  # the value of participants.csv's arm
    name: str  # the arm in tables and figures
    description: str


@dataclass(frozen=True)
class Phase:
    """One allocation phase: the ratio treated : control from `start` on."""

    start: dt.date
    treated: int
    control: int
    note: str = ""

    @property
    def share_treated(self) -> float:
        return self.treated / (self.treated + self.control)


@dataclass(frozen=True)
class Outcome:
    column: str  # a 0/1 status of marts.fct_person_month
    name: str


@dataclass(frozen=True)
class Rule:
    variable: str  # a column of marts.dim_participant
    op: str
    value: float | str


@dataclass(frozen=True)
class Subgroup:
    name: str
    label: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Predictor:
    """A baseline variable of the cohort's episodes (a column of
    marts.fct_sick_leave_episodes) and how the models enter it."""

    column: str
    name: str
    kind: str  # numeric: hazard ratio per `per` units; flag: 1 vs 0; category: vs reference
    per: float = 1.0
    reference: str | None = None  # category: the reference level


@dataclass(frozen=True)
class CohortDesign:
    """The cohort of sick-leave episodes (design cohort) and its time-to-event
    analysis. Episodes are the rows of marts.fct_sick_leave_episodes; the cohort
    is a filter on them (marts.mart_cohort_episodes applies it in SQL)."""

    chapter: str  # ICPC-2 chapter of the episode's diagnosis, e.g. P
    ages: tuple[int, int]  # age at the index date, both ends included
    in_work_at_start: bool
    event: str  # the event of interest
    competing: tuple[str, ...]  # competing events
    horizon_days: int  # curves and cumulative incidence up to this day
    predictors: tuple[Predictor, ...]
    curves_by: tuple[str, ...]  # flag or category predictors with a curve per level


@dataclass(frozen=True)
class Region:
    code: str  # the region code of bosted.csv (seed ref_regions)
    name: str
    start: dt.date | None  # first month of the programme (its first day); None: never


@dataclass(frozen=True)
class TargetRule:
    """Who counts in a roll-out's target population: a person aged `ages` in a month
    (calendar year minus birth year) counts in that month when, in the baseline
    window, they had a specialist mental-health contact (npr_contact) or a sick-leave
    piece with a diagnosis in ICPC-2 chapter `sick_leave_chapter` (None: not a
    criterion). At least one criterion is set."""

    ages: tuple[int, int]
    baseline: tuple[dt.date, dt.date]
    npr_contact: bool
    sick_leave_chapter: str | None


@dataclass(frozen=True)
class RolloutDesign:
    """A staggered regional roll-out (design rollout), evaluated on
    marts.mart_region_month (analysis.rollout)."""

    regions: tuple[Region, ...]
    target: TargetRule
    outcomes: tuple[Outcome, ...]
    primary_outcome: str
    control_group: str  # never_treated or not_yet_treated
    event_window: tuple[int, int]
    bootstrap_draws: int
    placebo_permutations: int = 999  # random assignments of the starts (0: no placebo tests)

    @property
    def first_start(self) -> dt.date | None:
        starts = [r.start for r in self.regions if r.start is not None]
        return min(starts) if starts else None


def region_names() -> dict[str, str]:
    """Region code -> name, from seed ref_regions."""
    import csv

    with REGIONS_SEED.open(encoding="utf-8", newline="") as handle:
        return {row["region"]: row["region_name"] for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class Study:
    name: str
    title: str
    design: str
    description: str
    # a trial's arms, clusters and schedule (design rct; None or empty otherwise)
    treated: Arm | None
    control: Arm | None
    cluster_meaning: str
    cluster_codes: tuple[str, ...]
    cluster_is_stratum: bool
    allocation: tuple[Phase, ...]
    inclusion: tuple[dt.date, dt.date]
    primary_outcome: str
    outcomes: tuple[Outcome, ...]
    horizons: tuple[int, ...]
    subgroups: tuple[Subgroup, ...]
    early_before: dt.date | None
    cost_benefit: dict[str, float] | None
    published: dict[str, dict[str, float]]
    plausible_shares: dict[str, tuple[float, float]]  # status -> range of its share by arm
    path: Path
    sha256: str
    cohort: CohortDesign | None = None  # design cohort
    rollout: RolloutDesign | None = None  # design rollout

    @property
    def is_trial(self) -> bool:
        return self.design == "rct"

    @property
    def arms(self) -> tuple[Arm, Arm]:
        """(control, treated): the order of the tables' columns."""
        if self.treated is None or self.control is None:
            raise RtwError(f"{self.path}: design {self.design} has no arms")
        return (self.control, self.treated)

    def outcome_name(self, column: str) -> str:
        for outcome in self.outcomes:
            if outcome.column == column:
                return outcome.name
        return column.replace("_", " ")


def study_path(name: str | Path) -> Path:
    """`studies/<name>.yml`, or the path itself when given a file."""
    text = str(name)
    if text.endswith((".yml", ".yaml")) or "/" in text:
        return Path(text)
    return STUDIES_DIR / f"{text}.yml"


def available_studies() -> list[str]:
    return sorted(path.stem for path in STUDIES_DIR.glob("*.yml"))


def load_study(name: str | Path = DEFAULT_STUDY) -> Study:
    """The study file, checked; RtwError naming the file and key when it is not sound."""
    import yaml

    path = study_path(name)
    if not path.is_file():
        import difflib

        studies = available_studies()
        close = difflib.get_close_matches(path.stem, studies, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        known = ", ".join(studies) or "none"
        raise RtwError(f"study {name!s}: no file {path} (studies here: {known}){hint}")
    data = path.read_bytes()
    try:
        document = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise RtwError(f"{path}: not readable as UTF-8 YAML{line}") from None
    reader = _Reader(path, document)
    study = reader.study(hashlib.sha256(data).hexdigest())
    if study.name != path.stem:
        raise RtwError(f"{path}: key name is {study.name!r}, the file is named {path.stem!r}")
    return study


class _Reader:
    """Typed access to the parsed file; every refusal names the key."""

    def __init__(self, path: Path, document: Any) -> None:
        self.path = path
        if not isinstance(document, dict):
            self.fail("", "the file must be a mapping of keys")
        self.document = document

    def fail(self, key: str, problem: str) -> None:
        where = f"key {key}: " if key else ""
        raise RtwError(f"{self.path}: {where}{problem}")

    def get(self, key: str, required: bool = True) -> Any:
        node: Any = self.document
        for part in key.split("."):
            if isinstance(node, list):
                node = node[int(part)]
            elif not isinstance(node, dict) or part not in node or node[part] is None:
                if required:
                    self.fail(key, "is missing")
                return None
            else:
                node = node[part]
        return node

    def text(self, key: str, required: bool = True, pattern: re.Pattern | None = None) -> str:
        value = self.get(key, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, "must be text")
        value = str(value).strip()
        if required and not value:
            self.fail(key, "is empty")
        if pattern is not None and not pattern.match(value):
            self.fail(key, f"must match {pattern.pattern}")
        return value

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self.get(key, required)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(key, "must be a date YYYY-MM-DD")
        raise AssertionError  # unreachable

    def window(self, key: str) -> tuple[dt.date, dt.date]:
        """`key: {from, to}` as two dates, `to` not before `from`."""
        first, last = self.date(f"{key}.from"), self.date(f"{key}.to")
        if last < first:
            self.fail(f"{key}.to", f"is before {key.rsplit('.', 1)[-1]}.from")
        return first, last

    def integer(self, key: str, minimum: int = 0) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key, f"must be a whole number of at least {minimum}")
        return value

    def items(self, key: str, required: bool = True) -> list:
        value = self.get(key, required)
        if value is None:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(key, "must be a list with at least one item")
        return value

    def arm(self, key: str) -> Arm:
        return Arm(
            code=self.text(f"{key}.code", pattern=CODE),
            name=self.text(f"{key}.name"),
            description=self.text(f"{key}.description", required=False),
        )

    def study(self, sha256: str) -> Study:
        design = self.text("design")
        if design not in DESIGNS:
            self.fail("design", f"must be one of {', '.join(DESIGNS)}")
        if design == "cohort":
            return self.cohort_study(sha256)
        if design == "rollout":
            return self.rollout_study(sha256)
        treated, control = self.arm("arms.treated"), self.arm("arms.control")
        if treated.code == control.code:
            self.fail("arms", "treated and control must have different codes")
        codes = tuple(
            self.text(f"cluster.codes.{i}", pattern=CODE)
            for i in range(len(self.items("cluster.codes")))
        )
        if len(set(codes)) != len(codes):
            self.fail("cluster.codes", "a code is listed twice")
        stratum = self.get("cluster.stratum")
        if not isinstance(stratum, bool):
            self.fail("cluster.stratum", "must be true or false")
        study = Study(
            name=self.text("name", pattern=NAME),
            title=self.text("title"),
            design=design,
            description=" ".join(self.text("description", required=False).split()),
            treated=treated,
            control=control,
            cluster_meaning=self.text("cluster.meaning"),
            cluster_codes=codes,
            cluster_is_stratum=stratum,
            allocation=self.allocation(),
            inclusion=self.inclusion(),
            primary_outcome=self.text("primary_outcome"),
            outcomes=self.outcomes(),
            horizons=tuple(
                self.integer(f"horizons.{i}", minimum=1) for i in range(len(self.items("horizons")))
            ),
            subgroups=self.subgroups(),
            early_before=self.date("early_before", required=False),
            cost_benefit=self.numbers("cost_benefit"),
            published=self.published(),
            plausible_shares=self.plausible_shares(),
            path=self.path,
            sha256=sha256,
        )
        if study.primary_outcome not in {o.column for o in study.outcomes}:
            self.fail("primary_outcome", "must be one of the outcomes' columns")
        return study

    def untreated_study(self, sha256: str, design: str, **fields: Any) -> Study:
        """A study that randomised nobody (designs cohort and rollout): no arms,
        allocation or subgroups; `fields` are its design's own."""
        return Study(
            name=self.text("name", pattern=NAME),
            title=self.text("title"),
            design=design,
            description=" ".join(self.text("description", required=False).split()),
            treated=None,
            control=None,
            cluster_is_stratum=False,
            allocation=(),
            inclusion=self.window("inclusion"),
            horizons=(),
            subgroups=(),
            early_before=None,
            cost_benefit=None,
            published=self.published(),
            plausible_shares={},
            path=self.path,
            sha256=sha256,
            **fields,
        )

    def cohort_study(self, sha256: str) -> Study:
        for key in ("arms", "cluster", "allocation", "outcomes", "subgroups", "cost_benefit"):
            if self.get(key, required=False) is not None:
                self.fail(key, "belongs to a trial (design rct), not to design cohort")
        self.window("inclusion")
        return self.untreated_study(
            sha256,
            "cohort",
            cluster_meaning="person",
            cluster_codes=(),
            primary_outcome=self.text("cohort.event"),
            outcomes=(),
            cohort=self.cohort_design(),
        )

    def rollout_study(self, sha256: str) -> Study:
        for key in ("arms", "cluster", "allocation", "subgroups", "cost_benefit", "cohort"):
            if self.get(key, required=False) is not None:
                self.fail(key, "does not belong to design rollout")
        period = self.window("inclusion")
        outcomes = self.outcomes()
        primary = self.text("primary_outcome")
        if primary not in {o.column for o in outcomes}:
            self.fail("primary_outcome", "must be one of the outcomes' columns")
        design = self.rollout_design(outcomes, primary, period)
        return self.untreated_study(
            sha256,
            "rollout",
            cluster_meaning="region",
            cluster_codes=tuple(r.code for r in design.regions),
            primary_outcome=primary,
            outcomes=outcomes,
            rollout=design,
        )

    def month(self, key: str) -> dt.date | None:
        """A month YYYY-MM (or a date on its first day) as its first day; never: None."""
        value = self.get(key)
        if isinstance(value, str) and value.strip() == "never":
            return None
        text = str(value).strip()
        if isinstance(value, dt.date) or re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            day = value if isinstance(value, dt.date) else None
            try:
                day = day or dt.date.fromisoformat(text)
            except ValueError:
                self.fail(key, "must be a month YYYY-MM or never")
            if day.day != 1:
                self.fail(key, "must be a month YYYY-MM (or its first day) or never")
            return day
        if not re.match(r"^\d{4}-\d{2}$", text) or not 1 <= int(text[5:]) <= 12:
            self.fail(key, "must be a month YYYY-MM or never")
        return dt.date(int(text[:4]), int(text[5:]), 1)

    def rollout_design(
        self, outcomes: tuple[Outcome, ...], primary: str, period: tuple[dt.date, dt.date]
    ) -> RolloutDesign:
        names = region_names()
        regions = []
        for i in range(len(self.items("rollout.regions"))):
            key = f"rollout.regions.{i}"
            code = self.text(f"{key}.code", pattern=CODE)
            if code not in names:
                self.fail(f"{key}.code", "must be a region of seed ref_regions")
            if code in {r.code for r in regions}:
                self.fail(f"{key}.code", "is listed twice")
            start = self.month(f"{key}.start")
            if start is not None and not period[0] <= start <= period[1]:
                self.fail(f"{key}.start", "must be a month of the inclusion window (or never)")
            regions.append(Region(code, names[code], start))
        if all(r.start is None for r in regions):
            self.fail("rollout.regions", "no region starts: nothing to evaluate")
        control = self.text("rollout.control_group")
        if control not in CONTROL_GROUPS:
            self.fail("rollout.control_group", f"must be one of {', '.join(CONTROL_GROUPS)}")
        if control == "never_treated" and all(r.start is not None for r in regions):
            self.fail("rollout.control_group", "never_treated needs a region that never starts")
        window = [self.get(f"rollout.event_window.{i}") for i in range(2)]
        if (
            len(self.items("rollout.event_window")) != 2
            or any(isinstance(e, bool) or not isinstance(e, int) for e in window)
            or not window[0] < 0 <= window[1]
        ):
            self.fail("rollout.event_window", "must be [first, last] months with first < 0 <= last")
        return RolloutDesign(
            regions=tuple(regions),
            target=self.target_rule(regions),
            outcomes=outcomes,
            primary_outcome=primary,
            control_group=control,
            event_window=(window[0], window[1]),
            bootstrap_draws=self.integer("rollout.bootstrap_draws", minimum=99),
            placebo_permutations=(
                999
                if self.get("rollout.placebo_permutations", False) is None
                else self.integer("rollout.placebo_permutations")
            ),
        )

    def target_rule(self, regions: list[Region]) -> TargetRule:
        key = "rollout.target"
        ages = tuple(self.integer(f"{key}.ages.{i}") for i in range(len(self.items(f"{key}.ages"))))
        if len(ages) != 2 or ages[0] > ages[1]:
            self.fail(f"{key}.ages", "must be [youngest, oldest] with youngest <= oldest")
        first, last = self.window(f"{key}.baseline")
        starts = [r.start for r in regions if r.start is not None]
        if last >= min(starts):
            self.fail(f"{key}.baseline.to", "must be before the first region's start")
        npr = self.get(f"{key}.npr_contact", required=False)
        if npr is not None and not isinstance(npr, bool):
            self.fail(f"{key}.npr_contact", "must be true or false")
        chapter = self.text(
            f"{key}.sick_leave_chapter", required=False, pattern=re.compile(r"^[A-Z]$")
        )
        if not npr and not chapter:
            self.fail(key, "needs a criterion: npr_contact: true or a sick_leave_chapter")
        return TargetRule(
            ages=(ages[0], ages[1]),
            baseline=(first, last),
            npr_contact=bool(npr),
            sick_leave_chapter=chapter or None,
        )

    def cohort_design(self) -> CohortDesign:
        chapter = self.text("cohort.chapter", pattern=re.compile(r"^[A-Z]$"))
        ages = tuple(
            self.integer(f"cohort.ages.{i}") for i in range(len(self.items("cohort.ages")))
        )
        if len(ages) != 2 or ages[0] > ages[1]:
            self.fail("cohort.ages", "must be [youngest, oldest] with youngest <= oldest")
        in_work = self.get("cohort.in_work_at_start")
        if not isinstance(in_work, bool):
            self.fail("cohort.in_work_at_start", "must be true or false")
        event = self.text("cohort.event")
        competing = tuple(
            self.text(f"cohort.competing.{i}")
            for i in range(len(self.items("cohort.competing", required=False)))
        )
        for key, value in [("cohort.event", event)] + [
            (f"cohort.competing.{i}", c) for i, c in enumerate(competing)
        ]:
            if value not in EVENTS:
                self.fail(key, f"must be one of {', '.join(EVENTS)}")
        if event in competing or len(set(competing)) != len(competing):
            self.fail("cohort.competing", "lists the event or an event twice")
        predictors = tuple(
            self.predictor(f"predictors.{i}") for i in range(len(self.items("predictors")))
        )
        kinds = {p.column: p.kind for p in predictors}
        if len(kinds) != len(predictors):
            self.fail("predictors", "a column is listed twice")
        curves_by = tuple(
            self.text(f"curves_by.{i}") for i in range(len(self.items("curves_by", required=False)))
        )
        for i, column in enumerate(curves_by):
            if kinds.get(column) not in ("flag", "category"):
                self.fail(f"curves_by.{i}", "must be a flag or category predictor")
        return CohortDesign(
            chapter=chapter,
            ages=(ages[0], ages[1]),
            in_work_at_start=in_work,
            event=event,
            competing=competing,
            horizon_days=self.integer("cohort.horizon_days", minimum=1),
            predictors=predictors,
            curves_by=curves_by,
        )

    def predictor(self, key: str) -> Predictor:
        from rtwpanel.marts_schema import EPISODE_COLUMNS

        column = self.text(f"{key}.column")
        if column not in EPISODE_COLUMNS:
            self.fail(f"{key}.column", "must be a column of marts.fct_sick_leave_episodes")
        kind = self.text(f"{key}.kind")
        if kind not in PREDICTOR_KINDS:
            self.fail(f"{key}.kind", f"must be one of {', '.join(PREDICTOR_KINDS)}")
        per = self.get(f"{key}.per", required=False)
        if per is not None and (
            isinstance(per, bool) or not isinstance(per, int | float) or per <= 0
        ):
            self.fail(f"{key}.per", "must be a positive number")
        reference = self.text(f"{key}.reference", required=kind == "category") or None
        return Predictor(
            column=column,
            name=self.text(f"{key}.name"),
            kind=kind,
            per=float(per or 1.0),
            reference=reference,
        )

    def allocation(self) -> tuple[Phase, ...]:
        phases = []
        for i in range(len(self.items("allocation"))):
            key = f"allocation.{i}"
            phase = Phase(
                start=self.date(f"{key}.from"),
                treated=self.integer(f"{key}.treated"),
                control=self.integer(f"{key}.control"),
                note=self.text(f"{key}.note", required=False),
            )
            if phase.treated + phase.control == 0:
                self.fail(key, "treated and control are both zero")
            if phases and phase.start <= phases[-1].start:
                self.fail(f"{key}.from", "must be later than the phase before")
            phases.append(phase)
        return tuple(phases)

    def inclusion(self) -> tuple[dt.date, dt.date]:
        first, last = self.window("inclusion")
        if self.date("allocation.0.from") > first:
            self.fail("allocation.0.from", "must be on or before inclusion.from")
        return first, last

    def outcomes(self) -> tuple[Outcome, ...]:
        from rtwpanel.marts_schema import BINARY_STATUSES

        outcomes = []
        for i in range(len(self.items("outcomes"))):
            column = self.text(f"outcomes.{i}.column")
            if column not in BINARY_STATUSES:
                self.fail(f"outcomes.{i}.column", f"must be a 0/1 status of the panel ({column})")
            outcomes.append(Outcome(column, self.text(f"outcomes.{i}.name")))
        return tuple(outcomes)

    def subgroups(self) -> tuple[Subgroup, ...]:
        from rtwpanel.marts_schema import DIM_PARTICIPANT_COLUMNS

        groups = []
        for i in range(len(self.items("subgroups", required=False))):
            key = f"subgroups.{i}"
            rules = []
            for j in range(len(self.items(f"{key}.rules"))):
                rule_key = f"{key}.rules.{j}"
                variable = self.text(f"{rule_key}.variable")
                if variable not in DIM_PARTICIPANT_COLUMNS:
                    self.fail(f"{rule_key}.variable", "must be a column of marts.dim_participant")
                op = self.text(f"{rule_key}.op")
                if op not in OPERATORS:
                    self.fail(f"{rule_key}.op", f"must be one of {' '.join(OPERATORS)}")
                value = self.get(f"{rule_key}.value")
                if isinstance(value, bool) or not isinstance(value, str | int | float):
                    self.fail(f"{rule_key}.value", "must be a number or text")
                rules.append(Rule(variable, op, value))
            groups.append(
                Subgroup(
                    self.text(f"{key}.name", pattern=NAME), self.text(f"{key}.label"), tuple(rules)
                )
            )
        return tuple(groups)

    def numbers(self, key: str) -> dict[str, float] | None:
        value = self.get(key, required=False)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, "must be a mapping of names to numbers")
        for name, number in value.items():
            if isinstance(number, bool) or not isinstance(number, int | float):
                self.fail(f"{key}.{name}", "must be a number")
        return {str(name): float(number) for name, number in value.items()}

    def published(self) -> dict[str, dict[str, float]]:
        value = self.get("published", required=False) or {}
        if not isinstance(value, dict):
            self.fail("published", "must be a mapping")
        return {str(name): self.numbers(f"published.{name}") or {} for name in value}

    def plausible_shares(self) -> dict[str, tuple[float, float]]:
        from rtwpanel.marts_schema import BINARY_STATUSES

        value = self.get("plausible_shares", required=False) or {}
        if not isinstance(value, dict):
            self.fail("plausible_shares", "must map statuses to [low, high]")
        ranges = {}
        for status, bounds in value.items():
            key = f"plausible_shares.{status}"
            if status not in BINARY_STATUSES:
                self.fail(key, "must name a 0/1 status of the panel")
            if (
                not isinstance(bounds, list)
                or len(bounds) != 2
                or any(isinstance(b, bool) or not isinstance(b, int | float) for b in bounds)
                or not 0 <= bounds[0] <= bounds[1] <= 1
            ):
                self.fail(key, "must be [low, high] with 0 <= low <= high <= 1")
            ranges[str(status)] = (float(bounds[0]), float(bounds[1]))
        return ranges
