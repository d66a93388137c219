"""`make bench`: the warehouse at population scale against pandas and a write floor.

For each N persons: generate a population delivery, then time, each in its own child
process so that peak memory is the phase's own,
  (a) the full `dbt build` into a fresh DuckDB file,
  (b) the pandas reference implementation on the same delivery (written to Parquet),
  (c) the read floor: every file of the delivery read once by DuckDB's parallel CSV
      reader (an explicit schema of text columns, rejects set aside), every field touched,
  (d) the floor: DuckDB writing a table of the panel's rows, columns and types from
      `range()` with no logic.
Prints persons, source rows, panel rows, seconds and peak memory of each phase, and the
ratios pandas/dbt, dbt/floor and dbt/(read + floor); the dbt models that took longest;
and writes the figures as JSON beside the deliveries. With --spark-cluster, also
  (e) `dbt build --target spark_thrift` on a Spark standalone cluster started on this
      machine for the phase (scripts/spark_cluster.py: two one-core workers and the
      Thrift server), with the peak memory of its JVMs and the ratio to (a).

    python benchmarks/bench.py                       # 100,000 and 1,000,000 persons
    python benchmarks/bench.py --persons 5000000 --skip-pandas --gzip
    python benchmarks/bench.py --persons 100000 --skip-pandas --spark-cluster
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

PROJECT_DIR = Path(__file__).resolve().parents[1]
SPARK_CLUSTER = PROJECT_DIR / "scripts" / "spark_cluster.py"
GB = 1024**3
MEMORY_FLOOR = 0.5 * GB


@dataclass
class Phase:
    """What one measured child process did."""

    name: str
    seconds: float
    peak_bytes: int
    returncode: int
    killed_for_memory: bool = False
    load_before: float = 0.0
    load_after: float = 0.0
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.killed_for_memory


# --- measuring one phase -------------------------------------------------------------


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss
    return total


def run_measured(spec_path: Path) -> int:
    """Child side: run one command, watch its memory, write what happened to JSON.

    Runs in a fresh interpreter, so RUSAGE_CHILDREN covers this phase only.
    """
    spec = json.loads(spec_path.read_text())
    log = open(spec["log"], "w")  # noqa: SIM115 - closed below, after the child exits
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    child = subprocess.Popen(
        spec["command"], cwd=spec["cwd"], env=spec["env"], stdout=log, stderr=subprocess.STDOUT
    )
    watched = psutil.Process(child.pid)
    polled, killed = 0, False
    while child.poll() is None:
        with contextlib.suppress(psutil.Error):
            polled = max(polled, _tree_rss(watched))
        low = psutil.virtual_memory().available < spec.get("memory_floor", 0)
        if polled > spec["memory_limit"] or low:
            # Stop before the machine swaps or the OOM killer picks a neighbour.
            print(f"bench: stopped at {polled / GB:.1f} GB (machine low: {low})", file=log)
            for member in [*watched.children(recursive=True), watched]:
                with contextlib.suppress(psutil.Error):
                    member.kill()
            killed = True
        time.sleep(0.2)
    seconds = time.monotonic() - started
    log.close()
    max_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
    result = {
        "seconds": seconds,
        "peak_bytes": max(max_rss, polled),
        "returncode": child.returncode,
        "killed_for_memory": killed,
        # The 1-minute load average: other work on the machine slows a phase down.
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


def measure(
    name: str,
    command: list[str],
    workdir: Path,
    env: dict[str, str] | None = None,
    memory_limit: float = 22 * GB,
) -> Phase:
    """Run `command` as a measured phase and return its time and peak memory."""
    spec_path = workdir / f"{name}.spec.json"
    result_path = workdir / f"{name}.result.json"
    log_path = workdir / f"{name}.log"
    spec = {
        "command": command,
        "cwd": str(PROJECT_DIR),
        "env": {**os.environ, **(env or {})},
        "log": str(log_path),
        "result": str(result_path),
        "memory_limit": int(memory_limit),
        # Other processes share the machine: stop when less than this is left.
        "memory_floor": int(MEMORY_FLOOR),
    }
    spec_path.write_text(json.dumps(spec))
    print(f"  {name}: {' '.join(command[:4])} ...", flush=True)
    subprocess.run([sys.executable, __file__, "_measured", str(spec_path)], check=True)
    result = json.loads(result_path.read_text())
    phase = Phase(name=name, log=str(log_path), **result)
    state = "ok" if phase.ok else f"FAILED (rc={phase.returncode}, see {log_path})"
    if phase.killed_for_memory:
        state = f"STOPPED: above {memory_limit / GB:.0f} GB or the machine low on memory"
    print(
        f"  {name}: {phase.seconds:.1f} s, peak {phase.peak_bytes / GB:.2f} GB, {state}"
        f" (load {phase.load_before:.1f} -> {phase.load_after:.1f})"
    )
    return phase


def run_study(
    label: str,
    target: str,
    study: str,
    persons: int,
    workdir: Path,
    check: Callable[[Path], dict[str, object]],
    generate_options: list[str] | None = None,
) -> int:
    """A study at population scale through the commands a user types, each phase
    measured (`target`: the make target, in messages): generate its delivery, build
    and publish the warehouse (every test and gate), analyse it with the delivery's
    truth; then `check(report folder)` compares the report with the planted truth.
    Writes result.json in `workdir`; 0 when every phase ran and the check says ok."""
    workdir.mkdir(parents=True, exist_ok=True)
    raw_dir, database, report = workdir / "delivery", workdir / "rtw.duckdb", workdir / "report"
    rtwpanel = str(Path(sys.executable).parent / "rtwpanel")
    env = {
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "target" / "logs"),
        "RTW_DUCKDB_TEMP_DIR": str(workdir / "spill"),
    }
    print(f"\n== {label} {study}, {persons:,} persons ({workdir})", flush=True)
    generate = [rtwpanel, "generate", "--study", study, "--persons", str(persons)]
    generate += ["--out", str(raw_dir), *(generate_options or [])]
    build = [rtwpanel, "build", "--study", study, "--raw-dir", str(raw_dir), "--db", str(database)]
    analyse = [rtwpanel, "analyse", "--db", str(database), "--out", str(report)]
    analyse += ["--raw-dir", str(raw_dir)]
    phases = {}
    for name, command in (("generate", generate), ("build", build), ("analyse", analyse)):
        phases[name] = measure(name, command, workdir, env)
        if not phases[name].ok:
            print(f"{target}: {name} failed; see {phases[name].log}")
            return 1

    checked = check(report)
    summary = {
        "persons": persons,
        "phases": {
            name: {"seconds": round(p.seconds, 1), "peak_gb": round(p.peak_bytes / GB, 2)}
            for name, p in phases.items()
        },
        **checked,
    }
    (workdir / "result.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"  {json.dumps(summary['phases'])}")
    return 0 if checked["ok"] else 1


# --- the floor -------------------------------------------------------------------------


def floor_expression(column: str, duckdb_type: str, position: int) -> str:
    """A value of the column's type computed from the row number `i`: data, no logic."""
    mixed = f"((i * 2654435761 + {position}) % 1000003)"
    kind = duckdb_type.upper()
    if column == "person_id":
        return f"'P' || lpad((i // 76)::varchar, 8, '0') as {column}"
    if kind == "DATE":
        return f"(date '2010-01-01' + (i % 76)::integer * 30) as {column}"
    if kind in {"DOUBLE", "FLOAT", "REAL"} or kind.startswith("DECIMAL"):
        return f"({mixed} % 101)::{kind} as {column}"
    if kind == "BOOLEAN":
        return f"({mixed} % 2 = 0) as {column}"
    if kind == "VARCHAR":
        return f"('v' || ({mixed} % 5)::varchar) as {column}"
    return f"({mixed} % 2)::{kind} as {column}"


