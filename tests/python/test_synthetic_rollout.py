"""The generator for a roll-out study (studies/ipsnor.yml): residence on every
month-end of the window, a target population that the study's rule finds
exactly, and a realised effect that the written registers reproduce, weighted
as the estimator weights. Every answer here is worked out again from the files
the generator wrote, with the warehouse's rules written out in a few lines."""

from __future__ import annotations

import csv
import functools
import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rtwpanel.analysis import rollout
from rtwpanel.cli import main
from rtwpanel.errors import RtwError
from rtwpanel.study import load_study, region_names
from rtwpanel.synthetic import generate, generate_delivery, parse_defects
from rtwpanel.synthetic.params import Params
from rtwpanel.synthetic.rollout_population import load_rollout_model

PERSONS = 5_000
CHUNK = 2_000  # three chunks, the last one short
STUDY = load_study("ipsnor")
MODEL = load_rollout_model(STUDY)
MONTHS = pd.period_range("2010-01", "2016-04", freq="M")
MONTH_ENDS = MONTHS.to_timestamp(how="end").normalize()
WINDOW_END = pd.Timestamp("2016-04-30")
BASELINE = tuple(pd.Timestamp(d) for d in STUDY.rollout.target.baseline)


def _generate(out: Path, workers: int, defects: str = "default") -> Path:
    """A delivery in chunks of CHUNK persons (the generator's default is 10,000)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generate, "Params", functools.partial(Params, chunk_persons=CHUNK))
        generate_delivery(
            out,
            persons=PERSONS,
            study="ipsnor",
            workers=workers,
            defect_rates=parse_defects(defects),
        )
    return out


@pytest.fixture(scope="module")
def delivery(tmp_path_factory) -> Path:
    """With the default defects, as the demo."""
    return _generate(tmp_path_factory.mktemp("rollout"), workers=2)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """Every defect off: the registers' sound rows only."""
    return _generate(tmp_path_factory.mktemp("rollout_clean"), workers=2, defects="none")


