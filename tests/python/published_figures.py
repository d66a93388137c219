"""The reference evaluation's published figures the generator is calibrated to
(spec synthetic.md), and a generated delivery's truth as a panel to compare with them."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd

# Table 6: (TAU, IPS) at inclusion, (TAU, IPS) 18 months later
TABLE_6 = {
    "employed": ((0.188, 0.185), (0.271, 0.374)),
    "sick_listed": ((0.072, 0.048), (0.022, 0.070)),
    "on_disability": ((0.122, 0.119), (0.160, 0.159)),
    "on_aap": ((0.547, 0.502), (0.569, 0.529)),
    "aap_and_employed": ((0.099, 0.062), (0.110, 0.167)),
    "on_unemployment_benefit": ((0.022, 0.053), (0.028, 0.035)),
    "on_social_assistance": ((0.166, 0.163), (0.072, 0.070)),
    "in_programme": ((0.094, 0.070), (0.320, 0.229)),
    "in_education_oct": ((0.055, 0.070), (0.117, 0.096)),
    "in_education_course": ((0.077, 0.070), (0.022, 0.018)),
}
# Table 7: (TAU before, TAU after, IPS before, IPS after)
TABLE_7 = {
    "employed": (0.28, 0.26, 0.29, 0.35),
    "on_aap": (0.35, 0.59, 0.30, 0.55),
    "on_disability": (0.10, 0.15, 0.09, 0.15),
    "in_programme": (0.15, 0.37, 0.12, 0.19),
    "on_social_assistance": (0.12, 0.12, 0.14, 0.12),
}
PLANTED = {"employed", "in_programme", "aap_and_employed"}
# published model person-months after inclusion, centres 1-6
CENTRE_MONTHS = (1479, 2561, 2169, 716, 1297, 1819)


def load_panel(delivery) -> pd.DataFrame:
    with gzip.open(delivery / "truth" / "person_month.csv.gz", "rt") as handle:
        panel = pd.read_csv(handle, sep=";")
    people = pd.read_csv(delivery / "participants.csv", sep=";", dtype=str)
    panel = panel.merge(people[["person_id", "arm", "randomised_date", "centre_id"]])
    rand = panel["randomised_date"].astype(int) // 100
    panel["rel_month"] = (panel["month"] // 100 - rand // 100) * 12 + (
        panel["month"] % 100 - rand % 100
    )
    panel["aap_and_employed"] = panel["on_aap"] * panel["employed"]
    panel["period"] = np.where(panel["rel_month"] <= 0, "before", "after")
    return panel


def target(status: str, pair: tuple[float, float], arm: str) -> float:
    if status in PLANTED:
        return pair[arm == "IPS"]
    return sum(pair) / 2


# Table 6 at inclusion: sick-listed 0.072 of all TAU participants against 0.091 of
# those in work (0.188 in work), so about three in four sick-listed had no job
SICK_OF_THOSE_IN_WORK = 0.091


def sick_leave_at_inclusion(panel: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(sick-listed of those in work, in work of those sick-listed) at inclusion, both arms."""
    at = panel[panel["rel_month"] == 0]
    return at.loc[at["employed"] == 1, "sick_listed"], at.loc[at["sick_listed"] == 1, "employed"]
