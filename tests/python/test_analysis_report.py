"""The report's quality-gate section and its Markdown-to-HTML of the methods,
on hand-made inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rtwpanel.analysis.gate_section import gate_headline, gate_markdown, gate_rows
from rtwpanel.analysis.report import _markdown_to_html, write_report

SUMMARY = pd.DataFrame(
    [
        # gate, scope, measure, flagged, checked, observed, threshold, severity, status, order
        ("stipulated_end_share", "aa", "share", 30, 100, 0.30, 0.15, "warn", "warn", 1),
        ("quarantine_share", "npr", "share", 1, 50, 0.02, 0.10, "error", "pass", 5),
        ("row_reconciliation", "npr", "count", 0, 50, 0.0, 0.0, "error", "pass", 6),
        ("row_reconciliation", "tiltak", "count", 2, 10, 2.0, 0.0, "error", "fail", 6),
    ],
    columns=[
        "gate",
        "scope",
        "measure",
        "n_flagged",
        "n_checked",
        "observed_value",
        "threshold",
        "severity",
        "status",
        "gate_order",
    ],
).assign(description="")


def test_share_gates_per_scope_count_gates_folded_with_the_worst_status() -> None:
    rows = gate_rows(SUMMARY)
    assert rows["gate"].tolist() == [
        "stipulated_end_share",
        "quarantine_share",
        "row_reconciliation",
    ]
    assert rows.iloc[0]["observed"] == "0.300 (30 of 100)"
    folded = rows.iloc[2]
    assert folded["scope"] == "2 sources"
    assert folded["observed"] == "2 of 60 checked"
    assert folded["status"] == "fail"


def test_headline_counts_every_check() -> None:
    assert gate_headline(SUMMARY) == "4 quality checks: 2 pass, 1 warn, 1 fail."
    assert "missing" in gate_markdown(None)


def test_methods_markdown_becomes_paragraphs_and_a_table() -> None:
    text = "**Bold** and `code`\nsame paragraph.\n\n| a | b |\n|---|--:|\n| 1 | 2 |"
    out = _markdown_to_html(text)
    assert out.startswith("<p><b>Bold</b> and <code>code</code> same paragraph.</p>")
    assert "<th>a</th><th>b</th>" in out and "<td>1</td><td>2</td>" in out
    assert "---" not in out


def test_report_shows_the_gates_with_their_status(tmp_path: Path) -> None:
    write_report(tmp_path, {"delivery": "demo"}, [], [], gates=SUMMARY)
    page = (tmp_path / "report.html").read_text()
    assert "<p class='headline fail'>" in page
    assert page.count("class='status fail'") == 1
    assert "## Quality gates" in (tmp_path / "report.md").read_text()
