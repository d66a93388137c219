"""Tables 8-15: linear probability models of the IPS effect.

Every model is OLS on person-months with IPS, age at randomisation, female,
year, calendar-month and centre dummies; standard errors clustered by centre
(CRV1, t with G-1 df) unless a table says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from rtwpanel.analysis.clustered_ols import Estimate, fit_ols
from rtwpanel.analysis.design import PHASE, lpm_design
from rtwpanel.analysis.estimate_tables import EstimateRows, coefficient_table, record
from rtwpanel.analysis.randomisation_inference import DEFAULT_PERMUTATIONS, randomisation_pvalue
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
    permutations: int = DEFAULT_PERMUTATIONS  # randomisation inference; 0 switches it off
    seed: int = 20131001


CLUSTER_NOTE = (
    "OLS on months after randomisation; controls: age, female, year, calendar-month "
    "and centre dummies. SE clustered by centre (CRV1); p-values and 95 % intervals "
    "from t with G-1 df. * p<0.1, ** p<0.05, *** p<0.01."
)
PHASE_NOTE = (
    " Phase-adjusted: the same model with a dummy for the allocation phase. The trial "
    "allocated 2:1 (IPS:TAU) until 1 February 2014 and 1:1 after, so IPS persons were "
    "more often early recruits, whose months after randomisation are more and later; "
    "the pooled published estimate mixes that in, the phase dummy compares within "
    "phase. The published specification is kept as published."
)


def table_08(after: pd.DataFrame, settings: Settings) -> tuple[Table, dict[str, Estimate]]:
    """Main LPMs, with wild-bootstrap, randomisation, person-clustered and
    phase-adjusted views."""
    rows = EstimateRows()
    estimates: dict[str, Estimate] = {}
    phased = PHASE in after.columns
    for label, outcome in TABLE_8_OUTCOMES:
        design = lpm_design(after, outcome)
        e = fit_ols(design).estimate("is_ips")
        by_person = fit_ols(design, cluster="person").estimate("is_ips")
        rows.add(label, e)
        rows.set(label, {"se (person)": by_person.se, "p (person)": by_person.pvalue}, e.support)
        p: dict[str, float] = {}
        if settings.wild_bootstrap and e.estimable:
            p["p_wild_bootstrap"] = wild_cluster_pvalue(design, seed=settings.seed).pvalue
            rows.set(label, {"p (wild bootstrap)": p["p_wild_bootstrap"]}, e.support)
        if settings.permutations and e.estimable:
            ri = randomisation_pvalue(
                design, permutations=settings.permutations, seed=settings.seed
            )
            p["p_randomisation"], p["p_randomisation_mcse"] = ri.pvalue, ri.mc_se
            cells = {"p (randomisation)": ri.pvalue, "RI Monte Carlo SE": ri.mc_se}
            rows.set(label, cells, e.support)
        rows.records.append(record("table_08", "after months", outcome, e, "centre", **p))
        rows.records.append(record("table_08", "after months", outcome, by_person, "person"))
        if phased:
            adjusted = fit_ols(lpm_design(after, outcome, phase_dummies=True)).estimate("is_ips")
            rows.add(label, adjusted, prefix="phase-adjusted ", counts=False)
            rows.records.append(
                record("table_08", "after months, phase-adjusted", outcome, adjusted, "centre")
            )
        estimates[outcome] = e
    ri_note = (
        " Randomisation inference: arm labels permuted within the allocation phases "
        "(seeds/ref_allocation_schedule.csv), keeping each phase's numbers of IPS and "
        f"TAU persons, {settings.permutations:,} draws; its Monte Carlo SE beside it."
        if settings.permutations
        else ""
    )
    table = rows.table(
        "table_08",
        "Table 8. Effect of IPS on monthly status after randomisation (LPM)",
        CLUSTER_NOTE + " Beside the CRV1 p-value: SE and p clustered by person and the wild "
        "cluster bootstrap p-value (restricted, Webb weights)."
        + ri_note
        + (PHASE_NOTE if phased else ""),
    )
    return table, estimates


def table_08_coefficients(after: pd.DataFrame) -> Table:
    fits = {label: fit_ols(lpm_design(after, outcome)) for label, outcome in TABLE_8_OUTCOMES}
    return coefficient_table(
        "table_08_coefficients",
        "Table 8 (all coefficients). Effect of IPS on monthly status after randomisation",
        fits,
        ["is_ips"],
        CLUSTER_NOTE,
    )


def _model_tables(
    key: str,
    title: str,
    models: dict[str, tuple[str, pd.DataFrame, dict[str, bool]]],
    note: str,
    cluster: str = "centre",
    coefficients: bool = True,
) -> list[Table]:
    """One IPS row per model (label -> outcome, sample, design options) and, when
    asked, the companion table of every coefficient."""
    rows = EstimateRows()
    fits = {}
    for label, (outcome, sample, options) in models.items():
        fit = fit_ols(lpm_design(sample, outcome, **options), cluster=cluster)
        e = fit.estimate("is_ips")
        rows.add(label, e)
        rows.records.append(record(key, label, outcome, e, cluster))
        fits[label] = fit
    tables = [rows.table(key, title, note)]
    if coefficients:
        number = title.split(".")[0]
        full_title = title.replace(f"{number}.", f"{number} (all coefficients).", 1)
        tables.append(coefficient_table(f"{key}_coefficients", full_title, fits, ["is_ips"], note))
    return tables


def table_09(after: pd.DataFrame) -> list[Table]:
    sample = after.loc[after["age_at_randomisation"] >= 21]
    models = {label: (outcome, sample, {"education": True}) for label, outcome in TABLE_8_OUTCOMES}
    return _model_tables(
        "table_09",
        "Table 9. Effect of IPS, persons aged 21 or more, with education",
        models,
        CLUSTER_NOTE + " Education dummies (base: compulsory school).",
    )


def table_10(after: pd.DataFrame) -> Table:
    models = {}
    for group in ("moderate", "severe"):
        sample = after.loc[after["diagnosis_group"] == group]
        for label, outcome in TABLE_8_OUTCOMES:
            models[f"{group} / {label}"] = (outcome, sample, {})
    title = "Table 10. Effect of IPS by diagnosis group"
    return _model_tables("table_10", title, models, CLUSTER_NOTE, coefficients=False)[0]


def _centres(frame: pd.DataFrame) -> list[int]:
    return sorted(int(c) for c in frame["centre_id"].dropna().unique())


def table_11(after: pd.DataFrame) -> list[Table]:
    """One model: centre dummies and IPS x centre, the effect at each centre, with
    centre-clustered SEs as published beside person-clustered ones."""
    centres = _centres(after)
    interactions = pd.DataFrame(
        {
            f"ips_centre_{c}": (after["is_ips"] * (after["centre_id"] == c)).astype(float)
            for c in centres
        },
        index=after.index,
    )
    design = lpm_design(after, "employed", treatment=(), extra=interactions)
    by_centre, by_person = fit_ols(design), fit_ols(design, cluster="person")
    rows = EstimateRows()
    supports = {}
    for c in centres:
        term, label = f"ips_centre_{c}", f"centre {c}"
        in_centre = after.loc[after["centre_id"] == c]
        supports[label] = lpm_design(in_centre, "employed", centre_dummies=False).support()
        e, p = by_centre.estimate(term), by_person.estimate(term)
        rows.add(label, e, support=supports[label])
        rows.add(label, p, prefix="person clusters: ", counts=False, support=supports[label])
        rows.records.append(record("table_11", "after months", "employed", e, "centre"))
        rows.records.append(record("table_11", "after months", "employed", p, "person"))
    note = (
        CLUSTER_NOTE + " Beside them, the same model with SE clustered by person. With "
        "centre clusters an effect at one centre rests on one cluster's scores, so its "
        "CRV1 SE is shown as published but is weak; person clusters use the persons "
        "within the centre. N, R2 and persons are those of the one model."
    )
    title = "Table 11. Effect of IPS on being in work at each centre (IPS x centre)"
    full = coefficient_table(
        "table_11_coefficients",
        "Table 11 (all coefficients). IPS x centre, SE clustered by centre",
        {"in work": by_centre},
        [f"ips_centre_{c}" for c in centres],
        CLUSTER_NOTE,
        supports={"in work": min(supports.values(), default=0)},
    )
    return [rows.table("table_11", title, note), full]


def table_12(after: pd.DataFrame) -> list[Table]:
    models = {
        f"centre {c}": ("employed", after.loc[after["centre_id"] == c], {"centre_dummies": False})
        for c in _centres(after)
    }
    return _model_tables(
        "table_12",
        "Table 12. Effect of IPS on being in work, separate regression per centre",
        models,
        "OLS on months after randomisation within one centre; controls: age, female, "
        "year and calendar-month dummies. One centre is one cluster, so SE are "
        "clustered by person. * p<0.1, ** p<0.05, *** p<0.01.",
        cluster="person",
    )


def table_13(after: pd.DataFrame, horizons: Iterable[int] = range(12, 28)) -> Table:
    rows = EstimateRows()
    for h in horizons:
        sample = after.loc[after["rel_month"] <= h]
        at_h = after.loc[after["rel_month"] == h].drop_duplicates("person_id")
        label = f"h = {h}"
        for name, outcome in (("work", "employed"), ("AAP and work", "aap_and_employed")):
            e = fit_ols(lpm_design(sample, outcome)).estimate("is_ips")
            rows.add(label, e, prefix=f"{name} ", counts=name == "work", with_r2=False)
            rows.records.append(record("table_13", f"months 1-{h}", outcome, e, "centre"))
        n_ips = int(at_h["is_ips"].sum())
        rows.set(label, {"persons at h": len(at_h)}, share_floor(len(at_h), n_ips))
        rows.lower_support(label, share_floor(len(at_h), n_ips))
    return rows.table(
        "table_13",
        "Table 13. Effect of IPS with follow-up cut at h months after randomisation",
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
    rows = EstimateRows()
    for label, term in (
        ("whole sample, IPS", "is_ips"),
        ("whole sample, IPS x early", "ips_early"),
    ):
        e = whole.estimate(term)
        rows.add(label, e)
        rows.records.append(record("table_14", "months 1-18", "employed", e, "centre"))
    for label, flag in (("early half, IPS", 1.0), ("late half, IPS", 0.0)):
        e = fit_ols(lpm_design(first.loc[first["early"] == flag], "employed")).estimate("is_ips")
        rows.add(label, e)
        rows.records.append(record("table_14", label, "employed", e, "centre"))
    # the interaction rests on the smaller arm of the smaller half
    halves = [rows.support[label]["coef"] for label in ("early half, IPS", "late half, IPS")]
    rows.lower_support("whole sample, IPS x early", min(halves))
    return rows.table(
        "table_14",
        "Table 14. Effect of IPS on being in work in the first 18 months, early and late",
        CLUSTER_NOTE + " Early: randomised before 1 April 2014.",
    )


def table_15(after: pd.DataFrame) -> list[Table]:
    models = {
        label: (outcome, after.loc[after[outcome].notna()], {}) for label, outcome in NPR_OUTCOMES
    }
    return _model_tables(
        "table_15",
        "Table 15. Effect of IPS on specialist health-care use per month (NPR)",
        models,
        CLUSTER_NOTE.replace("OLS on", "OLS on NPR-covered")
        + " Outcomes are counts of contacts (days for inpatient stays); an outcome that "
        "is zero in every month of the sample is not estimable.",
    )
