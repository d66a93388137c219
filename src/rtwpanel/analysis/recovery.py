"""Recovery check: estimates beside the effects a synthetic delivery planted.

The generator writes `<delivery>/truth/effects.json`. Its layout may change, so
it is read defensively: every numeric leaf is collected with its dotted path
and the effects are taken from the leaves under `effects`. The work and
programme effects follow a time profile (ramping up, fading), so the planted
value a Table 8 coefficient should recover is the profile averaged over the
sample's after months, as `rtwpanel.synthetic.planted` computes it.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pandas as pd

from rtwpanel.analysis.clustered_ols import Estimate
from rtwpanel.analysis.table import Table
from rtwpanel.synthetic.params import SEED_NOTE, Effects
from rtwpanel.synthetic.planted import planted_in_sample


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


def planted_effects(leaves: dict[str, float]) -> Effects:
    """The generator's effect parameters from the leaves under 'effects' (a size the
    file does not name was not planted: zero; a ramp it does not name: none)."""
    named = {path.split(".")[-1]: v for path, v in leaves.items() if path.startswith("effects.")}
    sizes = {f.name: named.get(f.name, 0.0) for f in fields(Effects)}
    sizes["work_ramp_months"] = int(named.get("work_ramp_months", 0))
    return Effects(**sizes)


def recovery_table(
    after: pd.DataFrame, estimates: dict[str, Estimate], leaves: dict[str, float]
) -> Table:
    effects = planted_effects(leaves)
    rows: dict[str, dict[str, float]] = {}
    support: dict[str, float] = {}
    for outcome, e in estimates.items():
        rel = after.loc[after[outcome].notna(), "rel_month"].to_numpy(dtype=float)
        planted = planted_in_sample(effects, rel).get(outcome)
        if planted is None:
            continue
        rows[outcome] = {
            "planted (as realised in the sample)": planted,
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
        note="Planted: the generator's effect times its shape over months since "
        "randomisation (work and AAP-and-work ramp up, the programme effect fades), "
        "averaged over the rel_months of each model's sample "
        "(rtwpanel.synthetic.planted). CI: CRV1 with centre clusters. " + SEED_NOTE,
    )
