"""Tables 8-15: linear probability models of the effect of the treated arm.

Every model is OLS on person-months with the treated arm (`is_ips` for IPS),
age at randomisation, female, year, calendar-month and cluster dummies;
standard errors clustered by the study's cluster (CRV1, t with G-1 df) unless a
table says otherwise. Outcomes, subgroups, clusters and the allocation phases
are the study's (analysis.trial).
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
from rtwpanel.analysis.trial import CLUSTER, Trial, trial_of
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


@dataclass(frozen=True)
class Settings:
    """Beyond-the-original inference for the main models."""

    wild_bootstrap: bool = True
    permutations: int = DEFAULT_PERMUTATIONS  # randomisation inference; 0 switches it off
    seed: int = 20131001


def cluster_note(trial: Trial | None = None) -> str:
    c = trial_of(trial).cluster_word
    return (
        "OLS on months after randomisation; controls: age, female, year, calendar-month "
        f"and {c} dummies. SE clustered by {c} (CRV1); p-values and 95 % intervals "
        "from t with G-1 df. * p<0.1, ** p<0.05, *** p<0.01."
    )


CLUSTER_NOTE = cluster_note()


def phase_note(trial: Trial) -> str:
    t, c = trial.treated.name, trial.control.name
    return (
        " Phase-adjusted: the same model with a dummy for the allocation phase. The trial "
        f"allocated {trial.phases_text()}, so the share of {t} persons differs between "
        "recruitment periods, whose months after randomisation differ in number and "
        "calendar time; the pooled published estimate mixes that in, the phase dummy "
        f"compares {t} and {c} within phase. The published specification is kept as "
        "published."
    )


def table_08(
    after: pd.DataFrame, settings: Settings, trial: Trial | None = None
) -> tuple[Table, dict[str, Estimate]]:
    """Main LPMs, with wild-bootstrap, randomisation, person-clustered and
    phase-adjusted views."""
    trial = trial_of(trial)
    after = trial.prepare(after)
    term = trial.term
    rows = EstimateRows()
    estimates: dict[str, Estimate] = {}
    phased = PHASE in after.columns and len(trial.study.allocation) > 1
    note = cluster_note(trial)
    for label, outcome in trial.outcomes():
        design = lpm_design(after, outcome, trial=trial)
        e = fit_ols(design).estimate(term)
        by_person = fit_ols(design, cluster="person").estimate(term)
        rows.add(label, e)
        rows.set(label, {"se (person)": by_person.se, "p (person)": by_person.pvalue}, e.support)
        p: dict[str, float] = {}
        if settings.wild_bootstrap and e.estimable:
            wild = wild_cluster_pvalue(design, term=term, seed=settings.seed)
            p["p_wild_bootstrap"] = wild.pvalue
            rows.set(label, {"p (wild bootstrap)": p["p_wild_bootstrap"]}, e.support)
        if settings.permutations and e.estimable:
            ri = randomisation_pvalue(
                design,
                term=term,
                permutations=settings.permutations,
                seed=settings.seed,
                by_centre=trial.study.cluster_is_stratum,
            )
            p["p_randomisation"], p["p_randomisation_mcse"] = ri.pvalue, ri.mc_se
            cells = {"p (randomisation)": ri.pvalue, "RI Monte Carlo SE": ri.mc_se}
            rows.set(label, cells, e.support)
        rows.records.append(record("table_08", "after months", outcome, e, "centre", **p))
        rows.records.append(record("table_08", "after months", outcome, by_person, "person"))
        if phased:
            adjusted_design = lpm_design(after, outcome, phase_dummies=True, trial=trial)
            adjusted = fit_ols(adjusted_design).estimate(term)
            rows.add(label, adjusted, prefix="phase-adjusted ", counts=False)
            rows.records.append(
                record("table_08", "after months, phase-adjusted", outcome, adjusted, "centre")
            )
        estimates[outcome] = e
    within = f" and {trial.cluster_word}s" if trial.study.cluster_is_stratum else ""
    ri_note = (
        f" Randomisation inference: arm labels permuted within the allocation phases{within} "
        f"({trial.study.path.name}), keeping each phase's numbers of {trial.treated.name} "
        f"and {trial.control.name} persons, {settings.permutations:,} draws; its Monte "
        "Carlo SE beside it."
        if settings.permutations
        else ""
    )
    table = rows.table(
        "table_08",
        f"Table 8. Effect of {trial.treated.name} on monthly status after randomisation (LPM)",
        note + " Beside the CRV1 p-value: SE and p clustered by person and the wild "
        "cluster bootstrap p-value (restricted, Webb weights)."
        + ri_note
        + (phase_note(trial) if phased else ""),
    )
    return table, estimates


def table_08_coefficients(after: pd.DataFrame, trial: Trial | None = None) -> Table:
    trial = trial_of(trial)
    after = trial.prepare(after)
    fits = {
        label: fit_ols(lpm_design(after, outcome, trial=trial))
        for label, outcome in trial.outcomes()
    }
    return coefficient_table(
        "table_08_coefficients",
        f"Table 8 (all coefficients). Effect of {trial.treated.name} on monthly status "
        "after randomisation",
        fits,
        [trial.term],
        cluster_note(trial),
        cluster_prefix=f"{trial.cluster_prefix}_",
    )


def _model_tables(
    key: str,
    title: str,
    models: dict[str, tuple[str, pd.DataFrame, dict[str, bool]]],
    note: str,
    trial: Trial,
    cluster: str = "centre",
    coefficients: bool = True,
) -> list[Table]:
    """One treated-arm row per model (label -> outcome, sample, design options) and,
    when asked, the companion table of every coefficient."""
    rows = EstimateRows()
    fits = {}
    for label, (outcome, sample, options) in models.items():
        fit = fit_ols(lpm_design(sample, outcome, trial=trial, **options), cluster=cluster)
        e = fit.estimate(trial.term)
        rows.add(label, e)
        rows.records.append(record(key, label, outcome, e, cluster))
        fits[label] = fit
    tables = [rows.table(key, title, note)]
    if coefficients:
        number = title.split(".")[0]
        full_title = title.replace(f"{number}.", f"{number} (all coefficients).", 1)
        tables.append(
            coefficient_table(
                f"{key}_coefficients",
                full_title,
                fits,
                [trial.term],
                note,
                cluster_prefix=f"{trial.cluster_prefix}_",
            )
        )
    return tables


def table_09(after: pd.DataFrame, trial: Trial | None = None) -> list[Table]:
    trial = trial_of(trial)
    after = trial.prepare(after)
    sample = after.loc[after["age_at_randomisation"] >= 21]
    models = {label: (outcome, sample, {"education": True}) for label, outcome in trial.outcomes()}
    return _model_tables(
        "table_09",
        f"Table 9. Effect of {trial.treated.name}, persons aged 21 or more, with education",
        models,
        cluster_note(trial) + " Education dummies (base: compulsory school).",
        trial,
    )


def subgroup_samples(
    after: pd.DataFrame, dim: pd.DataFrame, trial: Trial
) -> dict[str, pd.DataFrame]:
    """The after months of each subgroup of the study (label -> rows)."""
    samples = {}
    for group in trial.study.subgroups:
        persons = trial.in_subgroup(dim, group)
        samples[group.label] = after.loc[after["person_id"].astype(str).isin(persons)]
    return samples


def table_10(
    after: pd.DataFrame, dim: pd.DataFrame | None = None, trial: Trial | None = None
) -> Table:
    """The effect in each of the study's subgroups (IPS: moderate and severe diagnoses)."""
    trial = trial_of(trial)
    after = trial.prepare(after)
    if dim is None:  # the panel carries the participant's attributes the rules may name
        dim = after.drop_duplicates("person_id")
    models = {}
    for group, sample in subgroup_samples(after, dim, trial).items():
        for label, outcome in trial.outcomes():
            models[f"{group} / {label}"] = (outcome, sample, {})
    variables = {rule.variable for g in trial.study.subgroups for rule in g.rules}
    by = "diagnosis group" if variables == {"diagnosis_group"} else "subgroup"
    title = f"Table 10. Effect of {trial.treated.name} by {by}"
    note = (
        cluster_note(trial)
        + " Subgroups: "
        + "; ".join(
            f"{g.label} (" + " and ".join(f"{r.variable} {r.op} {r.value}" for r in g.rules) + ")"
            for g in trial.study.subgroups
        )
        + "."
    )
    return _model_tables("table_10", title, models, note, trial, coefficients=False)[0]


