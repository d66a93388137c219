"""The synthetic register delivery: a complete delivery and its truth from a seed.

``generate_delivery(out_dir, persons=None, seed=DEFAULT_SEED, mode='trial',
defect_rates=None)`` (command line: ``rtwpanel generate``) writes every file of
the delivery contract plus ``truth/person_month.csv.gz`` (the true statuses),
``truth/effects.json`` (every parameter) and ``truth/defects.csv`` (every planted
defect, with the physical line of each defect row).

How it works, module by module:

- ``cohort``: the participants; trial mode has the reference trial's centres,
  dates, 2:1 then 1:1 randomisation (229 IPS / 181 TAU) and two early deaths.
- ``status_paths``: monthly status paths, one Markov chain per status, steered
  so the expected shares follow target curves by month since randomisation
  (``params.Dynamics``) with the planted IPS effects (``params.Effects``).
- ``employment``, ``benefits``, ``sick_leave``, ``registers``: each register's
  rows written from the paths the way that register holds them.
- ``defects``: row-level defects as extra rows (corrupted or exact copies of
  sound rows, never the sound rows themselves), so the panel rules applied to
  the sound rows give the truth; entity-level defects (missing end dates,
  registrations after the end, changed start dates, certificate chains that
  disagree with the register) are written into the rows the faulty way. The
  sound rows do not depend on the defect rates.
- ``generate``, ``writer``, ``truth``, ``fmt``: chunks of persons built in worker
  processes (population mode) and appended in person order; text formatted
  with pyarrow, without a Python loop per row.

The demo delivery in ``data/demo`` is ``rtwpanel generate --out data/demo``.
"""

from rtwpanel.synthetic.generate import Summary, generate_delivery
from rtwpanel.synthetic.params import (
    DEFAULT_DEFECT_RATES,
    DEFAULT_SEED,
    DEFECT_KINDS,
    parse_defects,
)

__all__ = [
    "DEFAULT_DEFECT_RATES",
    "DEFAULT_SEED",
    "DEFECT_KINDS",
    "Summary",
    "generate_delivery",
    "parse_defects",
]
