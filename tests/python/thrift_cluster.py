"""A Spark cluster for one test module, started and stopped by scripts/spark_cluster.py.

`running_cluster(folder)` brings up the master, two workers and the Thrift server in
`folder` on a free port, points the `spark_thrift` target at it (RTW_SPARK_THRIFT_PORT)
and, on the way out, also when a test failed, stops it and checks that every process
it started, the executors included, is gone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from rtwpanel.paths import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "spark_cluster.py"


@dataclass
class Cluster:
    folder: Path
    thrift_port: int

    @property
    def spark_dir(self) -> Path:
        """Where the tables are: spark_dir / 'tables' / '<schema>.db', as for the session."""
        return self.folder

    def worker_logs(self) -> dict[str, list[Path]]:
        """The executors' logs, by worker: one app folder per application it served."""
        return {
            worker.name: sorted(worker.glob("app-*/*/stderr"))
            for worker in sorted((self.folder / "work").glob("worker-*"))
        }

    def processes(self) -> list[psutil.Process]:
        """Every running process of the cluster: the daemons and their children."""
        found = []
        for pid_file in sorted((self.folder / "pids").glob("*.pid")):
            pid, started = pid_file.read_text().split()
            try:
                process = psutil.Process(int(pid))
                if abs(process.create_time() - float(started)) < 0.01:
                    found += [process, *process.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        return found


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cluster_command(action: str, folder: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), action, "--dir", str(folder), *options],
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def running_cluster(folder: Path) -> Iterator[Cluster]:
    cluster = Cluster(folder, free_port())
    started = cluster_command("up", folder, "--thrift-port", str(cluster.thrift_port))
    assert started.returncode == 0, started.stdout + started.stderr
    saved = os.environ.get("RTW_SPARK_THRIFT_PORT")
    os.environ["RTW_SPARK_THRIFT_PORT"] = str(cluster.thrift_port)
    processes = cluster.processes()
    try:
        yield cluster
    finally:
        if saved is None:
            os.environ.pop("RTW_SPARK_THRIFT_PORT", None)
        else:
            os.environ["RTW_SPARK_THRIFT_PORT"] = saved
        processes += cluster.processes()
        stopped = cluster_command("down", folder)
        left = [process.pid for process in processes if alive(process)]
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        assert not left, f"still running after spark_cluster.py down: pids {left}"
