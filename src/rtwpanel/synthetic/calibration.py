"""A study's generator calibration: the `synthetic:` section of studies/<name>.yml.

The IPS trial keeps its calibration in Python (``params``); any other study gives
its own in its study file, read and checked here, so that a new study is one file.
Every refusal names the file and the key. The keys are described in
studies/jobbmestring.yml and in ``participation``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rtwpanel.errors import RtwError
from rtwpanel.study import Study

GROUPS = ("in_work", "sick_listed_partly", "sick_listed_full", "benefits", "none")
BENEFITS = ("aap", "unemployment_benefit", "disability")
CAUSES = ("sick_listed", "aap", "unemployment_benefit", "disability", "none")
EDUCATION = ("compulsory", "upper_secondary_basic", "upper_secondary", "higher")
HORIZONS = (12, 18)
SUBGROUP_VARIABLE = "months_out_of_work"
MONTHS_BEFORE = 24  # months_out_of_work counts the 24 calendar months before randomisation


@dataclass(frozen=True)
class Calibration:
    """Targets, planted effect and path dynamics of one study's synthetic trial."""

    study: str
    treated_code: str
    control_code: str
    cluster_codes: tuple[str, ...]
    allocation: tuple[tuple[str, int, int], ...]  # (first day ISO, treated, control)
    inclusion: tuple[str, str]  # first and last day ISO
    subgroup: str
    subgroup_rules: tuple[tuple[str, float], ...]  # (operator, value) on months_out_of_work
    persons: int
    deaths: int
    centre_weights: tuple[float, ...]
    age_mean: float
    age_sd: float
    female: float
    born_in_norway: float
    diagnosis_codes: tuple[str, ...]
    diagnosis_shares: tuple[float, ...]
    education: tuple[float, ...]  # shares in EDUCATION order
    at_inclusion: dict[str, float]  # in_work, sick_listed, benefits
    sick_listed_full: float
    benefits: tuple[float, ...]  # shares in BENEFITS order
    history_months: tuple[int, ...]
    history: dict[str, tuple[float, ...]]  # by GROUPS
    history_exit: float
    control: dict[str, dict[int, float]]  # 'all' and the subgroup, by horizon
    effect: dict[str, dict[int, float]]
    level_offsets: dict[str, float]
    follow_up_exit: float
    causes_short: tuple[float, ...]  # by CAUSES
    causes_long: tuple[float, ...]
    partly_sick_share: float

    @property
    def demo_seed(self) -> int:
        """The first day of inclusion as YYYYMMDD: the seed by the rule of the reference
        trial's demo (params.SEED_NOTE), fixed without looking at any result."""
        return int(self.inclusion[0].replace("-", ""))

    def group_shares(self) -> tuple[float, ...]:
        """Shares of the GROUPS at inclusion."""
        sick = self.at_inclusion["sick_listed"]
        shares = (
            self.at_inclusion["in_work"],
            sick * (1.0 - self.sick_listed_full),
            sick * self.sick_listed_full,
            self.at_inclusion["benefits"],
        )
        return (*shares, max(0.0, 1.0 - sum(shares)))

    def in_subgroup(self, months_out: object) -> object:
        """Whether months out of work (an array) meet the subgroup's rules."""
        import numpy as np

        months_out = np.asarray(months_out)
        inside = np.ones(months_out.shape, dtype=bool)
        for op, value in self.subgroup_rules:
            inside &= OPS[op](months_out, value)
        return inside

    def as_dict(self) -> dict:
        document = asdict(self)
        for key in ("control", "effect"):
            document[key] = {g: {str(h): v for h, v in d.items()} for g, d in document[key].items()}
        return document


OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def load_calibration(study: Study) -> Calibration:
    import yaml

    document = yaml.safe_load(study.path.read_text(encoding="utf-8"))
    section = document.get("synthetic") if isinstance(document, dict) else None
    if not isinstance(section, dict):
        raise RtwError(
            f"{study.path}: no synthetic: section, so the generator has no calibration "
            f"for study {study.name}"
        )
    return _Reader(study, section).calibration()


