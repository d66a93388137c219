"""`make bench-cohort`: the cohort study (studies/rtw-predictors.yml) at population scale.

For each N persons, each phase in its own measured child process (bench.measure:
wall time and the peak memory of the process tree):
  (a) generate the delivery with its planted hazard model (rtwpanel generate --study),
  (b) build and publish the warehouse, every dbt test and gate included (rtwpanel build),
  (c) the cohort's analysis: Kaplan-Meier, Aalen-Johansen, the Cox model (rtwpanel analyse).
Then reads the recovery table the analysis wrote (planted hazard ratio beside each
estimate) and prints, for every term, the planted and estimated hazard ratio, whether
the 95 % interval covers the planted one, and |log(estimate / planted)| against the
tolerance. Exits 1 when a phase fails, a planted ratio falls outside its family-wise
(Bonferroni) 95 % interval, or an estimate is further than the tolerance from it.

    python benchmarks/bench_cohort.py                      # 1,000,000 persons
    python benchmarks/bench_cohort.py --persons 100000 --tolerance 0.1
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path
from statistics import NormalDist

from bench import run_study

PROJECT_DIR = Path(__file__).resolve().parents[1]
STUDY = "rtw-predictors"


def recovery(report: Path, tolerance: float) -> dict[str, object]:
    """Print the planted hazard ratios beside the estimates of a cohort report."""
    with open(report / "table_c_recovery.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(report / "table_c1.csv", newline="") as handle:
        first = next(csv.DictReader(handle))
    print(f"\n  cohort: {first}")
    # with many terms some 95 % intervals miss by chance (14 unbiased intervals all
    # cover with probability 0.95 ** 14 = 0.49): the pass criterion is family-wise,
    # every planted ratio inside its Bonferroni interval, and the 95 % count is shown
    z_family = NormalDist().inv_cdf(1 - 0.025 / len(rows))
    print(f"  {'term':<55} {'planted':>8} {'estimate':>9} {'95 % CI':>17} {'|log|':>7} {'|z|':>5}")
    worst, covered, within_family = 0.0, 0, 0
    for row in rows:
        planted, estimate = float(row["planted HR"]), float(row["estimated HR"])
        low, high = float(row["95 % CI low"]), float(row["95 % CI high"])
        gap = abs(math.log(estimate / planted))
        z = gap / ((math.log(high) - math.log(low)) / (2 * 1.959964))
        inside = low <= planted <= high
        worst, covered = max(worst, gap), covered + inside
        within_family += z <= z_family
        print(
            f"  {row['row']:<55} {planted:8.3f} {estimate:9.3f} [{low:6.3f}, {high:6.3f}] "
            f"{gap:7.3f} {z:5.2f}{'' if inside else '  outside its 95 % interval'}"
        )
    print(
        f"\n  {covered} of {len(rows)} planted hazard ratios inside their 95 % interval; "
        f"{within_family} of {len(rows)} inside their family-wise 95 % interval "
        f"(|z| <= {z_family:.2f}); largest |log(estimate / planted)| {worst:.3f} "
        f"(tolerance {tolerance})"
    )
    return {
        "terms": len(rows),
        "covered": covered,
        "within_family_interval": within_family,
        "largest_log_gap": round(worst, 4),
        "tolerance": tolerance,
        "ok": within_family == len(rows) and worst <= tolerance,
    }


def run(persons: int, workdir: Path, tolerance: float, gzip: bool) -> int:
    return run_study(
        "cohort study",
        "bench-cohort",
        STUDY,
        persons,
        (workdir / f"cohort-n{persons}").resolve(),
        lambda report: recovery(report, tolerance),
        ["--gzip"] if gzip else [],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "build" / "bench")
    parser.add_argument(
        "--tolerance", type=float, default=0.08, help="largest |log(estimate / planted)|"
    )
    parser.add_argument("--gzip", action="store_true", help="the delivery as .csv.gz")
    parser.add_argument(
        "--report-only", type=Path, metavar="DIR", help="only check the recovery of a report"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        return 0 if recovery(args.report_only, args.tolerance)["ok"] else 1
    status = 0
    for persons in args.persons:
        status |= run(persons, args.workdir, args.tolerance, args.gzip)
    return status


if __name__ == "__main__":
    sys.exit(main())