def run_floor(database: Path, rows: int, columns: list[tuple[str, str]]) -> int:
    """Child side of the floor: create table as select from range(), in a fresh file."""
    import duckdb

    database.unlink(missing_ok=True)
    select = ",\n  ".join(floor_expression(c, t, k) for k, (c, t) in enumerate(columns))
    connection = duckdb.connect(str(database))
    connection.execute(f"set threads = {os.environ.get('RTW_DUCKDB_THREADS', '2')}")
    connection.execute(f"set memory_limit = '{os.environ.get('RTW_DUCKDB_MEMORY_LIMIT', '11GB')}'")
    connection.execute(f"create table panel as select\n  {select}\nfrom range({rows}) t(i)")
    connection.execute("checkpoint")
    connection.close()
    return 0


def raw_header(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return handle.readline().rstrip("\r\n").split(";")


def delivery_files(raw_dir: Path) -> list[Path]:
    """The delivery's files (not its truth folder)."""
    return sorted([*raw_dir.glob("*.csv"), *raw_dir.glob("*.csv.gz")])


def run_read_floor(raw_dir: Path) -> int:
    """Child side of the read floor: every file of the delivery read once by DuckDB's
    parallel CSV reader with an explicit schema of text columns, every field touched
    (the sum of their lengths), rows it cannot read set aside in its rejects table."""
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"set threads = {os.environ.get('RTW_DUCKDB_THREADS', '2')}")
    connection.execute(f"set memory_limit = '{os.environ.get('RTW_DUCKDB_MEMORY_LIMIT', '11GB')}'")
    for path in delivery_files(raw_dir):
        names = raw_header(path)
        schema = ", ".join("'" + n.replace("'", "''") + "': 'VARCHAR'" for n in names)
        lengths = " + ".join(f'coalesce(length("{n}"), 0)' for n in names)
        literal = "'" + str(path).replace("'", "''") + "'"
        connection.execute(
            f"select count(*), sum({lengths}) from read_csv({literal}, delim = ';', "
            f"header = true, columns = {{{schema}}}, auto_detect = false, quote = '\"', "
            "escape = '\"', store_rejects = true)"
        ).fetchall()
    connection.close()
    return 0


