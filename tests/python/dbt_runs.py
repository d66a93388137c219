"""Plain dbt and the installed rtwpanel command in a child process, for the tests.

The fixtures of conftest.py and the tests that build a delivery of their own
run dbt through `plain_dbt`; `TINY_DIR` is the hand-made delivery.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rtwpanel.paths import PROJECT_DIR

TINY_DIR = PROJECT_DIR / "tests" / "fixtures" / "deliveries" / "tiny"
# The staging models and what they rest on, with their own data tests.
STAGING_NODES = [
    "path:seeds",
    "path:models/staging",
    "dq_quarantine",
    "dq_source_rows",
    "path:tests/dbt/staging",
]


def plain_dbt(
    args: list[str], raw_dir: Path, workdir: Path, variables: dict[str, object] | None = None
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` from the project root on `raw_dir`, into `workdir`: its warehouse
    file (rtw.duckdb), target and logs; stdout and stderr captured. The variables go
    as JSON, which YAML reads too: a folder may be called o'brien."""
    env = dict(os.environ)
    env.update(
        {
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "RTW_DUCKDB_PATH": str(workdir / "rtw.duckdb"),
            "DBT_TARGET_PATH": str(workdir / "target"),
            "DBT_LOG_PATH": str(workdir / "logs"),
            "RTW_THREADS": "2",
        }
    )
    dbt = Path(sys.executable).parent / "dbt"
    return subprocess.run(
        [str(dbt), *args, "--vars", json.dumps({"raw_dir": str(raw_dir), **(variables or {})})],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def rtwpanel(*args: str, warehouse: Path, timeout: int = 1200) -> subprocess.CompletedProcess[str]:
    """The installed `rtwpanel` command as a user types it, from the project root, with
    its published warehouse at `warehouse` (RTW_DUCKDB_PATH); output captured."""
    env = {**os.environ, "RTW_DUCKDB_PATH": str(warehouse)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "rtwpanel"), *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