def _interaction(trial: Trial, code: str) -> str:
    return f"{trial.short}_{trial.cluster_prefix}_{code}"


def table_11(after: pd.DataFrame, trial: Trial | None = None) -> list[Table]:
    """One model: cluster dummies and treated x cluster, the effect in each cluster,
    with cluster-robust SEs as published beside person-clustered ones."""
    trial = trial_of(trial)
    after = trial.prepare(after)
    outcome, word, name = trial.primary, trial.cluster_word, trial.treated.name
    clusters = trial.clusters(after)
    interactions = pd.DataFrame(
        {
            _interaction(trial, code): (after[trial.term] * (after[CLUSTER] == c)).astype(float)
            for c, code in clusters
        },
        index=after.index,
    )
    design = lpm_design(after, outcome, treatment=(), extra=interactions, trial=trial)
    by_centre, by_person = fit_ols(design), fit_ols(design, cluster="person")
    rows = EstimateRows()
    supports = {}
    label_of_outcome = trial.primary_name
    for c, code in clusters:
        term, label = _interaction(trial, code), f"{word} {code}"
        in_centre = after.loc[after[CLUSTER] == c]
        supports[label] = lpm_design(
            in_centre, outcome, centre_dummies=False, trial=trial
        ).support()
        e, p = by_centre.estimate(term), by_person.estimate(term)
        rows.add(label, e, support=supports[label])
        rows.add(label, p, prefix="person clusters: ", counts=False, support=supports[label])
        rows.records.append(record("table_11", "after months", outcome, e, "centre"))
        rows.records.append(record("table_11", "after months", outcome, p, "person"))
    note = (
        cluster_note(trial) + f" Beside them, the same model with SE clustered by person. "
        f"With {word} clusters an effect at one {word} rests on one cluster's scores, so its "
        f"CRV1 SE is shown as published but is weak; person clusters use the persons "
        f"within the {word}. N, R2 and persons are those of the one model."
    )
    title = (
        f"Table 11. Effect of {name} on {_being(label_of_outcome)} at each {word} ({name} x {word})"
    )
    full = coefficient_table(
        "table_11_coefficients",
        f"Table 11 (all coefficients). {name} x {word}, SE clustered by {word}",
        {label_of_outcome: by_centre},
        [_interaction(trial, code) for _, code in clusters],
        cluster_note(trial),
        supports={label_of_outcome: min(supports.values(), default=0)},
        cluster_prefix=f"{trial.cluster_prefix}_",
    )
    return [rows.table("table_11", title, note), full]


