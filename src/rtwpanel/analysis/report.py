"""Write published tables, figures and report.md / report.html into one folder."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from rtwpanel.analysis.suppression import Published
from rtwpanel.analysis.table import to_markdown

METHODS = """\
**Clustered standard errors.** OLS with V = c (X'X)^-1 (sum_g X_g'u_g u_g'X_g) (X'X)^-1,
c = G/(G-1) (N-1)/(N-K), as Stata's `cluster` option (CRV1); p-values and intervals
from Student's t with G-1 degrees of freedom. With six centres a normal reference
gives p-values several times too small.

**Wild cluster bootstrap.** Restricted (WCR): the model is refitted under
H0: effect = 0, and bootstrap outcomes are the restricted fit plus the restricted
residuals times one Webb six-point weight per centre. With six centres all
6^6 = 46,656 weight vectors are enumerated, so the p-value is exact and needs no
seed. Each draw's CRV1 t statistic is computed in closed form from G x G matrices.

**Randomisation inference.** The arm labels are permuted among the persons of
each centre (the strata), every month following its person, and the same model
is refitted (by Frisch-Waugh-Lovell); p = (1 + #{|b*| >= |b|}) / (1 + B). The
trial's allocation ratio changed during recruitment (2:1, then 1:1); the
permutation within centre does not reproduce that.

**Person clusters** are shown as a second view: many clusters, but they ignore
correlation within centres.

**Small cells.** Every table and figure passes one suppression step: a cell
resting on fewer persons than the threshold is hidden (a share discloses its
denominator and the persons with and without the status; a mean over
person-months the persons ever in the status; a coefficient the smaller arm of
its sample), and so is any further cell from which a hidden one could be worked
out (shares that sum to one, a share of all and of a subgroup).
"""


@dataclass(frozen=True)
class FigureOutput:
    key: str
    caption: str
    png: Path
    svg: Path


def write_table(published: Published, out: Path) -> list[Path]:
    csv_path, md_path = out / f"{published.key}.csv", out / f"{published.key}.md"
    published.text.rename_axis("row").to_csv(csv_path, lineterminator="\n")
    md_path.write_text(table_markdown(published))
    return [csv_path, md_path]


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
) -> list[Path]:
    md = ["# rtwpanel evaluation report", ""]
    md += [f"- **{key}**: {value}" for key, value in header.items()]
    md += ["", "## Tables", ""]
    for table in tables:
        md += [table_markdown(table), ""]
    md += ["## Figures", ""]
    for figure in figures:
        md += [f"![{figure.caption}]({figure.png.name})", "", f"*{figure.caption}*", ""]
    md += ["## Methods", "", METHODS, extra_methods]
    md_path = out / "report.md"
    md_path.write_text("\n".join(md).rstrip() + "\n")

    html_path = out / "report.html"
    html_path.write_text(_html(header, tables, figures, extra_methods))
    return [md_path, html_path]


def _html_table(published: Published) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in ["", *published.text.columns])
    body = []
    for label, row in published.text.iterrows():
        cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in row.tolist())
        body.append(f"<tr><th>{html.escape(str(label))}</th>{cells}</tr>")
    note = f"<p class='note'>{html.escape(published.note)}</p>" if published.note else ""
    return (
        f"<h3>{html.escape(published.title)}</h3>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{note}"
    )


def _inline_svg(path: Path) -> str:
    text = path.read_text()
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _html(
    header: dict[str, str],
    tables: list[Published],
    figures: list[FigureOutput],
    extra_methods: str,
) -> str:
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>rtwpanel evaluation report</title><style>",
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}",
        "table{border-collapse:collapse;margin:.5em 0;font-size:90%}",
        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}",
        "th:first-child{text-align:left}.note{font-size:85%;color:#444}",
        "figure{margin:1em 0}pre{white-space:pre-wrap}",
        "</style></head><body><h1>rtwpanel evaluation report</h1><ul>",
    ]
    parts += [f"<li><b>{html.escape(k)}</b>: {html.escape(v)}</li>" for k, v in header.items()]
    parts.append("</ul><h2>Tables</h2>")
    parts += [_html_table(t) for t in tables]
    parts.append("<h2>Figures</h2>")
    for figure in figures:
        parts.append(
            f"<figure>{_inline_svg(figure.svg)}"
            f"<figcaption>{html.escape(figure.caption)}</figcaption></figure>"
        )
    parts.append("<h2>Methods</h2>")
    for paragraph in (METHODS + "\n" + extra_methods).split("\n\n"):
        if paragraph.strip():
            parts.append(f"<pre>{html.escape(paragraph.strip())}</pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
