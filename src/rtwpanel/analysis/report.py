"""Write published tables, figures and report.md / report.html into one folder."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rtwpanel.analysis.gate_section import COLUMNS as GATE_COLUMNS
from rtwpanel.analysis.gate_section import (
    EXPECTATION_COLUMNS,
    expectation_list,
    gate_headline,
    gate_markdown,
    gate_rows,
    quality_notes,
)
from rtwpanel.analysis.suppression import HIDDEN, Published
from rtwpanel.analysis.table import to_markdown
from rtwpanel.analysis.trial import Trial, trial_of

TITLE = "rtwpanel evaluation report"
TEMPLATES = Path(__file__).with_name("templates")


def subtitle(trial: Trial) -> str:
    """The study's description, or its arms when it has none."""
    t, c = trial.treated, trial.control
    return trial.study.description or f"{t.name} against {c.name}, from the welfare registers"


def methods_text(trial: Trial) -> str:
    """The methods section, in the study's words: its arms, clusters and allocation."""
    study = trial.study
    t, c, word = trial.treated.name, trial.control.name, trial.cluster_word
    g = len(study.cluster_codes)
    if 6**g <= 50_000:
        webb = (
            f"With {g} {word}s all 6^{g} = {6**g:,} weight vectors are enumerated, so the "
            "p-value is exact and needs no seed."
        )
    else:
        webb = f"With {g} {word}s, 9,999 random weight vectors are drawn (seeded)."
    within = (
        f"within each {word} (the {word}s were strata)"
        if study.cluster_is_stratum
        else f"independently of {word}"
    )
    phases = len(study.allocation)
    schedule = (
        f"The trial allocated {trial.phases_text()}, {within} (`{study.path.name}`, the "
        "schedule the generator allocates by too). A re-randomisation therefore permutes "
        "the arm labels among the persons of each allocation phase"
        + (f" and {word}" if study.cluster_is_stratum else "")
        + f", keeping each phase's numbers of {t} and {c} persons"
    )
    text = f"""\
**Clustered standard errors.** OLS with V = c (X'X)^-1 (sum_g X_g'u_g u_g'X_g) (X'X)^-1,
c = G/(G-1) (N-1)/(N-K), as Stata's `cluster` option (CRV1); p-values and intervals
from Student's t with G-1 degrees of freedom. With {g} {word}s a normal reference
gives p-values several times too small.

**Wild cluster bootstrap.** Restricted (WCR): the model is refitted under
H0: effect = 0, and bootstrap outcomes are the restricted fit plus the restricted
residuals times one Webb six-point weight per {word}. {webb} Each draw's CRV1 t
statistic is computed in closed form from G x G matrices.

**Randomisation inference.** {schedule}, every month following its person, and the
same model is refitted (by Frisch-Waugh-Lovell); p = (1 + #{{|b*| >= |b|}}) / (1 + B),
with Monte Carlo standard error sqrt(p (1 - p) / B), below 0.005 at the default
B = 19,999. A design with few enough assignments is enumerated and its p-value is
exact.
"""
    if phases > 1:
        text += f"""
**Allocation phase.** The allocation ratio changed ({trial.phases_text()}), so the
share of {t} persons differs between recruitment periods, whose months after
randomisation differ in number and calendar time; the pooled published model mixes
that difference into the {t} coefficient. Table 8 keeps the published specification
and shows beside it the estimate with a dummy for the allocation phase, which
compares {t} and {c} within a phase.
"""
    text += f"""
**Estimates.** Every estimate table gives the 95 % interval and the number of
clusters; the CSV files hold numbers (stars only in the Markdown and HTML), and
`estimates.csv` has every estimate in one tidy table (table, sample, outcome,
term, clustering, estimate, se, ci, p per method, N, persons, clusters). An
outcome that is constant in its sample has nothing to estimate and is reported as
"not estimable", not as a coefficient of 0.000 with a standard error of 0.000.

**Person clusters** are shown as a second view: many clusters, but they ignore
correlation within {word}s.

**Small cells.** Every table and figure passes one suppression step: a cell
resting on fewer persons than the threshold is hidden (a share discloses its
denominator and the persons with and without the status; a mean over
person-months the persons ever in the status; a coefficient the smaller arm of
its sample), and so is any further cell from which a hidden one could be worked
out (shares that sum to one, a share of all and of a subgroup).
"""
    return text


@dataclass(frozen=True)
class FigureOutput:
    key: str
    caption: str
    png: Path
    svg: Path


def write_table(published: Published, out: Path) -> list[Path]:
    csv_path, md_path = out / f"{published.key}.csv", out / f"{published.key}.md"
    numbers = published.text if published.numbers is None else published.numbers
    numbers.rename_axis("row").to_csv(csv_path, lineterminator="\n")
    md_path.write_text(table_markdown(published))
    return [csv_path, md_path]


