"""A Spark standalone cluster on 127.0.0.1: a master, two workers and the Thrift server.

    python scripts/spark_cluster.py up     [--dir build/spark-cluster] [--thrift-port 10000]
    python scripts/spark_cluster.py down   [--dir build/spark-cluster]
    python scripts/spark_cluster.py status [--dir build/spark-cluster]

Everything runs from the pinned pyspark (its jars hold the standalone master and
worker and the Hive Thrift server) on Java 17, sized for a 2-core machine: each worker
offers one core and 2 GB, and the Thrift server's application takes one executor of
each. Under --dir: logs/ (one log per process), pids/ (pid and start time of each
process started here), work/ (the workers' folders), tables/ (the Spark warehouse,
Parquet) and metastore_db/ (the Thrift server's embedded Derby metastore).
`down` stops exactly the processes whose pid files `up` wrote, and the executors the
workers started for them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

PROJECT_DIR = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
APP_NAME = "rtwpanel-thrift"
THRIFT_SERVER = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"
STOP_SECONDS = 30


@dataclass
class Sizing:
    workers: int
    worker_cores: int
    worker_memory: str
    executor_memory: str
    driver_memory: str
    daemon_memory: str
    shuffle_partitions: int


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, port)) == 0


# --- pid files ---------------------------------------------------------------------------


def pid_path(cluster_dir: Path, name: str) -> Path:
    return cluster_dir / "pids" / f"{name}.pid"


def write_pid(cluster_dir: Path, name: str, pid: int) -> None:
    # the start time too: a pid the system has since reused for another process is left alone
    started = psutil.Process(pid).create_time()
    pid_path(cluster_dir, name).write_text(f"{pid} {started}\n")


def started_process(path: Path) -> psutil.Process | None:
    """The process a pid file names, if it is still the one that was started."""
    pid, started = path.read_text().split()
    try:
        process = psutil.Process(int(pid))
        if abs(process.create_time() - float(started)) < 0.01 and process.is_running():
            return process
    except psutil.Error:
        pass
    return None


def started_names(cluster_dir: Path) -> list[str]:
    """Names of the pid files, in the order their processes were started."""
    order = cluster_dir / "pids" / "order"
    return order.read_text().split() if order.exists() else []


# --- starting ----------------------------------------------------------------------------


def environment(cluster_dir: Path, sizing: Sizing) -> dict[str, str]:
    env = dict(os.environ)
    conf_dir = cluster_dir / "conf"
    conf_dir.mkdir(exist_ok=True)
    env.update(
        {
            "SPARK_HOME": str(spark_home()),
            # every server socket of every Spark process (web UIs, block managers) binds here
            "SPARK_LOCAL_IP": HOST,
            "SPARK_LOCAL_DIRS": str(cluster_dir / "work" / "local"),
            # an empty configuration folder: nothing from the machine's own Spark set-up
            "SPARK_CONF_DIR": str(conf_dir),
            "SPARK_DAEMON_MEMORY": sizing.daemon_memory,
            "PYSPARK_PYTHON": sys.executable,
        }
    )
    return env


def launch(cluster_dir: Path, name: str, command: list[str], env: dict[str, str]) -> None:
    log = open(cluster_dir / "logs" / f"{name}.log", "w")  # noqa: SIM115 - the child keeps it
    # spark-class and spark-submit exec the JVM, so this pid is the JVM's
    process = subprocess.Popen(
        command,
        cwd=cluster_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    write_pid(cluster_dir, name, process.pid)
    with open(cluster_dir / "pids" / "order", "a") as order:
        order.write(name + "\n")


def thrift_command(master_url: str, cluster_dir: Path, port: int, sizing: Sizing) -> list[str]:
    conf = {
        "spark.driver.host": HOST,
        "spark.driver.bindAddress": HOST,
        "spark.ui.enabled": "false",
        "spark.executor.cores": str(sizing.worker_cores),
        "spark.cores.max": str(sizing.workers * sizing.worker_cores),
        "spark.executor.memory": sizing.executor_memory,
        "spark.sql.shuffle.partitions": str(sizing.shuffle_partitions),
        "spark.sql.warehouse.dir": str(cluster_dir / "tables"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={cluster_dir / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={cluster_dir}",
        # the session settings of the local `spark` output, here the cluster's own
        "spark.sql.legacy.createHiveTableByDefault": "false",
        "spark.sql.session.timeZone": "UTC",
    }
    command = [
        str(spark_home() / "bin" / "spark-submit"),
        "--master",
        master_url,
        "--name",
        APP_NAME,
        "--class",
        THRIFT_SERVER,
    ]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    return [
        *command,
        "spark-internal",
        "--hiveconf",
        f"hive.server2.thrift.bind.host={HOST}",
        "--hiveconf",
        f"hive.server2.thrift.port={port}",
    ]


def master_state(webui_port: int) -> dict:
    with urllib.request.urlopen(f"http://{HOST}:{webui_port}/json/", timeout=5) as response:
        return json.load(response)


def not_ready(state: dict | None, sizing: Sizing, thrift_port: int) -> str:
    """What the cluster still waits for, or '' once it is ready."""
    if state is None:
        return "the master's web UI"
    alive = [w for w in state.get("workers", []) if w.get("state") == "ALIVE"]
    if len(alive) < sizing.workers:
        return f"{sizing.workers} workers registered with the master ({len(alive)} so far)"
    apps = [a for a in state.get("activeapps", []) if a.get("name") == APP_NAME]
    cores = sum(a.get("cores", 0) for a in apps)
    if cores < sizing.workers * sizing.worker_cores:
        return f"the Thrift server's executors ({cores} cores granted so far)"
    if not port_open(thrift_port):
        return f"the Thrift server listening on {HOST}:{thrift_port}"
    return ""


def wait_until_ready(cluster_dir: Path, info: dict, sizing: Sizing, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    waiting = "the master"
    while time.monotonic() < deadline:
        for name in started_names(cluster_dir):
            if started_process(pid_path(cluster_dir, name)) is None:
                log = cluster_dir / "logs" / f"{name}.log"
                raise SystemExit(f"spark-cluster: {name} exited while starting; see {log}")
        state = None
        with contextlib.suppress(OSError, ValueError):
            state = master_state(info["master_webui_port"])
        waiting = not_ready(state, sizing, info["thrift_port"])
        if not waiting:
            return
        time.sleep(2)
    raise SystemExit(
        f"spark-cluster: not ready after {timeout:.0f} s, still waiting for {waiting}; "
        f"logs in {cluster_dir / 'logs'}"
    )


def up(cluster_dir: Path, thrift_port: int, sizing: Sizing, timeout: float) -> None:
    running = [n for n in started_names(cluster_dir) if started_process(pid_path(cluster_dir, n))]
    if running:
        raise SystemExit(
            f"spark-cluster: already running in {cluster_dir} ({', '.join(running)}); "
            "stop it first (make spark-cluster-down)"
        )
    if port_open(thrift_port):
        raise SystemExit(f"spark-cluster: port {thrift_port} on {HOST} is taken; pick another")
    for folder in ("logs", "pids", "work"):
        (cluster_dir / folder).mkdir(parents=True, exist_ok=True)
    (cluster_dir / "pids" / "order").unlink(missing_ok=True)
    env = environment(cluster_dir, sizing)
    spark_class = str(spark_home() / "bin" / "spark-class")
    info = {
        "master_port": free_port(),
        "master_webui_port": free_port(),
        "thrift_port": thrift_port,
    }
    info["master_url"] = f"spark://{HOST}:{info['master_port']}"
    (cluster_dir / "cluster.json").write_text(json.dumps(info, indent=2) + "\n")
    try:
        launch(
            cluster_dir,
            "master",
            [
                spark_class,
                "org.apache.spark.deploy.master.Master",
                "--host",
                HOST,
                "--port",
                str(info["master_port"]),
                "--webui-port",
                str(info["master_webui_port"]),
            ],
            env,
        )
        for k in range(1, sizing.workers + 1):
            launch(
                cluster_dir,
                f"worker-{k}",
                [
                    spark_class,
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    HOST,
                    "--cores",
                    str(sizing.worker_cores),
                    "--memory",
                    sizing.worker_memory,
                    "--work-dir",
                    str(cluster_dir / "work" / f"worker-{k}"),
                    "--webui-port",
                    str(free_port()),
                    info["master_url"],
                ],
                env,
            )
        launch(
            cluster_dir,
            "thriftserver",
            thrift_command(info["master_url"], cluster_dir, thrift_port, sizing),
            # spark-submit sizes the Thrift server's heap by SPARK_DAEMON_MEMORY, not its options
            {**env, "SPARK_DAEMON_MEMORY": sizing.driver_memory},
        )
        wait_until_ready(cluster_dir, info, sizing, timeout)
    except BaseException:
        down(cluster_dir)
        raise
    print(
        f"spark-cluster: up in {cluster_dir}: master {info['master_url']}, "
        f"{sizing.workers} workers, Thrift server on {HOST}:{thrift_port}"
    )


# --- stopping ----------------------------------------------------------------------------


def stop(process: psutil.Process) -> None:
    with contextlib.suppress(psutil.Error):
        process.terminate()
    _, alive = psutil.wait_procs([process], timeout=STOP_SECONDS)
    for left in alive:
        with contextlib.suppress(psutil.Error):
            left.kill()
    psutil.wait_procs(alive, timeout=5)


def down(cluster_dir: Path) -> None:
    """Stop the processes `up` started, last first: the Thrift server, workers, master."""
    stopped = []
    for name in reversed(started_names(cluster_dir)):
        path = pid_path(cluster_dir, name)
        process = started_process(path)
        if process is not None:
            # a worker's executors are its children; a worker normally stops them itself
            children: list[psutil.Process] = []
            with contextlib.suppress(psutil.Error):
                children = process.children(recursive=True)
            stop(process)
            for child in children:
                if child.is_running():
                    stop(child)
            stopped.append(f"{name} (pid {process.pid})")
        path.unlink(missing_ok=True)
    (cluster_dir / "pids" / "order").unlink(missing_ok=True)
    print(f"spark-cluster: stopped {', '.join(stopped) if stopped else 'nothing (none running)'}")


def status(cluster_dir: Path) -> int:
    names = started_names(cluster_dir)
    running = 0
    for name in names:
        process = started_process(pid_path(cluster_dir, name))
        running += process is not None
        print(f"{name}: {f'running, pid {process.pid}' if process else 'not running'}")
    if not names:
        print(f"spark-cluster: nothing started in {cluster_dir}")
    return 0 if names and running == len(names) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("--dir", type=Path, default=PROJECT_DIR / "build" / "spark-cluster")
    parser.add_argument(
        "--thrift-port", type=int, default=int(os.environ.get("RTW_SPARK_THRIFT_PORT", "10000"))
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for up")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-cores", type=int, default=1)
    parser.add_argument("--worker-memory", default="2g")
    parser.add_argument("--executor-memory", default="1536m", help="within --worker-memory")
    parser.add_argument("--driver-memory", default="2g", help="the Thrift server's heap")
    parser.add_argument("--daemon-memory", default="512m", help="heap of master and workers")
    parser.add_argument("--shuffle-partitions", type=int, default=4)
    args = parser.parse_args(argv)
    cluster_dir = args.dir.resolve()
    sizing = Sizing(
        args.workers,
        args.worker_cores,
        args.worker_memory,
        args.executor_memory,
        args.driver_memory,
        args.daemon_memory,
        args.shuffle_partitions,
    )
    if args.action == "up":
        up(cluster_dir, args.thrift_port, sizing, args.timeout)
    elif args.action == "down":
        if cluster_dir.is_dir():
            down(cluster_dir)
    else:
        return status(cluster_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
