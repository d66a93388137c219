"""Progress for long commands: a bar while dbt works, one screen at the end."""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm

from rtwpanel.dbt_invocation import PROGRESS_LINE, DbtResult


class DbtProgress:
    """Drive a progress bar from dbt's `N of M STATUS` lines; echo warnings and errors."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.bar: tqdm | None = None

    def __enter__(self) -> DbtProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.close()

    def line(self, text: str) -> None:
        match = PROGRESS_LINE.search(text)
        if not match:
            return
        total, status = int(match[2]), match[3]
        if self.bar is None:
            # disable=None: no bar when stderr is not a terminal (CI logs stay short).
            self.bar = tqdm(
                total=total, desc=self.description, unit="node", file=sys.stderr, disable=None
            )
        if total > (self.bar.total or 0):
            self.bar.total = total  # on-run-start hooks count their own "1 of 1"
        self.bar.update(1)
        if status in {"WARN", "ERROR", "FAIL"}:
            self.bar.write(text.split("]", 1)[-1].strip() if "]" in text else text.strip())

    def summary(self, result: DbtResult) -> None:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(result.statuses.items()))
        print(f"{self.description}: {counts or 'nothing to do'} in {result.seconds:.1f} s")
        for warning in result.warnings:
            print(f"  warn: {warning}")
