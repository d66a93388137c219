"""Benchmark: generate a population-mode delivery and report speed and peak memory.

    python benchmarks/bench_generate.py [--persons 1000000] [--workers N] [--keep DIR]

Peak memory is the largest sum of resident memory over this process and its
worker processes, sampled every 50 ms with psutil (the peak of any single
process, from getrusage, is printed too).
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

from rtwpanel.synthetic import generate_delivery


class PeakMemory:
    """Samples the resident memory of this process tree in a background thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep it")
    args = parser.parse_args()
    out = args.keep or Path(tempfile.mkdtemp(prefix="rtw-bench-"))
    try:
        cpu_start = time.process_time()
        with PeakMemory() as memory:
            started = time.perf_counter()
            summary = generate_delivery(
                out, persons=args.persons, mode="population", workers=args.workers
            )
            seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        cpu = time.process_time() - cpu_start + children.ru_utime + children.ru_stime
        print(summary.line())
        print(
            f"persons/second: {args.persons / seconds:,.0f}  "
            f"wall: {seconds:.1f} s  cpu (all processes): {cpu:.1f} s  "
            f"output: {size / 1e9:.2f} GB"
        )
        print(
            f"peak memory: {memory.peak / 2**30:.2f} GiB (sum over processes); "
            f"largest single process {max(own.ru_maxrss, children.ru_maxrss) / 2**20:.2f} GiB"
        )
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
