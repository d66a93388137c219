"""What built a warehouse, as the warehouse itself records it (meta.build_info).

The report header shows it: the delivery with its checksum, the dbt variables
in force, the build and the versions. See rtwpanel.provenance.
"""

from __future__ import annotations

from pathlib import Path

from rtwpanel.provenance import BuildRecord, read_build_record


def find_build_info(database: Path) -> BuildRecord | None:
    """meta.build_info of the warehouse file; None when it was built without provenance."""
    import duckdb

    database = Path(database)
    if not database.exists():
        return None
    with duckdb.connect(str(database), read_only=True) as connection:
        return read_build_record(connection)


def describe_build(record: BuildRecord | None) -> dict[str, str]:
    """The report header's lines on provenance."""
    if record is None:
        unknown = "unknown: the warehouse holds no meta.build_info (rebuild with dbt build)"
        return {"delivery": unknown, "dbt variables": unknown, "build": unknown}
    overrides = {k: v for k, v in record.cli_vars.items() if k != "raw_dir"}
    variables = "defaults of dbt_project.yml" + (
        ", with " + ", ".join(f"{k}={v}" for k, v in sorted(overrides.items())) if overrides else ""
    )
    seconds = record.seconds
    took = f", {seconds:.0f} s" if seconds is not None else ""
    v = record.versions
    commit = f" (git {v['git_commit'][:12]}{'+changes' if 'changes' in v['git_commit'] else ''})"
    return {
        "delivery": f"{record.raw_dir} (sha256 {record.delivery_sha256[:16]}…, "
        "files and checksums in meta.delivery_files)",
        "built for study": f"{record.study} (sha256 {record.study_sha256[:16]}…)"
        if record.study
        else "not recorded (built before studies were files)",
        "dbt variables": variables,
        "build": f"{record.build_id}, finished {record.finished_at} UTC{took}; "
        f"rtwpanel {v['rtwpanel_version']}{commit if v['git_commit'] else ''}, "
        f"dbt {v['dbt_version']}, {v['adapter_version']}, DuckDB {v['duckdb_version']}",
    }


def evaluated_for(name: str, path: object, sha256: str, record: BuildRecord | None) -> str:
    """The report header's study line, with a warning when the warehouse was built
    from another study file."""
    other = (
        ""
        if record is None or not record.study_sha256 or record.study_sha256 == sha256
        else f"; WARNING: the warehouse was built from {record.study} "
        f"(sha256 {record.study_sha256[:12]}), another study file"
    )
    return f"{name} ({getattr(path, 'name', path)}, sha256 {sha256[:12]}){other}"


def threshold_line(threshold: int) -> str:
    """The report header's small-cell threshold, loud when below the minimum."""
    from rtwpanel.privacy import SMALL_CELL_THRESHOLD

    below = threshold < SMALL_CELL_THRESHOLD
    return f"{threshold} persons" + (
        f" (BELOW {SMALL_CELL_THRESHOLD}: NOT FIT FOR PUBLICATION)" if below else ""
    )