def write_numbers(published: Published, out: Path) -> Path:
    """A table as CSV only, hidden cells left empty, so each value column reads as numbers."""
    path = out / f"{published.key}.csv"
    numbers = published.text if published.numbers is None else published.numbers
    numbers.replace(HIDDEN, "").to_csv(path, index=False, lineterminator="\n")
    return path


def table_markdown(published: Published) -> str:
    text = f"### {published.title}\n\n{to_markdown(published.text)}"
    if published.note:
        text += f"\n{published.note}\n"
    return text


def write_report(
    out: Path,
    header: dict[str, str],
    tables: list[Published],
    figures: list[FigureOutput],
    extra_methods: str = "",
    gates: pd.DataFrame | None = None,
    trial: Trial | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> list[Path]:
    """report.md and report.html; `skipped`: (table, why) of each table not made."""
    trial = trial_of(trial)
    return _write_pages(
        out,
        header,
        tables,
        figures,
        trial.study.title,
        subtitle(trial),
        methods_text(trial),
        extra_methods,
        gates,
        skipped or [],
    )


def _write_pages(
    out: Path,
    header: dict[str, str],
    tables: list[Published],
    figures: list[FigureOutput],
    title: str,
    sub: str,
    methods: str,
    extra_methods: str,
    gates: pd.DataFrame | None,
    skipped: list[tuple[str, str]],
) -> list[Path]:
    """report.md and report.html: header, quality gates, figures, tables, methods."""
    md = [f"# {title}", "", f"*{TITLE}. {sub}*", ""]
    md += [f"- **{key}**: {value}" for key, value in header.items()]
    md += ["", "## Quality gates", "", gate_markdown(gates)]
    md += ["## Figures", ""]
    for figure in figures:
        md += [f"![{figure.caption}]({figure.png.name})", "", f"*{figure.caption}*", ""]
    md += ["## Tables", ""]
    for table in tables:
        md += [table_markdown(table), ""]
    if skipped:
        md += ["### Tables not made for this study", ""]
        md += [f"- **{name}**: {why}" for name, why in skipped]
        md.append("")
    md += ["## Methods", "", methods, extra_methods]
    md_path = out / "report.md"
    md_path.write_text("\n".join(md).rstrip() + "\n")

    html_path = out / "report.html"
    page = _html(header, tables, figures, extra_methods, gates, title, sub, methods, skipped)
    html_path.write_text(page)
    return [md_path, html_path]


def _anchor(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40]


def _html_table(published: Published) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["", *published.text.columns])
    body = []
    for label, row in published.text.iterrows():
        cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in row.tolist())
        body.append(f"<tr><th>{html.escape(str(label))}</th>{cells}</tr>")
    note = f"<p class='note'>{html.escape(published.note)}</p>" if published.note else ""
    return (
        f"<section class='table' id='{_anchor(published.title)}'>"
        f"<h3>{html.escape(published.title)}</h3><div class='scroll'>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"</div>{note}</section>"
    )


def _html_gates(gates: pd.DataFrame | None) -> str:
    if gates is None or gates.empty:
        return "<p class='note'>No gate summary in the warehouse (dq.dq_gate_summary).</p>"
    rows = gate_rows(gates)
    head = "".join(f"<th>{c}</th>" for c in GATE_COLUMNS)
    body = []
    for _, row in rows.iterrows():
        cells = "".join(
            f"<td class='status {html.escape(str(row[c]))}'>{html.escape(str(row[c]))}</td>"
            if c == "status"
            else f"<td>{html.escape(str(row[c]))}</td>"
            for c in GATE_COLUMNS
        )
        body.append(f"<tr>{cells}</tr>")
    worst = "fail" if (gates["status"] == "fail").any() else "warn"
    worst = worst if (gates["status"] != "pass").any() else "pass"
    return (
        f"<p class='headline {worst}'>{html.escape(gate_headline(gates))}</p>"
        "<p>A share gate compares the share "
        "flagged with its threshold; a count gate (severity error) must find nothing; an "
        "expectation (Great Expectations, run by <code>rtwpanel gates</code>) checks a "
        "distribution of the marts. Details: the dq schema of the warehouse "
        "(dq.dq_gate_summary and the tables behind it) and "
        "<code>expectations.duckdb</code> beside it.</p>"
        f"<table class='gates'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
        "</tbody></table>"
        + "".join(f"<p class='note'>{html.escape(note)}</p>" for note in quality_notes(gates))
        + _html_expectations(expectation_list(gates))
    )