def read_rows(path: Path, keep_bad: bool = False) -> pd.DataFrame:
    """A raw file as text columns; lines with the wrong number of fields are dropped."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, body = rows[0], rows[1:]
    return pd.DataFrame([r for r in body if len(r) == len(header)], columns=header, dtype=str)


def sound_rows(path: Path, source: str) -> pd.DataFrame:
    """A raw file's sound rows: every line but the planted defects of truth/defects.csv."""
    defects = pd.read_csv(path / "truth" / "defects.csv", sep=";", dtype=str)
    planted = set(defects.loc[defects["source"] == source, "line"].astype(int))
    with open(path / f"{source}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    body = [row for line, row in enumerate(rows[1:], start=2) if line not in planted]
    return pd.DataFrame(body, columns=rows[0], dtype=str)


def day(values: pd.Series) -> pd.Series:
    """YYYYMMDD, strictly; anything else (and empty) is NaT."""
    return pd.to_datetime(values, format="%Y%m%d", errors="coerce")


def participants(path: Path) -> pd.DataFrame:
    frame = read_rows(path / "participants.csv")
    frame["death"] = day(frame["death_date"])
    frame["birth_year"] = frame["birth_year"].astype(int)
    return frame


def panel_persons(path: Path) -> pd.DataFrame:
    """The warehouse's panel: every participant but those dead by the window's end."""
    frame = participants(path)
    return frame[~(frame["death"] <= WINDOW_END)]


def region_by_month(path: Path) -> pd.DataFrame:
    """Region of each person and month: the spell covering the month's last day, the
    later fom_date where two do; one row per person-month with a region."""
    spells = sound_rows(path, "bosted")
    spells["fom"], spells["tom"] = day(spells["fom_date"]), day(spells["tom_date"])
    ends = pd.DataFrame({"t": range(len(MONTH_ENDS)), "month_end": MONTH_ENDS})
    cells = spells.merge(ends, how="cross")
    covering = (cells["fom"] <= cells["month_end"]) & (
        cells["tom"].isna() | (cells["tom"] >= cells["month_end"])
    )
    cells = cells[covering].sort_values(["person_id", "t", "fom"])
    return cells.groupby(["person_id", "t"], as_index=False).last()[["person_id", "t", "region"]]


def test_same_seed_same_bytes_whatever_the_workers(delivery, tmp_path) -> None:
    _generate(tmp_path, workers=1)
    names = sorted(str(p.relative_to(delivery)) for p in delivery.rglob("*") if p.is_file())
    assert {"bosted.csv", "truth/rollout.json", "truth/region_month.csv"} <= set(names)
    assert "truth/target.csv" in names
    for name in names:
        assert (delivery / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_the_delivery_has_residence_and_its_coverage(delivery) -> None:
    coverage = (delivery / "coverage.csv").read_text().splitlines()
    assert coverage[-1] == "bosted;201001;201604"
    assert (delivery / "bosted.csv").read_text().splitlines()[0] == (
        "person_id;region;fom_date;tom_date"
    )
    people = participants(delivery)
    assert len(people) == PERSONS
    assert {(r.arm, r.centre_id, r.randomised_date) for r in people.itertuples()} == {("", "", "")}
    # some die inside the window: they are in participants.csv, not in the panel
    assert 0 < (people["death"] <= WINDOW_END).sum() < 0.03 * PERSONS


def test_residence_has_the_planted_defects_of_every_file(delivery) -> None:
    defects = pd.read_csv(delivery / "truth" / "defects.csv", sep=";", dtype=str)
    kinds = defects.loc[defects["source"] == "bosted", "kind"].value_counts()
    planted = {"duplicate_row", "wrong_field_count", "bad_date", "end_before_start"}
    assert set(kinds.index) == planted | {"unknown_person", "unknown_code"}
    raw = read_rows(delivery / "bosted.csv")
    assert not set(raw["region"]) <= set(region_names())  # a region outside ref_regions
    # every line is a sound spell or a listed defect (those of the wrong width not in raw)
    sound = sound_rows(delivery, "bosted")
    assert len(raw) + kinds["wrong_field_count"] == len(sound) + kinds.sum()


def test_every_panel_person_has_one_region_on_every_month_end(delivery) -> None:
    spells = sound_rows(delivery, "bosted")
    assert set(spells["region"]) <= set(region_names()) == {r.code for r in STUDY.rollout.regions}
    assert (spells["region"].str.len() == 2).all()
    spells["fom"], spells["tom"] = day(spells["fom_date"]), day(spells["tom_date"])
    assert spells["fom"].notna().all()
    # a mover's spells follow each other: the next starts the day after the last ends
    spells = spells.sort_values(["person_id", "fom"], kind="stable")
    same = spells["person_id"].eq(spells["person_id"].shift(-1))
    following = spells["fom"].shift(-1) - pd.Timedelta(days=1)
    assert (spells["tom"][same] == following[same]).all()
    ends = spells[~same]  # each person's last spell: open, or closed on the day of death
    people = participants(delivery).set_index("person_id")
    death = people.loc[ends["person_id"], "death"].to_numpy()
    assert (
        (ends["tom"].isna().to_numpy() & pd.isna(death)) | (ends["tom"].to_numpy() == death)
    ).all()

    # exactly one spell covers each month-end of each panel person
    panel = panel_persons(delivery)
    cells = spells[spells["person_id"].isin(panel["person_id"])].merge(
        pd.DataFrame({"month_end": MONTH_ENDS}), how="cross"
    )
    covering = (cells["fom"] <= cells["month_end"]) & (
        cells["tom"].isna() | (cells["tom"] >= cells["month_end"])
    )
    count = cells[covering].groupby(["person_id", "month_end"]).size()
    assert len(count) == len(panel) * len(MONTHS) and (count == 1).all()

    # movers at about move_rate_per_year, and every region with persons in it
    movers = spells.groupby("person_id").size().gt(1).sum()
    expected = len(people) * (1 - (1 - MODEL.move_rate_per_year) ** (len(MONTHS) / 12))
    assert 0.75 * expected < movers < 1.25 * expected
    first = region_by_month(delivery).query("t == 0")["region"].value_counts(normalize=True)
    assert set(first.index) == set(MODEL.regions)
    assert first.min() > 0.01 and first["03"] > 0.09 and first["20"] < 0.04


def baseline_persons(path: Path) -> set[str]:
    """Persons the study's rule (b) finds: an NPR contact with inn_date in the baseline
    window, or a chapter-P sick-leave piece overlapping it."""
    lo, hi = BASELINE
    npr = read_rows(path / "npr.csv")
    inn = day(npr["inn_date"])
    found = set(npr["person_id"][(inn >= lo) & (inn <= hi)])
    for name in ("sykepenger", "sykmeldinger"):
        rows = read_rows(path / f"{name}.csv")
        fom, tom = day(rows["fom_date"]), day(rows["tom_date"])
        overlap = (fom <= hi) & (tom.isna() | (tom >= lo))
        found |= set(rows["person_id"][overlap & rows["diagnose"].str.startswith("P")])
    return found


@pytest.mark.parametrize("which", ["delivery", "clean"])
def test_the_target_rule_finds_exactly_the_planted_persons(which, request) -> None:
    path = request.getfixturevalue(which)
    planted = read_rows(path / "truth" / "target.csv")
    panel = set(panel_persons(path)["person_id"])
    assert baseline_persons(path) & panel == set(planted["person_id"])
    assert abs(len(planted) / len(panel) - MODEL.target_share) < 0.02
    # each planted criterion shows on its own
    lo, hi = BASELINE
    npr = read_rows(path / "npr.csv")
    inn = day(npr["inn_date"])
    with_contact = set(npr["person_id"][(inn >= lo) & (inn <= hi)])
    assert set(planted["person_id"][planted["npr_contact"] == "1"]) <= with_contact
    # nobody outside the target population has a chapter-P diagnosis, ever
    for name in ("sykepenger", "sykmeldinger"):
        rows = read_rows(path / f"{name}.csv")
        p = set(rows["person_id"][rows["diagnose"].str.startswith("P")]) & panel
        assert p <= set(planted["person_id"])
    assert not (baseline_persons(path) - set(planted["person_id"])) & panel


def start_index() -> dict[str, float]:
    """Each region's start as a month index of the window (never: infinity)."""
    return {
        r.code: np.inf if r.start is None else MONTHS.get_loc(pd.Period(r.start, "M"))
        for r in STUDY.rollout.regions
    }


def month_index(yyyymmdd: pd.Series) -> np.ndarray:
    return (
        (yyyymmdd.str[:4].astype(int) - 2010) * 12 + yyyymmdd.str[4:6].astype(int) - 1
    ).to_numpy()


def employed_from_aa(path: Path, persons: pd.Series) -> np.ndarray:
    """Persons x months: an ordinary or maritime relationship active in the month
    (from its start to its reported end, open ones to the window's end)."""
    aa = read_rows(path / "aa_arbeidsforhold.csv")
    aa = aa[aa["arbeidsforhold_type"].isin(["ordinaert", "maritimt"])]
    aa = aa.assign(end_date=aa["end_date"].replace("", None))
    spans = aa.groupby("arbeidsforhold_id").agg(
        person_id=("person_id", "first"), start=("start_date", "min"), end=("end_date", "max")
    )
    first = np.maximum(month_index(spans["start"]), 0)
    last = month_index(spans["end"].fillna("20160430"))
    row = pd.Index(persons).get_indexer(spans["person_id"])
    out = np.zeros((len(persons), len(MONTHS)), dtype=bool)
    for r, a, b in zip(row, first, last, strict=True):
        if r >= 0:
            out[r, a : b + 1] = True
    return out


def truth_panel(path: Path) -> pd.DataFrame:
    with gzip.open(path / "truth" / "person_month.csv.gz", "rt") as handle:
        frame = pd.read_csv(handle, sep=";", dtype={"person_id": str})
    return frame.sort_values(["person_id", "month"], kind="stable")


def region_month_from_files(path: Path) -> pd.DataFrame:
    """The target persons observed per region and month, and their employed and
    employed_cf, from bosted.csv, participants.csv, target.csv, aa_arbeidsforhold.csv
    and truth's employed_cf."""
    panel = panel_persons(path).sort_values("person_id")
    truth = truth_panel(path)
    assert sorted(set(truth["person_id"])) == list(panel["person_id"])
    employed = employed_from_aa(path, panel["person_id"])
    assert (employed.ravel() == truth["employed"].to_numpy().astype(bool)).all()
    cf = truth["employed_cf"].to_numpy().astype(bool).reshape(len(panel), len(MONTHS))
    assert (employed >= cf).all()  # the programme only adds months in work
    frame = pd.DataFrame(
        {
            "person_id": np.repeat(panel["person_id"].to_numpy(), len(MONTHS)),
            "t": np.tile(np.arange(len(MONTHS)), len(panel)),
            "employed": employed.ravel(),
            "employed_cf": cf.ravel(),
            "age": np.tile(MONTHS.year, len(panel))
            - np.repeat(panel["birth_year"].to_numpy(), len(MONTHS)),
        }
    )
    frame = frame.merge(region_by_month(path), on=["person_id", "t"], how="left")
    assert frame["region"].notna().all()
    target = set(read_rows(path / "truth" / "target.csv")["person_id"])
    lo, hi = STUDY.rollout.target.ages
    observed = frame["person_id"].isin(target) & frame["age"].between(lo, hi)
    # the programme changes no one else
    changed = frame["employed"] != frame["employed_cf"]
    started = frame["t"] >= frame["region"].map(start_index())
    assert not (changed & ~(observed & started)).any()
    return (
        frame[observed]
        .groupby(["region", "t"])
        .agg(n=("person_id", "size"), employed=("employed", "sum"), cf=("employed_cf", "sum"))
        .reset_index()
    )


def test_the_realised_effect_is_what_the_registers_show(clean) -> None:
    cells = region_month_from_files(clean)
    written = pd.read_csv(clean / "truth" / "region_month.csv", sep=";", dtype={"region": str})
    written["t"] = (written["month"] // 100 - 2010) * 12 + written["month"] % 100 - 1
    both = written.merge(cells, on=["region", "t"], how="left").fillna({"n": 0})
    assert (both["n_target"] == both["n"]).all()
    seen = both["n"] > 0
    assert (both.loc[seen, "n_employed"] == both.loc[seen, "employed"]).all()
    assert (both.loc[seen, "n_employed_cf"] == both.loc[seen, "cf"]).all()
    effect = (both["employed"] - both["cf"]) / both["n"]
    assert np.allclose(both.loc[seen, "realised_effect"], effect[seen], rtol=0, atol=1e-12)

    # ATT(g,t) and its aggregations: the estimator itself, on a frame whose share is
    # the realised effect (0 before the start and in regions never treated), so that
    # each of its differences in differences is the treated cell's realised effect
    start = {r.code: r.start for r in STUDY.rollout.regions}
    frame = pd.DataFrame(
        {
            "region": both["region"],
            "month": [MONTHS[t].start_time for t in both["t"]],
            "start_month": [start[r] for r in both["region"]],
            "share_effect": effect.fillna(0.0),
            "n_effect": both["n"],
        }
    )
    gt = rollout.group_time_att(frame, "effect", STUDY.rollout.control_group, draws=99)
    overall = rollout.overall_att(gt).estimate
    event = rollout.event_study(gt, STUDY.rollout.event_window).table["estimate"]
    planted = json.loads((clean / "truth" / "rollout.json").read_text())
    assert planted["outcome"] == STUDY.rollout.primary_outcome == "employed"
    assert planted["att"] == pytest.approx(overall, abs=1e-12)
    assert {int(e) for e in planted["event_study"]} == set(event.index)
    for e, theta in planted["event_study"].items():
        assert theta == pytest.approx(event.loc[int(e)], abs=1e-12), e
        if int(e) < 0:
            assert theta == 0.0
    post = gt.cells[gt.cells["post"]]
    assert len(planted["group_time"]) == len(post)
    for cell, att in zip(planted["group_time"], post["att"], strict=True):
        assert cell["att"] == pytest.approx(att, abs=1e-12)


def test_the_planted_effect_is_realised_in_expectation(clean) -> None:
    """Over every treated target person-month, the realised effect is the planted
    min(at_start + per_month e, max), up to sampling noise."""
    planted = json.loads((clean / "truth" / "rollout.json").read_text())
    cells = planted["group_time"]
    persons = np.array([c["target_persons"] for c in cells], dtype=float)
    realised = np.array([c["att"] for c in cells]) @ persons / persons.sum()
    e = np.array([c["e"] for c in cells])
    expected = np.minimum(MODEL.at_start + MODEL.per_month * e, MODEL.max_effect) @ persons
    expected /= persons.sum()
    # a binomial share of the treated person-months (persistent, so months are not
    # independent: a wide margin)
    assert abs(realised - expected) < 0.02
    assert planted["planted"]["effect"] == {"at_start": 0.01, "per_month": 0.002, "max": 0.06}


def test_the_delivery_reads_through_the_recovery_reader(delivery) -> None:
    from rtwpanel.analysis.rollout_tables import read_planted_rollout

    planted = read_planted_rollout(delivery)
    assert planted is not None and planted.outcome == "employed"
    assert planted.att is not None and 0 < planted.att < MODEL.max_effect
    lo, hi = STUDY.rollout.event_window
    assert sorted(planted.event_study) == list(range(lo, hi + 1))


def test_gzip_writes_residence_compressed(tmp_path) -> None:
    generate_delivery(tmp_path / "plain", persons=300, study="ipsnor")
    generate_delivery(tmp_path / "gz", persons=300, study="ipsnor", gzip_level=1)
    assert not (tmp_path / "gz" / "bosted.csv").exists()
    plain = (tmp_path / "plain" / "bosted.csv").read_bytes()
    assert gzip.decompress((tmp_path / "gz" / "bosted.csv.gz").read_bytes()) == plain


def test_generate_command_takes_the_study(tmp_path, capsys) -> None:
    out = tmp_path / "cli"
    assert main(["generate", "--study", "ipsnor", "--persons", "200", "--out", str(out)]) == 0
    assert "200 persons" in capsys.readouterr().out
    effects = json.loads((out / "truth" / "effects.json").read_text())
    assert effects["study"] == "ipsnor" and effects["seed"] == 20130101
    assert effects["synthetic"]["persons"] == 40_000  # the default, when --persons is not given


def _study_with(tmp_path: Path, old: str, new: str) -> Path:
    text = STUDY.path.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ipsnor.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    base_others:", "    base_other:", r"synthetic\.employment\.base_other: is not read"),
        ("  move_rate_per_year:", "  move_rate:", r"key synthetic\.move_rate: is not read"),
        ("    '20': 105\n", "", r"key synthetic\.region_shares\.20: is missing"),
        ("    '03': 634", "    03: 634", r"synthetic\.region_shares\.3: write the code"),
        ("npr_contact: 0.7", "npr_contact: 0.4", r"key synthetic\.planted: npr_contact \+ sick"),
        ("    persistence: 0.95", "    persistence: 1.5", r"synthetic\.employment\.persistence"),
        ("    max: 0.06", "    max: high", r"key synthetic\.effect\.max: must be a number"),
    ],
)
def test_a_bad_synthetic_section_is_refused(tmp_path, old, new, message) -> None:
    study = load_study(_study_with(tmp_path, old, new))
    with pytest.raises(RtwError, match=re.escape(str(tmp_path / "ipsnor.yml"))) as err:
        load_rollout_model(study)
    assert err.match(message)
