"""The planted effects as the generator realises them in a sample's months.

The generator moves each IPS person's monthly target probability by the
planted effect times its shape over months since randomisation (the work and
AAP-and-work effects ramp up over `work_ramp_months`; the programme effect is
half in month 1, full to month 12 and half from month 18). A coefficient on
the months after randomisation therefore estimates the shape averaged over
the `rel_month`s of its sample, not the size at full strength. This is the
one place that says so: the report's recovery table and the tests use it.
"""

from __future__ import annotations

import numpy as np

from rtwpanel.synthetic.params import Effects
from rtwpanel.synthetic.status_paths import programme_shape, work_ramp


def planted_by_month(effects: Effects, rel: np.ndarray) -> dict[str, np.ndarray]:
    """The IPS - TAU difference planted in each month `rel` after randomisation."""
    rel = np.asarray(rel, dtype=float)
    after = (rel > 0).astype(float)
    ramp = work_ramp(rel, effects)
    return {
        "employed": effects.work_at_18_months * ramp,
        "aap_and_employed": effects.aap_and_work * ramp,
        "in_programme": effects.programme * programme_shape(rel),
        "on_disability": effects.disability * after,
        "on_aap": effects.aap * after,
        "on_social_assistance": effects.social_assistance * after,
    }


def planted_in_sample(effects: Effects, rel: np.ndarray) -> dict[str, float]:
    """The planted effect averaged over the months of a sample (one `rel` per row)."""
    if len(rel) == 0:
        return {}
    return {name: float(np.mean(v)) for name, v in planted_by_month(effects, rel).items()}
