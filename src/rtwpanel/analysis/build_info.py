"""What built a warehouse: dbt's run_results.json left beside the file, if any.

`rtwpanel build` runs dbt with its target folder beside the database file
(`.<stem>.target`, or `..<stem>.building-<stamp>.target` for a build that was
published by renaming). The newest of those that is not newer than the
database tells the delivery, the dbt variables and the build time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BuildInfo:
    generated_at: str = ""
    seconds: float | None = None
    dbt_vars: dict[str, object] = field(default_factory=dict)

    @property
    def raw_dir(self) -> Path | None:
        value = self.dbt_vars.get("raw_dir")
        return Path(str(value)) if value else None


def find_build_info(database: Path) -> BuildInfo | None:
    database = Path(database)
    folder = database.parent
    candidates = [folder / f".{database.stem}.target" / "run_results.json"]
    candidates += folder.glob(f"..{database.stem}.building-*.target/run_results.json")
    existing = [path for path in candidates if path.exists()]
    if not existing or not database.exists():
        return None
    limit = database.stat().st_mtime + 5  # the build finishes a moment before publishing
    usable = [path for path in existing if path.stat().st_mtime <= limit] or existing
    newest = max(usable, key=lambda path: path.stat().st_mtime)
    try:
        document = json.loads(newest.read_text())
    except (OSError, ValueError):
        return None
    variables = (document.get("args") or {}).get("vars") or {}
    if isinstance(variables, str):
        try:
            variables = json.loads(variables)
        except ValueError:
            variables = {}
    elapsed = document.get("elapsed_time")
    return BuildInfo(
        generated_at=str((document.get("metadata") or {}).get("generated_at", "")),
        seconds=float(elapsed) if isinstance(elapsed, int | float) else None,
        dbt_vars=dict(variables) if isinstance(variables, dict) else {},
    )
