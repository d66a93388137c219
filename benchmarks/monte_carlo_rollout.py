"""Monte Carlo: the size of the roll-out's tests on a study's own design.

Replication r is a region x month panel of shares on the study's regions and start
months (studies/ipsnor.yml by default: 19 regions, six starting in three pairs,
thirteen never): a region level, common month shocks, and binomial-sized noise
that is autocorrelated within a region (AR(1), `--rho`), for as many target persons
per region as the study's synthetic population has at `--persons`. No effect is
planted, before or after the start, so every rejection at 5 % is a false one.

For each replication the tests the roll-out report shows are asked:

- the joint pre-trend test, chi2 and Hotelling's small-sample F (bootstrap covariance),
- the placebo test of the average pre-period theta(e) (start months dealt at random),
- the overall ATT's multiplier-bootstrap p and its placebo p.

Each rate is printed with its Monte Carlo standard error sqrt(p (1 - p) / R).

    .venv/bin/python benchmarks/monte_carlo_rollout.py --replications 200 --permutations 199
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat

import numpy as np
import pandas as pd

from rtwpanel.analysis import rollout as ro
from rtwpanel.study import load_study
from rtwpanel.synthetic.rollout_population import NEVER, load_rollout_model

TESTS = ("joint chi2", "joint F", "placebo pre-trend", "bootstrap ATT", "placebo ATT")


def design(study_name: str, persons: int) -> tuple[list[int | None], np.ndarray, pd.DatetimeIndex]:
    """Start month index per region, target persons per region (the generator's
    shares), the months."""
    study = load_study(study_name)
    model = load_rollout_model(study)
    months = pd.date_range(study.inclusion[0], study.inclusion[1], freq="MS")
    starts = [None if s == NEVER else int(s) for s in model.start]
    # about 0.8 of the target population is of age in a month
    target = persons * model.target_share * 0.8 * np.array(model.shares)
    return starts, np.maximum(1, target).astype(int), months


def simulate(rng, starts, sizes, months, rho: float) -> pd.DataFrame:
    T = len(months)
    shock = 0.02 * np.sin(np.arange(T) / 6) + rng.normal(0, 0.005, T)
    rows = []
    for r, (start, n) in enumerate(zip(starts, sizes, strict=True)):
        z = np.empty(T)
        z[0] = rng.normal()
        for t in range(1, T):
            z[t] = rho * z[t - 1] + np.sqrt(1 - rho**2) * rng.normal()
        y = rng.normal(0.55, 0.05) + shock + np.sqrt(0.25 / n) * z
        for t in range(T):
            rows.append(
                {
                    "region": f"R{r:02d}",
                    "month": months[t],
                    "start_month": months[start] if start is not None else None,
                    "share_employed": y[t],
                    "n_employed": n,
                }
            )
    return pd.DataFrame(rows)


def replicate(seed: int, setup: tuple, rho: float, permutations: int, window) -> list[bool]:
    starts, sizes, months = setup
    rng = np.random.default_rng(seed)
    est = ro.estimate(
        simulate(rng, starts, sizes, months, rho),
        "employed",
        window=window,
        draws=999,
        seed=seed,
        permutations=permutations,
    )
    pre, placebo = est.pretrend, est.placebo
    p_att = float(est.overall.table["p"].iloc[0])
    values = (pre.p, pre.p_f, placebo.pretrend.p, p_att, placebo.att.p)
    return [bool(np.isfinite(p) and p < 0.05) for p in values]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", default="ipsnor")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--replications", type=int, default=200)
    parser.add_argument("--permutations", type=int, default=199)
    parser.add_argument("--rho", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    study = load_study(args.study)
    setup = design(args.study, args.persons)
    window = tuple(study.rollout.event_window)
    started = time.perf_counter()
    seeds = range(1, args.replications + 1)
    with ProcessPoolExecutor(args.workers) as pool:
        results = np.array(
            list(
                pool.map(
                    replicate,
                    seeds,
                    repeat(setup),
                    repeat(args.rho),
                    repeat(args.permutations),
                    repeat(window),
                )
            )
        )
    R = len(results)
    print(
        f"{args.study}: {len(setup[0])} regions, {sum(s is not None for s in setup[0])} starting; "
        f"{R} null replications, {args.permutations} permutations, AR(1) rho {args.rho}, "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(f"  {'test':<20} {'rejects at 5 %':>15} {'MC SE':>7}")
    for name, column in zip(TESTS, results.T, strict=True):
        rate = column.mean()
        print(f"  {name:<20} {rate:15.3f} {np.sqrt(rate * (1 - rate) / R):7.3f}")


if __name__ == "__main__":
    main()
