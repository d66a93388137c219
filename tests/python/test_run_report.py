"""`rtwpanel run` (what `make run` calls) on the demo, read as an analyst reads it.

The report names what it was built from (the delivery and its checksum, the
variables, the build and the versions, all read from the warehouse), holds the
recovery check against the generator's planted effects, and shows the dbt gates
and every expectation with its status, also in a browser with no network.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from browser import CHROMIUM, chromium
from rtwpanel.gates.checkpoint import kept_results
from rtwpanel.paths import DEMO_DIR, PROJECT_DIR

pytestmark = pytest.mark.slow


def rtwpanel(*args: str, warehouse: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "rtwpanel"), *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "RTW_DUCKDB_PATH": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=1200,
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("run")
    warehouse = folder / "warehouse" / "rtw.duckdb"
    reports = folder / "reports"
    done = rtwpanel("run", "--out", str(reports), warehouse=warehouse)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return warehouse, reports, done.stdout


def header(report: str) -> dict[str, str]:
    return dict(re.findall(r"^- \*\*(.+?)\*\*: (.*)$", report, flags=re.MULTILINE))


def test_the_report_says_what_it_was_built_from(demo_run: tuple[Path, Path, str]) -> None:
    _, reports, stdout = demo_run
    # rtwpanel gates, inside the run, names the build from the warehouse too
    assert re.search(rf"^build [0-9a-f-]{{36}} of {re.escape(str(DEMO_DIR))} ", stdout, re.M)
    lines = header((reports / "report.md").read_text())
    assert lines["delivery"].startswith(f"{DEMO_DIR} (sha256 ")
    assert lines["dbt variables"] == "defaults of dbt_project.yml"
    assert re.match(r"[0-9a-f-]{36}, finished \d{4}-\d\d-\d\d", lines["build"]), lines["build"]
    assert "rtwpanel 0.1.0" in lines["build"] and "DuckDB 2.0.0" in lines["build"]
    assert lines["recovery check"] == f"{DEMO_DIR}/truth/effects.json"
    assert "unknown" not in " ".join(lines.values())


def test_the_report_holds_the_recovery_table(demo_run: tuple[Path, Path, str]) -> None:
    _, reports, _ = demo_run
    report = (reports / "report.md").read_text()
    assert "Recovery: Table 8 estimates beside the planted effects" in report
    assert (reports / "table_recovery.csv").exists()


def test_expectations_are_kept_for_the_build_and_listed(demo_run: tuple[Path, Path, str]) -> None:
    warehouse, reports, stdout = demo_run
    kept = kept_results(warehouse)
    assert kept is not None and len(kept) > 0
    assert f"expectation results: {warehouse.parent / 'expectations.duckdb'}" in stdout
    report = (reports / "report.md").read_text()
    assert f"| expectations: {kept[0].suite} |" in report, "the suites sit with the gates"
    assert report.count("| pass |") >= len(kept), "every expectation is listed"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium missing: make chromium")
def test_the_report_renders_with_no_network(
    demo_run: tuple[Path, Path, str], tmp_path: Path
) -> None:
    warehouse, reports, _ = demo_run
    kept = kept_results(warehouse)
    assert kept is not None
    offline = [
        # every host unresolvable and every connection sent to a closed local port
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--dump-dom",
        (reports / "report.html").as_uri(),
    ]
    dom = chromium(offline, tmp_path / "profile")
    table = dom.split('id="expectations"', 1)[1].split("</table>", 1)[0]
    statuses = re.findall(r"<td class=\"status (pass|warn|fail)\">", table)
    assert len(statuses) == len(kept), "one visible status per expectation"
    assert set(statuses) == {"pass"}
    # (XML namespaces in the inline SVG are names, not addresses)
    loads = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?https?:""", dom)
    assert loads == [], "the report loads nothing from outside"


@pytest.mark.parametrize("command", ["run", "analyse", "robustness"])
@pytest.mark.parametrize("threshold", ["0", "-3", "4"])
def test_suppression_cannot_be_switched_off_quietly(
    tmp_path: Path, command: str, threshold: str
) -> None:
    warehouse = tmp_path / "warehouse" / "rtw.duckdb"
    done = rtwpanel(command, "--threshold", threshold, "--out", str(tmp_path), warehouse=warehouse)
    assert done.returncode == 1
    assert "--threshold must be at least 5" in done.stderr
    assert "--allow-small-cells" in done.stderr
    assert not warehouse.exists(), "refused before anything was built"


def test_a_lower_threshold_needs_the_flag_and_is_announced(
    demo_run: tuple[Path, Path, str], tmp_path: Path
) -> None:
    warehouse, _, _ = demo_run
    done = rtwpanel(
        "analyse",
        "--threshold",
        "3",
        "--allow-small-cells",
        "--permutations",
        "0",
        "--no-wild-bootstrap",
        "--out",
        str(tmp_path / "out"),
        warehouse=warehouse,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING: small-cell threshold 3 is below 5" in done.stderr
    assert "Do not publish" in done.stderr
