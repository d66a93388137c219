"""The dbt variables a build accepts, and the check that refuses any other.

Defaults live once, in dbt_project.yml's `vars:`. This module adds what YAML
cannot say: each variable's type and allowed range. A misspelt name, a value
of the wrong type or one outside its range is refused before anything is
built, by `rtwpanel build` and by plain `dbt build` alike (the dbt plugin
calls `check_variables`). A test pins these rules to dbt_project.yml, so a
variable cannot be added to one without the other.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import yaml

from rtwpanel.errors import RtwError
from rtwpanel.paths import PROJECT_DIR


@dataclass(frozen=True)
class Rule:
    kind: type | tuple[type, ...]
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind is bool:
            return "true or false"
        if self.kind is list:
            return "a list of names"
        name = {int: "a whole number", str: "a text"}.get(self.kind, "a number")  # type: ignore[call-overload]
        if self.low is not None and self.high is not None:
            return f"{name} from {self.low:g} to {self.high:g}"
        if self.low is not None:
            return f"{name} of at least {self.low:g}"
        return name


SHARE = Rule((int, float), 0, 1)
SEVERITY = Rule(str, choices=("warn", "error"))

RULES: dict[str, Rule] = {
    "raw_dir": Rule(str),
    "study": Rule(str),
    "aa_counted_types": Rule(list),
    "aa_stipulation_lag_months": Rule(int, 0, 24),
    "panel_bucket_persons": Rule(int, 1),
    "use_certificates": Rule(bool),
    "return_to_work_months": Rule(int, 1, 12),
    "gate_stipulated_share_warn": SHARE,
    "gate_sick_leave_mismatch_share_warn": SHARE,
    "gate_quarantine_share_fail": SHARE,
    "gate_aa_registered_after_end_share_warn": SHARE,
    "gate_aa_start_changed_share_warn": SHARE,
    "gate_stipulated_share_severity": SEVERITY,
    "gate_sick_leave_mismatch_share_severity": SEVERITY,
    "gate_quarantine_share_severity": SEVERITY,
    "gate_aa_registered_after_end_share_severity": SEVERITY,
    "gate_aa_start_changed_share_severity": SEVERITY,
    "check_delivery": Rule(bool),
    "unrecognised_files": Rule(str, choices=("warn", "refuse")),
    "quarantine_raw_lines": Rule(bool),
    "gate_implausible_share_warn": SHARE,
    "gate_implausible_share_severity": SEVERITY,
    "gate_aa_conflicting_registrations_share_warn": SHARE,
    "gate_aa_conflicting_registrations_share_severity": SEVERITY,
}


@cache
def project_defaults() -> dict[str, object]:
    """dbt_project.yml's `vars:`: the defaults of every declared variable."""
    document = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return dict(document.get("vars") or {})


def problems(values: Mapping[str, object]) -> list[str]:
    """What is wrong with these variables, one sentence each (empty: all sound)."""
    found = []
    for name, value in values.items():
        rule = RULES.get(name)
        if rule is None:
            close = difflib.get_close_matches(name, list(RULES), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            found.append(f"unknown variable '{name}'{hint} (declared: dbt_project.yml vars)")
            continue
        if not _fits(rule, value):
            found.append(f"variable '{name}' must be {rule.allowed()}")
    return found


def _fits(rule: Rule, value: object) -> bool:
    if rule.kind is list:
        return isinstance(value, list) and all(isinstance(item, str) and item for item in value)
    # YAML's true/false are ints in Python: a flag is not a number, nor a number a flag.
    if isinstance(value, bool) != (rule.kind is bool):
        return False
    if not isinstance(value, rule.kind):
        return False
    if rule.choices and value not in rule.choices:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if rule.low is not None and value < rule.low:
            return False
        if rule.high is not None and value > rule.high:
            return False
    return True


def check_variables(values: Mapping[str, object]) -> None:
    """Refuse unknown, mistyped or out-of-range variables, naming each."""
    found = problems(values)
    if found:
        raise RtwError("dbt variables refused, nothing was built:\n  - " + "\n  - ".join(found))


def in_force(cli_vars: Mapping[str, object]) -> dict[str, object]:
    """The variables a build uses: the project's defaults, overridden from the command line."""
    return {**project_defaults(), **cli_vars}
