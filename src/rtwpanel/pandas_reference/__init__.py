"""An independent pandas implementation of the panel rules (`marts.fct_person_month`).

Written from the specification alone, as an analyst would in pandas: the baseline of the
benchmark and a cross-check of the warehouse. It imports nothing else of rtwpanel.

    python -m rtwpanel.pandas_reference RAW_DIR [--out panel.parquet]
"""

from rtwpanel.pandas_reference.panel import PANEL_COLUMNS, build_panel

__all__ = ["PANEL_COLUMNS", "build_panel"]