# --- the Spark cluster phase -------------------------------------------------------------


@dataclass
class JvmMemory:
    """Peak resident memory of a cluster's JVMs, sampled together every half second."""

    cluster_dir: Path
    peak_total: int = 0
    peaks: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        total = 0
        for pid_file in sorted((self.cluster_dir / "pids").glob("*.pid")):
            role = pid_file.stem.split("-")[0]  # master, worker, thriftserver
            with contextlib.suppress(psutil.Error, ValueError):
                daemon = psutil.Process(int(pid_file.read_text().split()[0]))
                rss = daemon.memory_info().rss
                total += rss
                self.peaks[role] = max(self.peaks[role], rss)
                for executor in daemon.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        rss = executor.memory_info().rss
                        total += rss
                        self.peaks["executor"] = max(self.peaks["executor"], rss)
        self.peak_total = max(self.peak_total, total)

    def watch(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    @contextlib.contextmanager
    def watching(self):
        thread = threading.Thread(target=self.watch, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spark_cluster_phase(
    workdir: Path, dbt_vars: str, dbt_env: dict[str, str], shuffle_partitions: int
) -> tuple[Phase, JvmMemory]:
    """Start a fresh cluster, build on it through the Thrift server, stop it (always)."""
    cluster_dir = workdir / "spark-cluster"
    subprocess.run([sys.executable, str(SPARK_CLUSTER), "down", "--dir", str(cluster_dir)])
    shutil.rmtree(cluster_dir, ignore_errors=True)
    port = free_port()
    up = [sys.executable, str(SPARK_CLUSTER), "up", "--dir", str(cluster_dir)]
    up += ["--thrift-port", str(port), "--shuffle-partitions", str(shuffle_partitions)]
    subprocess.run(up, check=True)
    memory = JvmMemory(cluster_dir)
    dbt = str(Path(sys.executable).parent / "dbt")
    env = {**dbt_env, "RTW_SPARK_THRIFT_PORT": str(port)}
    env["DBT_TARGET_PATH"] = str(workdir / "spark-target")
    env["DBT_LOG_PATH"] = str(workdir / "spark-target" / "logs")
    try:
        with memory.watching():
            command = [dbt, "build", "--target", "spark_thrift", "--vars", dbt_vars]
            phase = measure("spark", command, workdir, env)
    finally:
        subprocess.run([sys.executable, str(SPARK_CLUSTER), "down", "--dir", str(cluster_dir)])
    print(
        f"  spark: JVMs peak {memory.peak_total / GB:.2f} GB together; "
        + ", ".join(f"{role} {peak / GB:.2f}" for role, peak in sorted(memory.peaks.items()))
    )
    return phase, memory


def time_by_kind(target_dir: Path) -> dict[str, dict[str, float]]:
    """Seconds, node count and median node seconds per kind of node (model, test, ...)."""
    path = target_dir / "run_results.json"
    if not path.exists():
        return {}
    times: dict[str, list[float]] = defaultdict(list)
    for node in json.loads(path.read_text()).get("results", []):
        times[node["unique_id"].split(".")[0]].append(float(node.get("execution_time") or 0.0))
    return {
        kind: {"seconds": sum(t), "nodes": len(t), "median": sorted(t)[len(t) // 2]}
        for kind, t in sorted(times.items())
    }


# --- one benchmark round ---------------------------------------------------------------


def count_lines(path: Path) -> int:
    """Physical lines of a .csv or .csv.gz file, read in blocks (zlib and bytes.count
    run in C, outside the GIL: files are counted side by side)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    lines, last = 0, b"\n"
    with opener(path, "rb") as handle:
        while block := handle.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def count_source_rows(raw_dir: Path) -> int:
    """Data rows (header excluded) in every raw file of the delivery."""
    files = sorted(path for path in raw_dir.iterdir() if path.name.endswith((".csv", ".csv.gz")))
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return sum(lines - 1 for lines in pool.map(count_lines, files))


def panel_shape(database: Path) -> tuple[int, list[tuple[str, str]]]:
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        tables = connection.execute(
            "select count(*) from information_schema.tables"
            " where table_schema = 'marts' and table_name = 'fct_person_month'"
        ).fetchone()[0]
        if not tables:
            return 0, []
        rows = connection.execute("select count(*) from marts.fct_person_month").fetchone()[0]
        columns = connection.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'marts' and table_name = 'fct_person_month'"
            " order by ordinal_position"
        ).fetchall()
    finally:
        connection.close()
    return int(rows), [(str(c), str(t)) for c, t in columns]


def slowest_models(target_dir: Path, top: int = 12) -> list[tuple[str, float]]:
    path = target_dir / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text()).get("results", [])
    timed = [(r["unique_id"], float(r.get("execution_time") or 0.0)) for r in results]
    return sorted(timed, key=lambda item: -item[1])[:top]


def generate_command(persons: int, raw_dir: Path, seed: int, gzip: bool) -> list[str]:
    rtwpanel = Path(sys.executable).parent / "rtwpanel"
    return [
        str(rtwpanel),
        "generate",
        "--mode",
        "population",
        "--persons",
        str(persons),
        "--seed",
        str(seed),
        "--out",
        str(raw_dir),
        *(["--gzip"] if gzip else []),
    ]


def bench_round(persons: int, args: argparse.Namespace) -> dict[str, object]:
    workdir = (args.workdir / f"n{persons}").resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    raw_dir = workdir / "delivery"
    database = workdir / "rtw.duckdb"
    target_dir = workdir / "target"
    print(f"\n== {persons:,} persons ({workdir})", flush=True)
    phases: dict[str, Phase] = {}

    if (
        not (raw_dir / "participants.csv").exists()
        and not (raw_dir / "participants.csv.gz").exists()
    ):
        phases["generate"] = measure(
            "generate", generate_command(persons, raw_dir, args.seed, args.gzip), workdir
        )
    source_rows = count_source_rows(raw_dir)
    print(f"  source rows: {source_rows:,}")

    for leftover in (database, database.with_name(database.name + ".wal")):
        leftover.unlink(missing_ok=True)
    dbt_env = {
        "RTW_DUCKDB_PATH": str(database),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_TARGET_PATH": str(target_dir),
        "DBT_LOG_PATH": str(target_dir / "logs"),
        "RTW_DUCKDB_TEMP_DIR": str(workdir / "spill"),
    }
    dbt = str(Path(sys.executable).parent / "dbt")
    dbt_vars = json.dumps({"raw_dir": str(raw_dir)})
    phases["dbt"] = measure("dbt", [dbt, "build", "--vars", dbt_vars], workdir, dbt_env)
    slowest = slowest_models(target_dir)
    panel_rows, columns = panel_shape(database) if database.exists() else (0, [])

    pandas_panel = workdir / "pandas_panel.parquet"
    if args.skip_pandas or persons > args.pandas_max_persons:
        print("  pandas: skipped")
    else:
        phases["pandas"] = measure(
            "pandas",
            [
                sys.executable,
                "-m",
                "rtwpanel.pandas_reference",
                str(raw_dir),
                "--out",
                str(pandas_panel),
            ],
            workdir,
            memory_limit=args.memory_limit_gb * GB,
        )

    spark: dict[str, object] = {}
    if args.spark_cluster:
        phases["spark"], memory = spark_cluster_phase(
            workdir, dbt_vars, dbt_env, args.spark_shuffle_partitions
        )
        spark = {
            "jvm_peak_bytes": memory.peak_total,
            "jvm_peaks_by_role": dict(memory.peaks),
            "time_by_kind": time_by_kind(workdir / "spark-target"),
            "duckdb_time_by_kind": time_by_kind(target_dir),
            "slowest_nodes": slowest_models(workdir / "spark-target"),
        }

    phases["read"] = measure("read", [sys.executable, __file__, "_read", str(raw_dir)], workdir)

    if columns:
        spec = workdir / "floor_columns.json"
        spec.write_text(json.dumps(columns))
        phases["floor"] = measure(
            "floor",
            [
                sys.executable,
                __file__,
                "_floor",
                str(workdir / "floor.duckdb"),
                str(panel_rows),
                str(spec),
            ],
            workdir,
        )
        (workdir / "floor.duckdb").unlink(missing_ok=True)

    result = {
        "persons": persons,
        "source_rows": source_rows,
        "panel_rows": panel_rows,
        "panel_columns": len(columns),
        "phases": {name: asdict(phase) for name, phase in phases.items()},
        "slowest_dbt_nodes": slowest,
        "spark_cluster": spark,
    }
    (workdir / "result.json").write_text(json.dumps(result, indent=2))
    return result


# --- report ------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import duckdb
    import pandas

    return (
        f"{cpu}; {psutil.cpu_count(logical=True)} logical cores; "
        f"{psutil.virtual_memory().total / GB:.1f} GB RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; "
        f"DuckDB {duckdb.__version__}; pandas {pandas.__version__}"
    )


def ratio(numerator: dict | None, denominator: dict | None) -> str:
    if not numerator or not denominator or not numerator["seconds"] or not denominator["seconds"]:
        return "-"
    for phase in (numerator, denominator):
        if phase.get("returncode") or phase.get("killed_for_memory"):
            return "-"
    return f"{numerator['seconds'] / denominator['seconds']:.1f}"


def floors(phases: dict) -> dict | None:
    """The read floor and the write floor as one phase: what reading the delivery once
    and writing the panel once cost, with no logic between."""
    read, write = phases.get("read"), phases.get("floor")
    if not read or not write:
        return None
    failed = read["returncode"] or write["returncode"]
    killed = read["killed_for_memory"] or write["killed_for_memory"]
    return {
        "seconds": read["seconds"] + write["seconds"],
        "returncode": failed,
        "killed_for_memory": killed,
    }


def report(results: list[dict[str, object]]) -> str:
    lines = [
        f"Machine: {machine()}",
        "",
        "| persons | source rows | panel rows | dbt build s | dbt peak GB | pandas s "
        "| pandas peak GB | read floor s | read peak GB | floor s | floor peak GB "
        "| pandas/dbt | dbt/floor | dbt/(read + floor) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        phases = result["phases"]
        cells = []
        for name in ("dbt", "pandas", "read", "floor"):
            phase = phases.get(name)
            if not phase:
                cells += ["-", "-"]
                continue
            note = ""
            if phase["killed_for_memory"]:
                note = " (stopped: memory)"
            elif phase["returncode"]:
                note = " (failed)"
            cells += [f"{phase['seconds']:.1f}{note}", f"{phase['peak_bytes'] / GB:.2f}"]
        lines.append(
            f"| {result['persons']:,} | {result['source_rows']:,} | {result['panel_rows']:,} | "
            + " | ".join(cells)
            + f" | {ratio(phases.get('pandas'), phases.get('dbt'))}"
            + f" | {ratio(phases.get('dbt'), phases.get('floor'))}"
            + f" | {ratio(phases.get('dbt'), floors(phases))} |"
        )
    spark_rounds = [r for r in results if r.get("spark_cluster")]
    if spark_rounds:
        lines += [
            "",
            "Spark cluster (2 workers x 1 core, Thrift server), same delivery:",
            "| persons | DuckDB build s | Spark build s | Spark/DuckDB | JVMs peak GB "
            "| Thrift server GB | executor GB | Spark model s (median) | Spark test s (median) |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
    for result in spark_rounds:
        phases, spark = result["phases"], result["spark_cluster"]
        kinds, roles = spark["time_by_kind"], spark["jvm_peaks_by_role"]
        by_kind = [
            f"{kinds[k]['seconds']:.0f} ({kinds[k]['median']:.1f})" if k in kinds else "-"
            for k in ("model", "test")
        ]
        failed = " (failed)" if not Phase(**phases["spark"]).ok else ""
        lines.append(
            f"| {result['persons']:,} | {phases['dbt']['seconds']:.1f} "
            f"| {phases['spark']['seconds']:.1f}{failed} "
            f"| {ratio(phases.get('spark'), phases.get('dbt'))} "
            f"| {spark['jvm_peak_bytes'] / GB:.2f} | {roles.get('thriftserver', 0) / GB:.2f} "
            f"| {roles.get('executor', 0) / GB:.2f} | {by_kind[0]} | {by_kind[1]} |"
        )
        lines += ["", f"Slowest Spark nodes at {result['persons']:,} persons (seconds):"]
        lines += [f"  {seconds:8.1f}  {node}" for node, seconds in spark["slowest_nodes"]]
    for result in results:
        if result["slowest_dbt_nodes"]:
            lines += ["", f"Slowest dbt nodes at {result['persons']:,} persons (seconds):"]
            lines += [f"  {seconds:8.1f}  {node}" for node, seconds in result["slowest_dbt_nodes"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_measured":
        return run_measured(Path(argv[1]))
    if argv and argv[0] == "_read":
        return run_read_floor(Path(argv[1]))
    if argv and argv[0] == "_floor":
        columns = [tuple(c) for c in json.loads(Path(argv[3]).read_text())]
        return run_floor(Path(argv[1]), int(argv[2]), columns)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/rtwpanel-bench"))
    parser.add_argument("--seed", type=int, default=20131001)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="generate the delivery as .csv.gz (about a sixth of the disk; each file is then "
        "decompressed on one thread)",
    )
    parser.add_argument(
        "--pandas-max-persons",
        type=int,
        default=10_000_000,
        help="skip the pandas phase above this many persons",
    )
    parser.add_argument(
        "--memory-limit-gb",
        type=float,
        default=22.0,
        help="stop the pandas phase when its memory passes this (the machine must survive)",
    )
    parser.add_argument(
        "--spark-cluster",
        action="store_true",
        help="also build each delivery on a Spark cluster on this machine, through its Thrift "
        "server (started and stopped for the phase; needs Java 17)",
    )
    parser.add_argument(
        "--spark-shuffle-partitions",
        type=int,
        default=8,
        help="partitions after a shuffle on the cluster (the test cluster uses 4)",
    )
    args = parser.parse_args(argv)
    results = [bench_round(persons, args) for persons in args.persons]
    print("\n" + report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