def _html_expectations(checks: pd.DataFrame) -> str:
    if checks.empty:
        return ""
    head = "".join(f"<th>{c}</th>" for c in EXPECTATION_COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='status {html.escape(str(row[c]))}'>{html.escape(str(row[c]))}</td>"
            if c == "status"
            else f"<td>{html.escape(str(row[c]))}</td>"
            for c in EXPECTATION_COLUMNS
        )
        + "</tr>"
        for _, row in checks.iterrows()
    )
    return (
        f"<h3 id='expectations'>Every expectation of this build ({len(checks)})</h3>"
        f"<table class='gates expectations'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _inline_svg(path: Path) -> str:
    text = path.read_text()
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _markdown_to_html(text: str) -> str:
    """The little Markdown the methods use: paragraphs, bold, code, pipe tables."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        if lines and all(line.lstrip().startswith("|") for line in lines):
            blocks.append(_pipe_table(lines))
        elif lines:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "\n".join(blocks)


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def _pipe_table(lines: list[str]) -> str:
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    rows = [row for row in cells if not all(set(c) <= set("-: ") for c in row)]
    head = "".join(f"<th>{_inline(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#1d2329;max-width:1100px;
margin:0 auto;padding:2em 2.5em;line-height:1.45;font-size:15px}
h1{font-size:1.9em;margin:0 0 .2em}h2{margin-top:2em;border-bottom:2px solid #1d4f73;
padding-bottom:.2em;color:#1d4f73}h3{font-size:1.05em;margin:1.6em 0 .4em}
.subtitle{color:#4a5560;margin:0 0 1.2em;font-size:1.05em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25em 1.2em;background:#f3f6f8;
border:1px solid #d8e0e6;border-radius:6px;padding:1em 1.2em;font-size:.92em}
dl.meta dt{font-weight:bold;color:#3b4650}dl.meta dd{margin:0;word-break:break-all}
nav.toc{margin:1em 0;font-size:.95em}nav.toc a{margin-right:1.2em;color:#1d4f73}
table{border-collapse:collapse;margin:.4em 0;font-size:.9em;font-variant-numeric:tabular-nums}
td,th{border-bottom:1px solid #dde3e8;padding:3px 9px;text-align:right}
thead th{background:#1d4f73;color:#fff;border:none;font-weight:600}
tbody th,td:first-child,thead th:first-child{text-align:left}
table.gates th{text-align:left}.headline{font-weight:bold;padding:.5em .8em;border-radius:5px;
display:inline-block}.headline.pass{background:#e3f4e8;color:#1b5e30}.headline.warn{background:#fff4e0;
color:#7a4a00}.headline.fail{background:#fde8ea;color:#8a0018}
ul.tables{columns:2;font-size:.9em}tbody tr:nth-child(even){background:#f6f8fa}
.scroll{overflow-x:auto}.note{font-size:.85em;color:#4a5560;max-width:60em}
table.gates td{text-align:left}td.status{font-weight:bold;text-transform:uppercase;
font-size:.85em}td.pass{color:#1b7a3a}td.warn{color:#a86400;background:#fff4e0}
td.fail{color:#b00020;background:#fde8ea}
figure{margin:1.2em 0 2em;page-break-inside:avoid}figure svg{max-width:100%;height:auto}
figcaption{font-size:.92em;color:#33404b;margin-top:.3em;max-width:60em}
section.table{page-break-inside:avoid}.methods p{max-width:60em}
code{background:#eef2f5;padding:0 .25em;border-radius:3px}
footer{margin-top:3em;font-size:.8em;color:#6a747d;border-top:1px solid #dde3e8;
padding-top:.6em}
@media print{body{padding:0;font-size:12px}nav.toc{display:none}}
"""


def _html(
    header: dict[str, str],
    tables: list[Published],
    figures: list[FigureOutput],
    extra_methods: str,
    gates: pd.DataFrame | None,
    title: str,
    sub: str,
    methods: str,
    skipped: list[tuple[str, str]],
) -> str:
    """The page (templates/report.html); the tables, gates, figures and methods
    are HTML already, the rest is escaped by the template."""
    import jinja2
    from markupsafe import Markup

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    return environment.get_template("report.html").render(
        title=title,
        subtitle=sub,
        brand=TITLE,
        style=Markup(STYLE),
        header=header,
        gates=Markup(_html_gates(gates)),
        figures=[
            {"key": f.key, "svg": Markup(_inline_svg(f.svg)), "caption": f.caption} for f in figures
        ],
        hidden=HIDDEN,
        tables=[
            {"anchor": _anchor(t.title), "title": t.title, "html": Markup(_html_table(t))}
            for t in tables
        ],
        skipped=skipped,
        methods=Markup(_markdown_to_html(methods + "\n\n" + extra_methods)),
    )


def write_cohort_report(
    out: Path,
    header: dict[str, str],
    tables: list[Published],
    figures: list[FigureOutput],
    title: str,
    subtitle: str,
    methods: str,
    gates: pd.DataFrame | None = None,
) -> list[Path]:
    """report.md and report.html of a study with no trial arms, laid out as the
    trial's report."""
    return _write_pages(out, header, tables, figures, title, subtitle, methods, "", gates, [])
