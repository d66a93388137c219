"""The planted hazard model of a cohort study (design cohort): the study file's
``synthetic:`` section, read and checked.

Each planted sick-leave episode lasts the 16 days of the employer period and then
until the first of its competing events: return to work, AAP or disability
benefit, each with a Weibull hazard by day since the employer period,

    h_c(t | x) = (k_c / s_c) (t / s_c) ** (k_c - 1) * exp(x b_c),

where only return to work has predictors (``hazard_ratios`` = exp(b) per term,
numeric terms per the study's ``per`` units). An episode that reaches
``max_days`` ends there in AAP (sickness benefit runs out after a year). These
are the parameters themselves: a cause-specific Cox model of return to work on
the episodes estimates exactly these hazard ratios.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rtwpanel.errors import RtwError
from rtwpanel.study import Study

CAUSES = ("return_to_work", "aap", "disability")
EMPLOYER_DAYS = 16  # the employer pays the first 16 days; the register starts after
GROUPS = ("depression", "anxiety", "stress", "other_mental")
# the ICPC-2 codes the generator writes for each diagnosis group (the warehouse maps
# codes to groups with seed ref_sick_leave_diagnoses)
GROUP_CODES = {
    "depression": ("P76",),
    "anxiety": ("P74",),
    "stress": ("P78", "P02"),
    "other_mental": ("P03", "P29", "P72", "P73"),
}
LEVELS = ("grunnskole", "vgs_grunn", "vgs_fullfort", "hoyere")


@dataclass(frozen=True)
class HazardModel:
    study: str
    persons: int
    episode_share: float
    index_window: tuple[str, str]
    scale_days: dict[str, float]
    shape: dict[str, float]
    max_days: int
    hazard_ratios: dict[str, float]  # term (as the analysis names it) -> planted HR
    per: dict[str, float]  # numeric term -> units per step of its HR
    npr_share: float
    aap_share: float
    group_shares: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return {
            "event": "return_to_work",
            "hazard_ratios": dict(sorted(self.hazard_ratios.items())),
            "per": dict(sorted(self.per.items())),
            "baseline": {
                cause: {"scale_days": self.scale_days[cause], "shape": self.shape[cause]}
                for cause in CAUSES
            },
            "employer_days": EMPLOYER_DAYS,
            "max_days": self.max_days,
            "episode_share": self.episode_share,
            "index_window": list(self.index_window),
        }


def load_hazard_model(study: Study) -> HazardModel:
    """The study's synthetic section as a hazard model; RtwError naming the key."""
    import yaml

    if study.cohort is None:
        raise RtwError(f"{study.path}: design {study.design} has no hazard model")
    section = (yaml.safe_load(study.path.read_text(encoding="utf-8")) or {}).get("synthetic")
    where = f"{study.path}: key synthetic"
    if not isinstance(section, dict):
        raise RtwError(f"{where}: is missing (the generator needs the planted hazard model)")

    def number(node: Any, key: str, low: float = 0.0) -> float:
        if isinstance(node, bool) or not isinstance(node, int | float) or node <= low:
            raise RtwError(f"{where}.{key}: must be a number above {low:g}")
        return float(node)

    baseline = section.get("baseline") or {}
    scale, shape = {}, {}
    for cause in CAUSES:
        node = baseline.get(cause) if isinstance(baseline, dict) else None
        if not isinstance(node, dict):
            raise RtwError(f"{where}.baseline.{cause}: must give scale_days and shape")
        scale[cause] = number(node.get("scale_days"), f"baseline.{cause}.scale_days")
        shape[cause] = number(node.get("shape"), f"baseline.{cause}.shape")
    ratios: dict[str, float] = {}
    per: dict[str, float] = {}
    given = section.get("hazard_ratios") or {}
    for predictor in study.cohort.predictors:
        node = given.get(predictor.column)
        key = f"hazard_ratios.{predictor.column}"
        if predictor.kind == "category":
            levels = node or {}
            if not isinstance(levels, dict):
                raise RtwError(f"{where}.{key}: must map levels to hazard ratios")
            for level, value in levels.items():
                ratios[f"{predictor.column}={level}"] = number(value, f"{key}.{level}")
        else:
            ratios[predictor.column] = 1.0 if node is None else number(node, key)
            if predictor.kind == "numeric":
                per[predictor.column] = predictor.per
    shares = section.get("shares") or {}
    groups = shares.get("diagnosis_group") or {}
    if set(groups) != set(GROUPS) or abs(sum(groups.values()) - 1.0) > 1e-9:
        raise RtwError(
            f"{where}.shares.diagnosis_group: must give {', '.join(GROUPS)}, summing to 1"
        )
    window = section.get("index_window") or {}
    first, last = str(window.get("from", "")), str(window.get("to", ""))
    if not (first and last and first <= last):
        raise RtwError(f"{where}.index_window: must give from and to, from first")
    return HazardModel(
        study=study.name,
        persons=int(number(section.get("persons"), "persons")),
        episode_share=number(section.get("episode_share"), "episode_share"),
        index_window=(first, last),
        scale_days=scale,
        shape=shape,
        max_days=int(number(section.get("max_days"), "max_days", EMPLOYER_DAYS)),
        hazard_ratios=ratios,
        per=per,
        npr_share=number(shares.get("npr_contacts_1y"), "shares.npr_contacts_1y"),
        aap_share=number(shares.get("aap_year_before"), "shares.aap_year_before"),
        group_shares={g: float(groups[g]) for g in GROUPS},
    )
