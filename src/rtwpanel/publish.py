"""Where a build writes, and how a finished build becomes the published warehouse.

Readers open the published file (``warehouse/rtw.duckdb``) read-only. No dbt
command writes into it: a build writes into a file of its own under
``warehouse/.building/``, with the published file's name so that DuckDB's
catalog name stays the same, and only a build whose critical tests and gates
passed is renamed onto the published file (one atomic step on one file
system). A build that failed is kept under ``warehouse/rejected/`` for
inspection (the last few); the published warehouse stays as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

from rtwpanel.errors import RtwError

KEEP_REJECTED = 3


def building_dir(published: Path) -> Path:
    return published.parent / ".building"


def rejected_dir(published: Path) -> Path:
    return published.parent / "rejected"


def new_build_path(published: Path, copy_published: bool = False) -> Path:
    """A fresh file for one build: `.building/<stamp>-<pid>/<published name>`.

    With `copy_published`, the build starts from a copy of the published
    warehouse (a partial build, e.g. `dbt build --select`, adds to it).
    """
    stamp = time.strftime("%Y%m%dT%H%M%S")
    folder = building_dir(published) / f"{stamp}-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=False)
    path = folder / published.name
    if copy_published and published.exists():
        shutil.copyfile(published, path)
    return path


def remove_abandoned_builds(published: Path) -> None:
    """Delete the folders of builds whose process is gone (killed mid-way)."""
    root = building_dir(published)
    if not root.is_dir():
        return
    for folder in root.iterdir():
        match = re.fullmatch(r"\d{8}T\d{6}-(\d+)", folder.name)
        if match and not process_alive(int(match[1])):
            shutil.rmtree(folder, ignore_errors=True)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def publish(built: Path, published: Path) -> None:
    """Move a finished warehouse file into place, atomically."""
    wal = built.with_name(built.name + ".wal")
    if wal.exists():
        raise RtwError(f"{built} still has a write-ahead log; the build did not close cleanly")
    os.replace(built, published)
    discard(built)


def keep_rejected(built: Path, published: Path) -> Path:
    """Keep a failed build as `rejected/<stamp>.duckdb` (the last few), for inspection."""
    folder = rejected_dir(published)
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / f"{built.parent.name}.duckdb"
    os.replace(built, kept)
    discard(built)
    for old in sorted(folder.glob("*.duckdb"))[:-KEEP_REJECTED]:
        old.unlink(missing_ok=True)
    return kept


def discard(built: Path) -> None:
    """Remove what is left of a build's own folder (its file, WAL, spill directory)."""
    shutil.rmtree(built.parent, ignore_errors=True)


class BuildLock:
    """One build at a time per warehouse: a lock file holding the builder's pid.

    The lock is an flock on `.build.lock` beside the warehouse, so it is
    released by the operating system whenever the holder exits, however it
    exits: a lock is never stale. A second build refuses at once, naming the
    holder.
    """

    def __init__(self, published: Path) -> None:
        self.path = published.parent / ".build.lock"
        self.handle = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise RtwError(
                f"another build of {self.path.parent} is running ({holder}); "
                "wait for it to finish, then build again"
            ) from None
        handle.seek(0)
        handle.truncate()
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:2]])
        handle.write(f"pid {os.getpid()}, {command}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
