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

Another study (``rtwpanel generate --study NAME``, ``generate_delivery(...,
study=NAME)``) is generated from its study file: its persons, arms, cluster
codes, allocation schedule and inclusion window from the file, and its
calibration (targets, planted effect, path dynamics) from the file's
``synthetic:`` section, read by ``calibration``:

- ``participation``: the cohort and the monthly paths of a trial whose outcome is
  work participation (employed in a month that is not sick leave at grade 100 on
  every day), with the planted effect overall and larger in the subgroup out of
  work long before randomisation (months_out_of_work, of the 24 months before).
  The truth gains ``sick_leave_full_days`` and ``work_participation``, and
  ``truth/effects.json`` a ``planted_rct`` section: the planted effect and, from
  the truth panel, the realised shares by arm at 12 and 18 months after
  randomisation (overall) and at 12 months (subgroup). The IPS parameters of
  ``params`` do not apply there and are not written.

Without ``--seed``, the seed is the first day of the study's inclusion as
YYYYMMDD: 20131001 for ips, 20120101 for jobbmestring (a rule that does not look
at any result, ``params.SEED_NOTE``).

The demo delivery in ``data/demo`` is ``rtwpanel generate --out data/demo``; the
jobbmestring delivery in ``data/demo-jobbmestring`` (about 2.8 MB) is
``rtwpanel generate --out data/demo-jobbmestring --study jobbmestring --gzip``.
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