class _Reader:
    def __init__(self, study: Study, section: dict) -> None:
        self.study = study
        self.section = section

    def fail(self, key: str, problem: str) -> None:
        raise RtwError(f"{self.study.path}: key synthetic.{key}: {problem}")

    def get(self, key: str) -> object:
        node: object = self.section
        for part in key.split("."):
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
                continue
            if isinstance(node, dict) and part not in node and part.isdigit():
                part = int(part)  # type: ignore[assignment]  # YAML keys 12, 18
            if not isinstance(node, dict) or part not in node or node[part] is None:
                self.fail(key, "is missing")
            node = node[part]  # type: ignore[index]
        return node

    def number(self, key: str, low: float = 0.0, high: float = 1.0) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, "must be a number")
        if not low <= value <= high:
            self.fail(key, f"must be between {low} and {high}")
        return float(value)

    def integer(self, key: str, low: int = 0) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.fail(key, f"must be a whole number of at least {low}")
        return value

    def shares(self, key: str, names: tuple[str, ...]) -> tuple[float, ...]:
        value = self.get(key)
        if not isinstance(value, dict) or set(map(str, value)) != set(names):
            self.fail(key, f"must give a share for each of {', '.join(names)}")
        shares = tuple(self.number(f"{key}.{name}") for name in names)
        if abs(sum(shares) - 1.0) > 1e-6:
            self.fail(key, f"shares must add up to 1 (they add up to {sum(shares):g})")
        return shares

    def by_horizon(self, key: str, low: float, high: float) -> dict[int, float]:
        value = self.get(key)
        if not isinstance(value, dict) or set(value) != set(HORIZONS):
            self.fail(key, f"must give a value at months {', '.join(map(str, HORIZONS))}")
        return {h: self.number(f"{key}.{h}", low, high) for h in HORIZONS}

    def calibration(self) -> Calibration:
        study = self.study
        subgroup = str(self.get("subgroup"))
        named = {g.name: g for g in study.subgroups}
        if subgroup not in named:
            self.fail("subgroup", f"must be one of the study's subgroups ({', '.join(named)})")
        rules = []
        for rule in named[subgroup].rules:
            if rule.variable != SUBGROUP_VARIABLE or isinstance(rule.value, str):
                self.fail("subgroup", f"the generator plants effects by {SUBGROUP_VARIABLE} only")
            rules.append((rule.op, float(rule.value)))
        weights = self.get("centre_weights")
        if not isinstance(weights, list) or len(weights) != len(study.cluster_codes):
            self.fail("centre_weights", "must give one weight for each of cluster.codes")
        weights = tuple(self.number(f"centre_weights.{i}", 0.0, 1e9) for i in range(len(weights)))
        diagnosis = self.get("diagnosis_group")
        if not isinstance(diagnosis, dict):
            self.fail("diagnosis_group", "must give a share for each group")
        codes = tuple(str(code) for code in diagnosis)
        months = self.get("history.months")
        if not isinstance(months, list) or not months or sorted(set(months)) != months:
            self.fail("history.months", "must be increasing months before inclusion")
        if months[-1] >= 0:
            self.fail("history.months", "must be before inclusion (negative)")
        history = {}
        for group in GROUPS:
            curve = self.get(f"history.{group}")
            if not isinstance(curve, list) or len(curve) != len(months):
                self.fail(f"history.{group}", "must give one share for each of history.months")
            history[group] = tuple(self.number(f"history.{group}.{i}") for i in range(len(months)))
        groups = ("all", subgroup)
        calibration = Calibration(
            study=study.name,
            treated_code=study.treated.code,
            control_code=study.control.code,
            cluster_codes=study.cluster_codes,
            allocation=tuple((p.start.isoformat(), p.treated, p.control) for p in study.allocation),
            inclusion=(study.inclusion[0].isoformat(), study.inclusion[1].isoformat()),
            subgroup=subgroup,
            subgroup_rules=tuple(rules),
            persons=self.integer("persons", 1),
            deaths=self.integer("deaths"),
            centre_weights=weights,
            age_mean=self.number("age.mean", 18, 67),
            age_sd=self.number("age.sd", 0, 30),
            female=self.number("female"),
            born_in_norway=self.number("born_in_norway"),
            diagnosis_codes=codes,
            diagnosis_shares=self.shares("diagnosis_group", codes),
            education=self.shares("education", EDUCATION),
            at_inclusion={
                k: self.number(f"at_inclusion.{k}") for k in ("in_work", "sick_listed", "benefits")
            },
            sick_listed_full=self.number("sick_listed_full"),
            benefits=self.shares("benefits", BENEFITS),
            history_months=tuple(int(m) for m in months),
            history=history,
            history_exit=self.number("history_exit"),
            control={g: self.by_horizon(f"control.{g}", 0.0, 1.0) for g in groups},
            effect={g: self.by_horizon(f"effect.{g}", -1.0, 1.0) for g in groups},
            level_offsets={g: self.number(f"level_offsets.{g}", -1.0, 1.0) for g in GROUPS},
            follow_up_exit=self.number("follow_up_exit"),
            causes_short=self.shares("out_of_work_causes.short", CAUSES),
            causes_long=self.shares("out_of_work_causes.long", CAUSES),
            partly_sick_share=self.number("partly_sick_share"),
        )
        if sum(calibration.group_shares()[:4]) > 1.0 + 1e-9:
            self.fail("at_inclusion", "shares add up to more than 1")
        if calibration.deaths >= calibration.persons:
            self.fail("deaths", "must be fewer than persons")
        if sum(weights) <= 0:
            self.fail("centre_weights", "must not all be zero")
        return calibration