def _being(name: str) -> str:
    """'in work' -> 'being in work': the published wording of the IPS titles."""
    return f"being {name}" if name.startswith("in ") else name


def table_12(after: pd.DataFrame, trial: Trial | None = None) -> list[Table]:
    trial = trial_of(trial)
    after = trial.prepare(after)
    word = trial.cluster_word
    models = {
        f"{word} {code}": (
            trial.primary,
            after.loc[after[CLUSTER] == c],
            {"centre_dummies": False},
        )
        for c, code in trial.clusters(after)
    }
    return _model_tables(
        "table_12",
        f"Table 12. Effect of {trial.treated.name} on {_being(trial.primary_name)}, "
        f"separate regression per {word}",
        models,
        f"OLS on months after randomisation within one {word}; controls: age, female, "
        f"year and calendar-month dummies. One {word} is one cluster, so SE are "
        "clustered by person. * p<0.1, ** p<0.05, *** p<0.01.",
        trial,
        cluster="person",
    )


def horizon_outcomes(trial: Trial) -> tuple[tuple[str, str], ...]:
    """Table 13's outcomes: the primary one and AAP and work when the study has it
    (IPS: work and AAP and work, as published)."""

    def short(name: str) -> str:
        return name.removeprefix("in ")

    chosen = [(short(trial.primary_name), trial.primary)]
    for name, column in trial.outcomes():
        if column == "aap_and_employed" and column != trial.primary:
            chosen.append((short(name), column))
    return tuple(chosen)


