"""The report's Monte Carlo section, rendered from the last run of benchmarks/monte_carlo.py.

The script writes its results next to this module (monte_carlo.json); the
report shows them as they were computed, with their Monte Carlo standard
errors, and says so when there are none.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS_JSON = Path(__file__).with_name("monte_carlo.json")


def results_table(results: dict) -> str:
    """The Monte Carlo table in Markdown, with each rate's Monte Carlo SE in brackets."""
    lines = [
        f"{results['replications']} replications per scenario (seeds from "
        f"{results['seed']}), {results['permutations']} permutations per RI p-value, "
        f"{results['seconds']:.0f} s; centre effects sd {results['centres']['work_sd']}, "
        f"centre-by-month shocks sd {results['centres']['work_month_sd']}; planted work "
        f"effect as realised in the samples: {results['mean_true_effect']:.4f} on average. "
        "In brackets: Monte Carlo SE.",
        "",
        "| method | rejection at 5 %, no effect | coverage of 95 % interval, planted effect |",
        "|---|---:|---:|",
    ]
    for row in results["rows"]:
        lines.append(
            f"| {row['method']} | {row['rejection']:.3f} ({row['rejection_mc_se']:.3f}) "
            f"| {row['coverage']:.3f} ({row['coverage_mc_se']:.3f}) |"
        )
    return "\n".join(lines) + "\n"


def monte_carlo_markdown(path: Path = RESULTS_JSON) -> str:
    intro = (
        "**Monte Carlo (benchmarks/monte_carlo.py on the register generator).** Each "
        "replication is a trial the generator writes (410 persons, six centres, the "
        "allocation schedule, centre effects and centre-by-month shocks), at its true "
        "monthly work status; the Table 8 model on its months after randomisation."
    )
    if not path.exists():
        return intro + " No results yet: run the script.\n"
    return intro + "\n\n" + results_table(json.loads(path.read_text()))
