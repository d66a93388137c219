"""The dbt docs site renders in a real headless browser (Debian's chromium).

`dbt docs generate --static` writes one self-contained page; the browser loads
the lineage of fct_person_month and the model's page, and the test saves
screenshots under build/test-artefacts/. `make chromium` installs the browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from browser import CHROMIUM, chromium
from rtwpanel.dbt_invocation import require_success, run_dbt
from rtwpanel.paths import DEMO_DIR, PROJECT_DIR

ARTEFACTS = PROJECT_DIR / "build" / "test-artefacts"
MODEL = "model.rtwpanel.fct_person_month"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium missing: make chromium"),
]


@pytest.fixture(scope="module")
def static_site(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("docs") / "target"
    variables = {"raw_dir": str(DEMO_DIR)}
    # the catalog (column types) needs the relations: on the demo build, opened read-only
    require_success(
        run_dbt(["docs", "generate", "--static"], demo_build, variables, target), "docs"
    )
    page = target / "static_index.html"
    assert page.stat().st_size > 100_000
    return page


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        # the model page: its description and its columns
        (f"model/{MODEL}", ["aap_and_employed", "n_jobs_stipulated", "sick_listed_source"]),
        # the lineage graph around the model, drawn on a canvas
        (f"model/{MODEL}?g_v=1&g_i=%2Bfct_person_month%2B", ["fct_person_month"]),
    ],
    ids=["model-page", "lineage"],
)
def test_docs_page_renders(
    static_site: Path, tmp_path: Path, view: str, expected: list[str]
) -> None:
    url = f"{static_site.as_uri()}#!/{view}"
    dom = chromium(["--dump-dom", url], tmp_path / "profile")
    # the page embeds the manifest in a script: look only at what was rendered
    dom = re.sub(r"<script.*?</script>", "", dom, flags=re.DOTALL)
    for text in expected:
        assert text in dom, f"{text!r} not on the rendered page {view}"
    if "g_v=1" in view:
        # the graph is drawn by cytoscape into canvas elements
        assert "<canvas" in dom
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    name = "docs-lineage.png" if "g_v=1" in view else "docs-model-page.png"
    shot = ARTEFACTS / name
    chromium([f"--screenshot={shot}", url], tmp_path / "profile-shot")
    assert shot.stat().st_size > 10_000


def test_every_model_column_and_source_column_is_described(static_site: Path) -> None:
    target = static_site.parent
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    missing = []
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] not in ("model", "seed", "analysis"):
            continue
        if not node["description"].strip():
            missing.append(uid)
        # the columns the warehouse holds, not only those the YAML lists
        built = catalog["nodes"].get(uid, {}).get("columns", {})
        for column in {*built, *node["columns"]}:
            described = node["columns"].get(column) or node["columns"].get(column.lower())
            if not described or not described["description"].strip():
                missing.append(f"{uid}.{column}")
    for uid, source in manifest["sources"].items():
        if not source["description"].strip():
            missing.append(uid)
        missing += [f"{uid}.{c}" for c, d in source["columns"].items() if not d["description"]]
    assert missing == []
