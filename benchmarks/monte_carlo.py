"""Monte Carlo: how the IPS effect's inference behaves in trials of the reference size.

Each replication draws a synthetic trial (410 persons, six centres, about 25
months of follow-up on average, AR(1) correlation of a person's months, person
and centre effects, centre-by-month shocks and a centre-to-centre spread of the
effect) straight into the marts' shape, fits the Table 8 model on the months
after randomisation, and records for four kinds of inference:

- CRV1 (centre clusters) with a normal reference,
- CRV1 with t(G-1), as the reports use,
- the wild cluster bootstrap (restricted, Webb weights, all 6^6 vectors),
- CRV1 with person clusters, t(persons-1);

the rejection rate at 5 % when there is no effect, and the coverage of the
95 % interval when there is one (for the bootstrap: the share of trials in
which the true value is not rejected, i.e. the coverage of the inverted test).

    .venv/bin/python benchmarks/monte_carlo.py --replications 500
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import stats

from rtwpanel.analysis.clustered_ols import fit_ols
from rtwpanel.analysis.design import lpm_design
from rtwpanel.analysis.simulated_marts import (
    TrialSpec,
    copula_uniforms,
    simulate_participants,
)
from rtwpanel.analysis.wild_bootstrap import wild_cluster_pvalue

METHODS = ("CRV1 + normal", "CRV1 + t(G-1)", "wild cluster bootstrap", "person clusters")


def simulate_after_months(seed: int, effect: float, args: argparse.Namespace) -> pd.DataFrame:
    """Months after randomisation of one trial, in work or not (lean: one status)."""
    spec = TrialSpec(n_persons=410, seed=seed)
    rng = np.random.default_rng(seed)
    people = simulate_participants(spec, rng)
    months = pd.date_range("2013-11-01", "2016-04-01", freq="MS")
    n, t = len(people), len(months)
    rand = pd.to_datetime(people["randomised_date"])
    rel = (months.year.to_numpy() * 12 + months.month.to_numpy())[None, :] - (
        rand.dt.year * 12 + rand.dt.month
    ).to_numpy()[:, None]
    ips = people["is_ips"].to_numpy()[:, None]
    centre = people["centre_id"].to_numpy() - 1
    p = (
        0.27
        + rng.normal(0, spec.person_sd, n)[:, None]
        + rng.normal(0, spec.centre_sd, 6)[centre][:, None]
        + rng.normal(0, args.centre_month_sd, (6, t))[centre]
        + (effect + rng.normal(0, args.effect_centre_sd, 6)[centre][:, None]) * ips
    )
    employed = (copula_uniforms(rng, n, t, spec.rho) < np.clip(p, 0, 1)).astype(float)
    person, month = np.nonzero(rel >= 1)
    return pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy()[person],
            "is_ips": people["is_ips"].to_numpy()[person],
            "centre_id": people["centre_id"].to_numpy()[person],
            "age_at_randomisation": people["age_at_randomisation"].to_numpy()[person],
            "female": people["female"].to_numpy()[person],
            "year": months.year.to_numpy()[month],
            "calendar_month": months.month.to_numpy()[month],
            "employed": employed[person, month],
        }
    )


def one_trial(seed: int, effect: float, args: argparse.Namespace) -> dict[str, bool]:
    """For each method: does the 95 % procedure reject the true value `effect`?"""
    design = lpm_design(simulate_after_months(seed, effect, args), "employed")
    centre = fit_ols(design, cluster="centre").estimate("is_ips")
    person = fit_ols(design, cluster="person").estimate("is_ips")
    z = (centre.coef - effect) / centre.se
    return {
        "CRV1 + normal": abs(z) > stats.norm.ppf(0.975),
        "CRV1 + t(G-1)": not centre.ci_low <= effect <= centre.ci_high,
        "wild cluster bootstrap": wild_cluster_pvalue(design, null=effect).pvalue < 0.05,
        "person clusters": not person.ci_low <= effect <= person.ci_high,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=500)
    parser.add_argument("--effect", type=float, default=0.10)
    parser.add_argument("--effect-centre-sd", type=float, default=0.03)
    parser.add_argument("--centre-month-sd", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()

    started = time.perf_counter()
    null = np.array(
        [list(one_trial(args.seed + r, 0.0, args).values()) for r in range(args.replications)]
    )
    alt = np.array(
        [
            list(one_trial(args.seed + 100_000 + r, args.effect, args).values())
            for r in range(args.replications)
        ]
    )
    seconds = time.perf_counter() - started
    se = np.sqrt(0.05 * 0.95 / args.replications)
    print(
        f"{args.replications} replications per scenario, {seconds:.0f} s; "
        f"effect spread across centres sd {args.effect_centre_sd}, "
        f"centre-month shocks sd {args.centre_month_sd}; "
        f"Monte Carlo SE of a 5 % rate: {se:.3f}"
    )
    print(
        "| method | rejection at 5 %, no effect | coverage of 95 % interval, effect "
        f"{args.effect} |"
    )
    print("|---|---:|---:|")
    for i, method in enumerate(METHODS):
        print(f"| {method} | {null[:, i].mean():.3f} | {1 - alt[:, i].mean():.3f} |")


if __name__ == "__main__":
    main()
