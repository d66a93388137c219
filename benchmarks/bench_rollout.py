"""`make bench-rollout`: the regional roll-out study (studies/ipsnor.yml) at population scale.

For each N persons, each phase in its own measured child process (bench.measure:
wall time and the peak memory of the process tree):
  (a) generate the delivery with its planted effect (rtwpanel generate --study ipsnor),
  (b) build and publish the warehouse, every dbt test and gate included (rtwpanel build),
  (c) the roll-out analysis: TWFE and Callaway-Sant'Anna on marts.mart_region_month,
      wild bootstrap over regions (rtwpanel analyse).
Then reads the tables the analysis wrote and prints the planted overall ATT (as the
delivery realises it, truth/rollout.json) beside the Callaway-Sant'Anna estimate and
its interval, and the TWFE coefficient beside both, on the primary outcome.

Then the same for benchmarks/studies/ipsnor-twfe-bias.yml (--bias-persons, 0 skips it):
the roll-out redrawn with starts over five years and an effect that grows without a
cap, where two-way fixed effects is biased. Exits 1 when a phase fails, a planted
ATT is outside Callaway-Sant'Anna's 95 % interval or further than the tolerance from
its estimate, or (the redrawn roll-out) the planted ATT is inside TWFE's interval.

    python benchmarks/bench_rollout.py                      # 1,000,000 and 200,000 persons
    python benchmarks/bench_rollout.py --persons 200000 --bias-persons 0
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from bench import run_study

PROJECT_DIR = Path(__file__).resolve().parents[1]
STUDY = "ipsnor"
BIAS_STUDY = PROJECT_DIR / "benchmarks" / "studies" / "ipsnor-twfe-bias.yml"


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="") as handle:
        return {row["row"]: row for row in csv.DictReader(handle)}


def recovery(report: Path, tolerance: float, twfe_biased: bool = False) -> dict[str, object]:
    """Print the planted effect beside the estimates of a roll-out report; with
    `twfe_biased`, the planted ATT must also lie outside TWFE's interval."""
    recovered = rows_of(report / "table_r_recovery.csv")
    overall = recovered["overall ATT"]
    planted, estimate = float(overall["planted"]), float(overall["estimated"])
    low, high = float(overall["95 % low"]), float(overall["95 % high"])
    primary = next(iter(rows_of(report / "table_r2.csv").values()))
    twfe = float(primary["TWFE"])
    thetas = {k: v for k, v in recovered.items() if k.startswith("theta(")}
    covered = sum(v["in 95 % CI"] in ("1", "1.0") for v in thetas.values())
    print(f"\n  {'':<28} {'estimate':>9} {'- planted':>10}")
    print(f"  {'planted overall ATT':<28} {planted:9.4f}")
    print(
        f"  {'Callaway-Sant Anna ATT':<28} {estimate:9.4f} {estimate - planted:10.4f}"
        f"   95 % [{low:.4f}, {high:.4f}]"
    )
    twfe_row = recovered.get("TWFE", {})
    twfe_low, twfe_high = (
        float(twfe_row.get("95 % low", "nan")),
        float(twfe_row.get("95 % high", "nan")),
    )
    print(
        f"  {'two-way fixed effects':<28} {twfe:9.4f} {twfe - planted:10.4f}"
        f"   95 % [{twfe_low:.4f}, {twfe_high:.4f}] (wild)"
    )
    print(f"  theta(e): {covered} of {len(thetas)} planted values inside their 95 % interval")
    ok = low <= planted <= high and abs(estimate - planted) <= tolerance
    twfe_misses = not twfe_low <= planted <= twfe_high
    if twfe_biased:
        print(f"  TWFE's interval {'misses' if twfe_misses else 'holds'} the planted ATT")
        ok = ok and twfe_misses
    return {
        "planted_att": planted,
        "cs_att": estimate,
        "cs_ci": [low, high],
        "twfe": twfe,
        "twfe_minus_planted": round(twfe - planted, 5),
        "twfe_ci": [twfe_low, twfe_high],
        "theta_covered": covered,
        "theta_planted": len(thetas),
        "tolerance": tolerance,
        "ok": ok,
    }


def run(persons: int, workdir: Path, tolerance: float) -> int:
    return run_study(
        "roll-out study",
        "bench-rollout",
        STUDY,
        persons,
        (workdir / f"rollout-n{persons}").resolve(),
        lambda report: recovery(report, tolerance),
    )


def run_bias(persons: int, workdir: Path, tolerance: float) -> int:
    return run_study(
        "roll-out redrawn for the bias of two-way fixed effects,",
        "bench-rollout",
        str(BIAS_STUDY),
        persons,
        (workdir / f"rollout-twfe-bias-n{persons}").resolve(),
        lambda report: recovery(report, tolerance, twfe_biased=True),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[1_000_000])
    parser.add_argument(
        "--bias-persons", type=int, default=200_000, help="the redrawn roll-out's size (0: skip)"
    )
    parser.add_argument("--workdir", type=Path, default=PROJECT_DIR / "build" / "bench")
    parser.add_argument(
        "--tolerance", type=float, default=0.01, help="largest |CS ATT - planted| (a share)"
    )
    parser.add_argument(
        "--report-only", type=Path, metavar="DIR", help="only check the recovery of a report"
    )
    args = parser.parse_args(argv)
    if args.report_only:
        return 0 if recovery(args.report_only, args.tolerance)["ok"] else 1
    status = 0
    for persons in args.persons:
        status |= run(persons, args.workdir, args.tolerance)
    if args.bias_persons:
        status |= run_bias(args.bias_persons, args.workdir, args.tolerance)
    return status


if __name__ == "__main__":
    sys.exit(main())
