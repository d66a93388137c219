"""The synthetic register delivery: a complete delivery and its truth from a seed.

``generate_delivery(out_dir, persons=None, seed=DEFAULT_SEED, mode='trial',
defect_rates=None)`` writes every file of the delivery contract, plus
``truth/person_month.csv.gz``, ``truth/effects.json`` and ``truth/defects.csv``.
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
