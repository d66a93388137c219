"""Monte Carlo: how inference on the IPS effect behaves on the project's own generator.

Replication r is the trial `rtwpanel generate --seed S+r` writes (trial mode:
410 persons, six centres, the allocation schedule, the generator's centre
effects and centre-by-month shocks), taken at its true monthly work status
before any register row or defect is written. On the months after
randomisation the Table 8 model is fitted and five kinds of inference are
asked whether their 95 % procedure rejects the true value:

- CRV1 (centre clusters) with a normal reference,
- CRV1 with t(G-1), as the tables use,
- the wild cluster bootstrap (restricted, Webb weights, all 6^6 vectors),
- randomisation inference, permuting within the allocation phases,
- CRV1 with person clusters, t(persons-1).

Under the null every planted effect is zero (rejection rate at 5 %); under
the alternative the generator's default effects are planted and the true value
is the planted work effect as realised in the sample's months
(`rtwpanel.synthetic.planted`); one minus the rejection rate is the coverage of
the 95 % interval (for the bootstrap and RI: of the inverted test). Each rate
has its Monte Carlo standard error sqrt(p (1 - p) / R).

The table goes to the Monte Carlo section of benchmarks/RESULTS.md and to
src/rtwpanel/analysis/monte_carlo.json, from which the report renders it.

    .venv/bin/python benchmarks/monte_carlo.py --replications 500
"""

from __future__ import annotations

import argparse
import json
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from rtwpanel.analysis.clustered_ols import fit_ols
from rtwpanel.analysis.design import PHASE, lpm_design
from rtwpanel.analysis.monte_carlo_section import RESULTS_JSON, results_table
from rtwpanel.analysis.randomisation_inference import randomisation_pvalue
from rtwpanel.analysis.wild_bootstrap import wild_cluster_pvalue
from rtwpanel.synthetic import calendar as cal
from rtwpanel.synthetic.allocation import phase_of, read_schedule
from rtwpanel.synthetic.cohort import make_cohort
from rtwpanel.synthetic.params import TRIAL_PERSONS, Effects, Params
from rtwpanel.synthetic.planted import planted_in_sample
from rtwpanel.synthetic.status_paths import simulate

METHODS = (
    "CRV1 + normal",
    "CRV1 + t(G-1)",
    "wild cluster bootstrap",
    "randomisation inference",
    "person clusters",
)
NULL_EFFECTS = Effects(
    work_at_18_months=0.0, aap_and_work=0.0, programme=0.0, disability=0.0, aap=0.0
)
RESULTS_MD = Path(__file__).with_name("RESULTS.md")
START, END = "<!-- monte-carlo:start -->", "<!-- monte-carlo:end -->"


def after_months(seed: int, effects: Effects) -> pd.DataFrame:
    """The months after randomisation of the trial the generator writes for `seed`."""
    params = Params(seed=seed, effects=effects)
    # the streams build_chunk uses for chunk 0, so this is that delivery's truth
    cohort = make_cohort(np.random.default_rng([seed, 0, 0]), 0, TRIAL_PERSONS, trial=True)
    work = simulate(np.random.default_rng([seed, 0, 1]), cohort, params).work
    alive = np.flatnonzero(cohort.alive)
    rel = np.arange(cal.N_MONTHS)[None, :] - cohort.rand_month[alive][:, None]
    row, month = np.nonzero(rel >= 1)
    person = alive[row]
    calendar = cal.FIRST_MONTH + month
    years = calendar.astype("datetime64[Y]").astype(int) + 1970
    phase = phase_of(cohort.randomised, read_schedule())
    return pd.DataFrame(
        {
            "person_id": person,
            "is_ips": cohort.is_ips[person].astype(float),
            "centre_id": cohort.centre[person],
            "age_at_randomisation": (
                cal.yyyymmdd(cohort.randomised[person]) // 10000 - cohort.birth_year[person]
            ).astype(float),
            "female": cohort.female[person].astype(float),
            "year": years,
            "calendar_month": calendar.astype(int) % 12 + 1,
            "rel_month": rel[row, month],
            "employed": work[person, month].astype(float),
            PHASE: phase[person],
        }
    )


def one_trial(seed: int, effects: Effects, permutations: int) -> tuple[dict[str, bool], float]:
    """For each method: does its 95 % procedure reject the true value? And that value."""
    frame = after_months(seed, effects)
    truth = planted_in_sample(effects, frame["rel_month"].to_numpy())["employed"]
    design = lpm_design(frame, "employed")
    centre = fit_ols(design, cluster="centre").estimate("is_ips")
    person = fit_ols(design, cluster="person").estimate("is_ips")
    z = (centre.coef - truth) / centre.se
    ri = randomisation_pvalue(design, permutations=permutations, seed=seed, null=truth)
    rejects = {
        "CRV1 + normal": bool(abs(z) > stats.norm.ppf(0.975)),
        "CRV1 + t(G-1)": not centre.ci_low <= truth <= centre.ci_high,
        "wild cluster bootstrap": wild_cluster_pvalue(design, null=truth).pvalue < 0.05,
        "randomisation inference": ri.pvalue < 0.05,
        "person clusters": not person.ci_low <= truth <= person.ci_high,
    }
    return rejects, truth


def rate(hits: np.ndarray) -> tuple[float, float]:
    p = float(hits.mean())
    return p, float(np.sqrt(p * (1 - p) / len(hits)))


def write_results_md(table: str) -> None:
    """Replace the Monte Carlo section's table of RESULTS.md (between its markers)."""
    text = RESULTS_MD.read_text()
    block = f"{START}\n{table}{END}"
    if START in text:
        text = re.sub(f"{re.escape(START)}.*?{re.escape(END)}", lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n## Monte Carlo: inference with six centres\n\n" + block + "\n"
    RESULTS_MD.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=500)
    parser.add_argument("--permutations", type=int, default=999, help="per RI p-value")
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument(
        "--workers", type=int, default=2, help="processes (results do not depend on it)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:

        def scenario(first_seed: int, effects: Effects) -> list[tuple[dict[str, bool], float]]:
            seeds = range(first_seed, first_seed + args.replications)
            trials = pool.map(
                one_trial, seeds, repeat(effects), repeat(args.permutations), chunksize=10
            )
            return list(trials)

        null = np.array(
            [list(rejects.values()) for rejects, _ in scenario(args.seed, NULL_EFFECTS)]
        )
        under_effect = scenario(args.seed + 100_000, Effects())
    alternative = [list(rejects.values()) for rejects, _ in under_effect]
    truths = [truth for _, truth in under_effect]
    alt = np.array(alternative)
    rows = []
    for i, method in enumerate(METHODS):
        rejection, rejection_se = rate(null[:, i])
        miss, miss_se = rate(alt[:, i])
        rows.append(
            {
                "method": method,
                "rejection": rejection,
                "rejection_mc_se": rejection_se,
                "coverage": 1 - miss,
                "coverage_mc_se": miss_se,
            }
        )
    results = {
        "replications": args.replications,
        "permutations": args.permutations,
        "seed": args.seed,
        "seconds": time.perf_counter() - started,
        "centres": asdict(Params().centres),
        "mean_true_effect": float(np.mean(truths)),
        "rows": rows,
    }
    table = results_table(results)
    print(table, end="")
    if not args.no_write:
        RESULTS_JSON.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
        write_results_md(table)


if __name__ == "__main__":
    main()
