"""Recovery check: estimates beside the effects a synthetic delivery planted.

The generator writes `<delivery>/truth/effects.json`. Its layout may change, so
it is read defensively: every numeric leaf is collected with its dotted path
and the effects are found by name. The work and programme effects follow a
time profile (ramping up, fading), so the planted value a Table 8 coefficient
should recover is the profile averaged over the panel's after months.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import Estimate
from rtwpanel.analysis.table import Table


def read_effects(delivery: Path) -> dict[str, float] | None:
    path = Path(delivery) / "truth" / "effects.json"
    if not path.exists():
        return None
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    leaves: dict[str, float] = {}
    _collect(document, "", leaves)
    return leaves


def _collect(node: object, prefix: str, out: dict[str, float]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _collect(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(node, bool):
        return
    elif isinstance(node, int | float):
        out[prefix] = float(node)


def _find(leaves: dict[str, float], *names: str) -> float | None:
    """The first leaf (preferring one under 'effect') whose last key is one of `names`."""
    ranked = sorted(leaves, key=lambda path: ("effect" not in path.lower(), path))
    for name in names:
        for path in ranked:
            if path.split(".")[-1].lower() == name:
                return leaves[path]
    return None


def planted_profiles(leaves: dict[str, float]) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """Planted effect by rel_month for each outcome the generator names."""
    profiles: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    work = _find(leaves, "work_at_18_months", "work", "employed", "employment")
    if work is not None:
        ramp = _find(leaves, "work_ramp_months") or 0.0
        profiles["employed"] = lambda rel, w=work, r=ramp: (
            w * (np.clip(rel / r, 0, 1) if r > 0 else np.ones_like(rel, dtype=float))
        )
    programme = _find(leaves, "programme", "in_programme")
    if programme is not None:
        # full effect in months 2-12, half from month 18, linear between
        profiles["in_programme"] = lambda rel, p=programme: (
            p * np.interp(rel, [1, 2, 12, 18], [0.0, 1.0, 1.0, 0.5])
        )
    for outcome, names in (
        ("aap_and_employed", ("aap_and_work", "aap_and_employed")),
        ("on_aap", ("aap", "on_aap")),
        ("on_disability", ("disability", "on_disability")),
        ("on_social_assistance", ("social_assistance", "on_social_assistance")),
    ):
        value = _find(leaves, *names)
        if value is not None:
            profiles[outcome] = lambda rel, v=value: np.full(len(rel), v)
    return profiles


def recovery_table(
    after: pd.DataFrame, estimates: dict[str, Estimate], leaves: dict[str, float]
) -> Table:
    rows: dict[str, dict[str, float]] = {}
    support: dict[str, float] = {}
    for outcome, profile in planted_profiles(leaves).items():
        if outcome not in estimates:
            continue
        e = estimates[outcome]
        rel = after.loc[after[outcome].notna(), "rel_month"].to_numpy(dtype=float)
        planted = float(np.mean(profile(rel))) if len(rel) else np.nan
        rows[outcome] = {
            "planted (mean over after months)": planted,
            "estimate": e.coef,
            "estimate - planted": e.coef - planted,
            "in 95 % CI": float(e.ci_low <= planted <= e.ci_high),
        }
        support[outcome] = e.support
    values = pd.DataFrame(rows).T
    return Table(
        key="table_recovery",
        title="Recovery: Table 8 estimates beside the planted effects",
        values=values,
        support=pd.DataFrame({c: support for c in values.columns}).reindex(values.index),
        decimals={"in 95 % CI": 0},
        note="Planted: the generator's effect profile averaged over the after months "
        "in each model's sample. CI: CRV1 with centre clusters.",
    )
