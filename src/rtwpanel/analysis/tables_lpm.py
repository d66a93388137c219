"""Tables 8-15: linear probability models of the IPS effect.

Every model is OLS on person-months with IPS, age at randomisation, female,
year, calendar-month and centre dummies; standard errors clustered by centre
(CRV1, t with G-1 df) unless a table says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rtwpanel.analysis.clustered_ols import Estimate, fit_ols, stars
from rtwpanel.analysis.design import lpm_design
from rtwpanel.analysis.randomisation_inference import randomisation_pvalue
from rtwpanel.analysis.table import Table
from rtwpanel.analysis.wild_bootstrap import wild_cluster_pvalue

TABLE_8_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("in work", "employed"),
    ("social assistance", "on_social_assistance"),
    ("programme", "in_programme"),
    ("AAP and work", "aap_and_employed"),
    ("AAP", "on_aap"),
    ("disability benefit", "on_disability"),
)
NPR_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("private specialist contacts", "npr_avtalespesialist"),
    ("child and adolescent psychiatry contacts", "npr_bup"),
    ("adult psychiatry outpatient contacts", "npr_phv_poli"),
    ("adult psychiatry day-patient contacts", "npr_phv_dag"),
    ("adult psychiatry inpatient days", "npr_phv_dogn_days"),
)
EARLY_BEFORE = pd.Timestamp("2014-04-01")


@dataclass(frozen=True)
class Settings:
    """Beyond-the-original inference for the main models."""

    wild_bootstrap: bool = True
    permutations: int = 999  # randomisation inference; 0 switches it off
    seed: int = 20131001


def estimate_row(e: Estimate, with_r2: bool = True) -> dict[str, object]:
    row: dict[str, object] = {
        "coef": f"{e.coef:.3f}{stars(e.pvalue)}" if np.isfinite(e.coef) else "",
        "se": e.se,
        "p": e.pvalue,
        "N": e.nobs,
    }
    if with_r2:
        row["R2"] = e.rsquared
    row["persons"] = e.persons
    return row


def _table(
    key: str,
    title: str,
    rows: dict[str, dict[str, object]],
    supports: dict[str, float],
    note: str,
) -> Table:
    values = pd.DataFrame(rows).T
    support = pd.DataFrame(
        {col: [supports[row] for row in values.index] for col in values.columns},
        index=values.index,
    )
    return Table(
        key=key,
        title=title,
        values=values,
        support=support,
        decimals={"N": 0, "persons": 0, "persons at h": 0, "draws": 0},
        note=note,
    )


CLUSTER_NOTE = (
    "OLS on months after randomisation; controls: age, female, year, calendar-month "
    "and centre dummies. SE clustered by centre (CRV1, t with G-1 df). "
    "* p<0.1, ** p<0.05, *** p<0.01."
)


def table_08(after: pd.DataFrame, settings: Settings) -> tuple[Table, dict[str, Estimate]]:
    """Main LPMs, with wild-bootstrap, randomisation and person-clustered views."""
    rows: dict[str, dict[str, object]] = {}
    supports: dict[str, float] = {}
    estimates: dict[str, Estimate] = {}
    for label, outcome in TABLE_8_OUTCOMES:
        design = lpm_design(after, outcome)
        e = fit_ols(design).estimate("is_ips")
        by_person = fit_ols(design, cluster="person").estimate("is_ips")
        row = estimate_row(e)
        row["se (person)"] = by_person.se
        row["p (person)"] = by_person.pvalue
        if settings.wild_bootstrap:
            row["p (wild bootstrap)"] = wild_cluster_pvalue(design, seed=settings.seed).pvalue
        if settings.permutations:
            ri = randomisation_pvalue(
                design, permutations=settings.permutations, seed=settings.seed
            )
            row["p (randomisation)"] = ri.pvalue
        rows[label], supports[label], estimates[outcome] = row, e.support, e
    table = _table(
        "table_08",
        "Table 8. Effect of IPS on monthly status after randomisation (LPM)",
        rows,
        supports,
        CLUSTER_NOTE + " Beside the CRV1 p-value: SE and p clustered by person, the wild cluster "
        "bootstrap p-value (restricted, Webb weights) and the randomisation-inference "
        "p-value (arm labels permuted within centre).",
    )
    return table, estimates


def table_09(after: pd.DataFrame) -> Table:
    sample = after.loc[after["age_at_randomisation"] >= 21]
    rows, supports = {}, {}
    for label, outcome in TABLE_8_OUTCOMES:
        e = fit_ols(lpm_design(sample, outcome, education=True)).estimate("is_ips")
        rows[label], supports[label] = estimate_row(e), e.support
    return _table(
        "table_09",
        "Table 9. Effect of IPS, persons aged 21 or more, with education",
        rows,
        supports,
        CLUSTER_NOTE + " Education dummies (base: compulsory school).",
    )


def table_10(after: pd.DataFrame) -> Table:
    rows, supports = {}, {}
    for group in ("moderate", "severe"):
        sample = after.loc[after["diagnosis_group"] == group]
        for label, outcome in TABLE_8_OUTCOMES:
            e = fit_ols(lpm_design(sample, outcome)).estimate("is_ips")
            key = f"{group} / {label}"
            rows[key], supports[key] = estimate_row(e), e.support
    return _table(
        "table_10",
        "Table 10. Effect of IPS by diagnosis group",
        rows,
        supports,
        CLUSTER_NOTE,
    )


def _centres(frame: pd.DataFrame) -> list[int]:
    return sorted(int(c) for c in frame["centre_id"].dropna().unique())


def table_11(after: pd.DataFrame) -> Table:
    """One model: centre dummies and IPS x centre, the effect at each centre."""
    centres = _centres(after)
    interactions = pd.DataFrame(
        {
            f"ips_centre_{c}": (after["is_ips"] * (after["centre_id"] == c)).astype(float)
            for c in centres
        },
        index=after.index,
    )
    design = lpm_design(after, "employed", treatment=(), extra=interactions)
    # each centre's effect is identified inside one centre: centre clusters cannot
    # estimate its variance, so this table clusters by person
    fit = fit_ols(design, cluster="person")
    rows, supports = {}, {}
    for c in centres:
        e = fit.estimate(f"ips_centre_{c}")
        in_centre = after.loc[after["centre_id"] == c]
        rows[f"centre {c}"] = estimate_row(e)
        supports[f"centre {c}"] = lpm_design(in_centre, "employed", centre_dummies=False).support()
    return _table(
        "table_11",
        "Table 11. Effect of IPS on being in work at each centre (IPS x centre)",
        rows,
        supports,
        CLUSTER_NOTE.replace("clustered by centre (CRV1, t with G-1 df)", "clustered by person")
        + " An effect at one centre rests on one cluster, hence person clusters."
        " N, R2 and persons are those of the one model.",
    )


def table_12(after: pd.DataFrame) -> Table:
    rows, supports = {}, {}
    for c in _centres(after):
        sample = after.loc[after["centre_id"] == c]
        design = lpm_design(sample, "employed", centre_dummies=False)
        e = fit_ols(design, cluster="person").estimate("is_ips")
        rows[f"centre {c}"], supports[f"centre {c}"] = estimate_row(e), e.support
    return _table(
        "table_12",
        "Table 12. Effect of IPS on being in work, separate regression per centre",
        rows,
        supports,
        "OLS on months after randomisation within one centre; controls: age, female, "
        "year and calendar-month dummies. One centre is one cluster, so SE are "
        "clustered by person. * p<0.1, ** p<0.05, *** p<0.01.",
    )


def table_13(after: pd.DataFrame, horizons: Iterable[int] = range(12, 28)) -> Table:
    rows, supports = {}, {}
    for h in horizons:
        sample = after.loc[after["rel_month"] <= h]
        at_h = after.loc[after["rel_month"] == h].drop_duplicates("person_id")
        row: dict[str, object] = {}
        support = np.inf
        for label, outcome in (("work", "employed"), ("AAP and work", "aap_and_employed")):
            e = fit_ols(lpm_design(sample, outcome)).estimate("is_ips")
            row[f"{label} coef"] = estimate_row(e)["coef"]
            row[f"{label} se"] = e.se
            row[f"{label} p"] = e.pvalue
            support = min(support, e.support)
        n_ips = int(at_h["is_ips"].sum())
        row["persons at h"] = len(at_h)
        rows[f"h = {h}"] = row
        supports[f"h = {h}"] = float(min(support, share_floor(len(at_h), n_ips)))
    return _table(
        "table_13",
        "Table 13. Effect of IPS with follow-up cut at h months after randomisation",
        rows,
        supports,
        CLUSTER_NOTE + " Sample: months 1..h after randomisation; persons observed at month h.",
    )


def share_floor(n: int, k: int) -> int:
    """Persons a count split by arm rests on: the smaller arm (or all when one is empty)."""
    sides = [c for c in (k, n - k) if c > 0]
    return min(sides) if sides else n


def table_14(after: pd.DataFrame, dim: pd.DataFrame) -> Table:
    """First 18 months: early (randomised before 1 April 2014) versus late."""
    dates = dim.set_index("person_id")["randomised_date"]
    first = after.loc[after["rel_month"] <= 18].copy()
    first["early"] = (pd.to_datetime(first["person_id"].map(dates)) < EARLY_BEFORE).astype(float)
    first["ips_early"] = first["is_ips"] * first["early"]
    whole = fit_ols(lpm_design(first, "employed", extra=first[["early", "ips_early"]]))
    rows, supports = {}, {}
    for label, term in (
        ("whole sample, IPS", "is_ips"),
        ("whole sample, IPS x early", "ips_early"),
    ):
        e = whole.estimate(term)
        rows[label], supports[label] = estimate_row(e), e.support
    for label, flag in (("early half, IPS", 1.0), ("late half, IPS", 0.0)):
        e = fit_ols(lpm_design(first.loc[first["early"] == flag], "employed")).estimate("is_ips")
        rows[label], supports[label] = estimate_row(e), e.support
    # the interaction rests on the smaller arm of the smaller half
    supports["whole sample, IPS x early"] = min(
        supports["whole sample, IPS x early"],
        supports["early half, IPS"],
        supports["late half, IPS"],
    )
    return _table(
        "table_14",
        "Table 14. Effect of IPS on being in work in the first 18 months, early and late",
        rows,
        supports,
        CLUSTER_NOTE + " Early: randomised before 1 April 2014.",
    )


def table_15(after: pd.DataFrame) -> Table:
    rows, supports = {}, {}
    for label, outcome in NPR_OUTCOMES:
        sample = after.loc[after[outcome].notna()]
        e = fit_ols(lpm_design(sample, outcome)).estimate("is_ips")
        rows[label], supports[label] = estimate_row(e), e.support
    return _table(
        "table_15",
        "Table 15. Effect of IPS on specialist health-care use per month (NPR)",
        rows,
        supports,
        CLUSTER_NOTE.replace("OLS on", "OLS on NPR-covered")
        + " Outcomes are counts of contacts (days for inpatient stays).",
    )
