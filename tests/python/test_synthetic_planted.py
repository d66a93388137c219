"""The planted effect as the generator realises it in a sample's months, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from rtwpanel.analysis.recovery import planted_effects
from rtwpanel.synthetic.params import Effects
from rtwpanel.synthetic.planted import planted_in_sample


def test_planted_values_on_hand_made_months() -> None:
    effects = Effects(work_at_18_months=0.12, work_ramp_months=4, aap_and_work=0.04, programme=-0.2)
    # months 1, 2, 6, 18: work ramp 1/4, 2/4, 1, 1 -> mean 0.6875;
    # programme shape 0.5, 1, 1, 0.5 -> mean 0.75
    planted = planted_in_sample(effects, np.array([1, 2, 6, 18]))
    assert planted["employed"] == pytest.approx(0.12 * 0.6875)
    assert planted["aap_and_employed"] == pytest.approx(0.04 * 0.6875)
    assert planted["in_programme"] == pytest.approx(-0.2 * 0.75)
    assert planted["on_aap"] == 0.0


def test_programme_shape_between_its_knots() -> None:
    # month 15: half-way from full (month 12) to half (month 18) -> 0.75
    planted = planted_in_sample(Effects(programme=-0.2), np.array([15]))
    assert planted["in_programme"] == pytest.approx(-0.15)


def test_the_default_effects_over_two_years_of_follow_up() -> None:
    # months 1..24 with a 12-month ramp: mean ramp (78 / 12 + 12) / 24 = 0.7708
    planted = planted_in_sample(Effects(), np.arange(1, 25))
    assert planted["employed"] == pytest.approx(0.095 * 0.77083, abs=1e-5)
    assert planted["aap_and_employed"] == pytest.approx(0.03 * 0.77083, abs=1e-5)


def test_effects_json_without_a_ramp_plants_the_full_effect_at_once() -> None:
    effects = planted_effects({"effects.work_at_18_months": 0.1})
    planted = planted_in_sample(effects, np.array([1, 5]))
    assert planted["employed"] == pytest.approx(0.1)
    assert planted["in_programme"] == 0.0
