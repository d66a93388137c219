"""The integrity of a delivery's compressed files, verified before anything is built.

DuckDB's reader does not check a gzip member's CRC: a flipped bit decompresses
into other digits and is loaded as data. Python's gzip module checks the CRC
and the length of every member at its end, so reading each file through once
proves it is what was compressed. The error named is the decompressor's, which
never holds the file's content.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

CHUNK_BYTES = 1 << 20


def corrupt_gzip_files(raw_dir: Path) -> list[str]:
    """One message per gzip file in the delivery folder that does not decompress whole."""
    problems = []
    for path in sorted(raw_dir.glob("*.gz")):
        if not path.is_file():
            continue
        try:
            with gzip.open(path, "rb") as stream:
                while stream.read(CHUNK_BYTES):
                    pass
        except (OSError, EOFError, zlib.error) as exc:
            problems.append(
                f"{path.name}: corrupt gzip file, it does not decompress whole ({_reason(exc)});"
                " deliver it again"
            )
    return problems


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "truncated"
    text = str(exc).strip() or type(exc).__name__
    # the decompressor's words, kept short; they hold no data of the file
    return text.splitlines()[0][:120]


def refusal(raw_dir: Path, problems: list[str]) -> str:
    """The message a refused delivery gets, as the structural checks word it."""
    count = f"{len(problems)} structural error(s)"
    return f"Delivery '{raw_dir}' refused, nothing was built ({count}):\n  - " + "\n  - ".join(
        problems
    )