def table_13(
    after: pd.DataFrame, horizons: Iterable[int] = range(12, 28), trial: Trial | None = None
) -> Table:
    trial = trial_of(trial)
    after = trial.prepare(after)
    outcomes = horizon_outcomes(trial)
    first = outcomes[0][0]
    rows = EstimateRows()
    for h in horizons:
        sample = after.loc[after["rel_month"] <= h]
        at_h = after.loc[after["rel_month"] == h].drop_duplicates("person_id")
        label = f"h = {h}"
        for name, outcome in outcomes:
            e = fit_ols(lpm_design(sample, outcome, trial=trial)).estimate(trial.term)
            rows.add(label, e, prefix=f"{name} ", counts=name == first, with_r2=False)
            rows.records.append(record("table_13", f"months 1-{h}", outcome, e, "centre"))
        n_ips = int(at_h[trial.term].sum())
        rows.set(label, {"persons at h": len(at_h)}, share_floor(len(at_h), n_ips))
        rows.lower_support(label, share_floor(len(at_h), n_ips))
    return rows.table(
        "table_13",
        f"Table 13. Effect of {trial.treated.name} with follow-up cut at h months after "
        "randomisation",
        cluster_note(trial)
        + " Sample: months 1..h after randomisation; persons observed at month h.",
    )


def share_floor(n: int, k: int) -> int:
    """Persons a count split by arm rests on: the smaller arm (or all when one is empty)."""
    sides = [c for c in (k, n - k) if c > 0]
    return min(sides) if sides else n


def table_14(after: pd.DataFrame, dim: pd.DataFrame, trial: Trial | None = None) -> Table:
    """First months (the study's last horizon; IPS: 18): early (randomised before the
    study's `early_before`) versus late."""
    trial = trial_of(trial)
    after = trial.prepare(after)
    name, term, outcome = trial.treated.name, trial.term, trial.primary
    cut = max(trial.study.horizons)
    early_before = trial.study.early_before
    assert early_before is not None, "Table 14 needs the study's early_before"
    dates = dim.set_index("person_id")["randomised_date"]
    first = after.loc[after["rel_month"] <= cut].copy()
    first["early"] = trial.randomised_early(first["person_id"].map(dates)).astype(float)
    interaction = f"{trial.short}_early"
    first[interaction] = first[term] * first["early"]
    whole = fit_ols(lpm_design(first, outcome, extra=first[["early", interaction]], trial=trial))
    rows = EstimateRows()
    for label, t in (
        (f"whole sample, {name}", term),
        (f"whole sample, {name} x early", interaction),
    ):
        e = whole.estimate(t)
        rows.add(label, e)
        rows.records.append(record("table_14", f"months 1-{cut}", outcome, e, "centre"))
    halves = (f"early half, {name}", f"late half, {name}")
    for label, flag in zip(halves, (1.0, 0.0), strict=True):
        sample = first.loc[first["early"] == flag]
        e = fit_ols(lpm_design(sample, outcome, trial=trial)).estimate(term)
        rows.add(label, e)
        rows.records.append(record("table_14", label, outcome, e, "centre"))
    # the interaction rests on the smaller arm of the smaller half
    rows.lower_support(
        f"whole sample, {name} x early", min(rows.support[label]["coef"] for label in halves)
    )
    day = early_before
    return rows.table(
        "table_14",
        f"Table 14. Effect of {name} on {_being(trial.primary_name)} in the first {cut} "
        "months, early and late",
        cluster_note(trial)
        + f" Early: randomised before {day.day} {day.strftime('%B')} {day.year}.",
    )


def npr_observed(after: pd.DataFrame) -> bool:
    """Whether the warehouse has any NPR month (Table 15 needs them)."""
    return any(
        column in after.columns and after[column].notna().any() for _, column in NPR_OUTCOMES
    )


def table_15(after: pd.DataFrame, trial: Trial | None = None) -> list[Table]:
    trial = trial_of(trial)
    after = trial.prepare(after)
    models = {
        label: (outcome, after.loc[after[outcome].notna()], {}) for label, outcome in NPR_OUTCOMES
    }
    return _model_tables(
        "table_15",
        f"Table 15. Effect of {trial.treated.name} on specialist health-care use per month (NPR)",
        models,
        cluster_note(trial).replace("OLS on", "OLS on NPR-covered")
        + " Outcomes are counts of contacts (days for inpatient stays); an outcome that "
        "is zero in every month of the sample is not estimable.",
        trial,
    )
