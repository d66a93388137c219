"""Planted defects: the manifest names every one, and only those, at the asked rates."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from deliveries import Delivery, chain_episodes, parse_date
from rtwpanel.errors import RtwError
from rtwpanel.synthetic import DEFAULT_DEFECT_RATES, DEFECT_KINDS, generate_delivery, parse_defects

# Higher rates than the default, so that the realised shares can be checked.
RATES = dict(DEFAULT_DEFECT_RATES) | {
    "duplicate_row": 0.03,
    "bad_date": 0.02,
    "aa_missing_end": 0.2,
    "aa_registered_after_end": 0.1,
    "aa_start_changed": 0.1,
    "sick_leave_mismatch": 0.2,
}


@pytest.fixture(scope="module")
def delivery(tmp_path_factory) -> Delivery:
    out = tmp_path_factory.mktemp("defects")
    generate_delivery(out, defect_rates=RATES)
    return Delivery(out)


def relationships(d: Delivery) -> dict[str, list[dict[str, str]]]:
    rels: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in d.sound["aa_arbeidsforhold"]:
        rels[r["arbeidsforhold_id"]].append(r)
    for regs in rels.values():
        regs.sort(key=lambda r: r["reg_month"])
    return rels


def test_missing_end_dates_are_exactly_the_planted_ones(delivery: Delivery) -> None:
    rels = relationships(delivery)
    found = {
        key
        for key, regs in rels.items()
        if not any(r["end_date"] for r in regs) and regs[-1]["reg_month"] < "201604"
    }
    assert found == delivery.entity_keys("aa_missing_end")
    ended = [k for k, regs in rels.items() if regs[-1]["reg_month"] < "201604"]
    share = len(found) / len(ended)
    # binomial: about 500 ended relationships, sd of the share about 0.02; only
    # those ending at least four months before the window's end are eligible
    assert 0.12 < share < 0.25, share


def test_registrations_after_the_end_are_exactly_the_planted_ones(delivery: Delivery) -> None:
    found = set()
    for key, regs in relationships(delivery).items():
        ends = [r["end_date"] for r in regs if r["end_date"]]
        if ends and regs[-1]["reg_month"] > ends[-1][:6]:
            found.add(key)
    assert found == delivery.entity_keys("aa_registered_after_end")
    assert len(found) > 10


def test_changed_start_dates_are_exactly_the_planted_ones(delivery: Delivery) -> None:
    found = {
        key
        for key, regs in relationships(delivery).items()
        if len({r["start_date"] for r in regs}) > 1
    }
    assert found == delivery.entity_keys("aa_start_changed")
    for key in found:  # the latest registration carries the true (latest) start
        regs = relationships(delivery)[key]
        assert regs[-1]["start_date"] == max(r["start_date"] for r in regs)


def test_sick_leave_mismatches_are_exactly_the_planted_ones(delivery: Delivery) -> None:
    spells = defaultdict(list)
    for r in delivery.sound["sykepenger"]:
        spells[r["person_id"]].append(
            (parse_date(r["fom_date"]), parse_date(r["tom_date"]), r["sykefravaer_id"])
        )
    certs = defaultdict(list)
    for r in delivery.sound["sykmeldinger"]:
        certs[r["person_id"]].append(
            (parse_date(r["fom_date"]), parse_date(r["tom_date"]), r["sykmelding_id"])
        )
    found: dict[str, str] = {}
    matched = set()
    for person, items in certs.items():
        for fom, tom in chain_episodes(items):
            hits = [s for s in spells.get(person, []) if s[0] <= tom and s[1] >= fom]
            assert len(hits) <= 1, "an episode overlaps several spells"
            if hits:
                spell_fom, spell_tom, key = hits[0]
                matched.add(key)
                kinds = [fom != spell_fom, tom != spell_tom]
                if any(kinds):
                    found[key] = {(True, False): "start", (False, True): "stop"}.get(
                        tuple(kinds), "both"
                    )
                    # days to a few weeks, not years
                    assert abs((fom - spell_fom).days) <= 21 and abs((tom - spell_tom).days) <= 21
    planted = delivery.manifest[delivery.manifest["kind"] == "sick_leave_mismatch"]
    assert found == dict(zip(planted["key"], planted["detail"], strict=True))
    all_spells = {s[2] for items in spells.values() for s in items}
    assert matched == all_spells  # every register spell has its certificates
    assert 0.1 < len(found) / len(all_spells) < 0.32  # rate 0.2 of about 150 spells


def test_row_level_counts_follow_the_rates(delivery: Delivery) -> None:
    """Each kind is injected as round(rate x sound rows) rows per source (rounded at
    random up or down), so the count is within one of the expectation."""
    counts = delivery.manifest[delivery.manifest["line"] != ""].groupby(["source", "kind"]).size()
    for (source, kind), count in counts.items():
        sound = len(delivery.sound[source])
        assert abs(count - RATES[kind] * sound) <= 1, (source, kind, count, sound)
    kinds = set(counts.index.get_level_values("kind"))
    assert kinds == {k for k in DEFECT_KINDS if not k.startswith(("aa_", "sick_"))}


def test_default_rates_keep_the_quarantine_share_below_the_fail_threshold(tmp_path) -> None:
    generate_delivery(tmp_path)
    d = Delivery(tmp_path)
    rows = d.manifest[(d.manifest["line"] != "") & (d.manifest["kind"] != "duplicate_row")]
    for source, lines in d.lines.items():
        if source in ("participants", "coverage"):
            continue
        share = (rows["source"] == source).sum() / (len(lines) - 1)
        assert 0 < share < 0.05, (source, share)


def test_defects_do_not_change_the_truth(clean_delivery: Path, delivery: Delivery) -> None:
    """The sound records (and so the truth) are drawn apart from the defects: the same
    seed without defects (clean_delivery) and with this module's RATES."""
    truth = Path("truth") / "person_month.csv.gz"
    assert (clean_delivery / truth).read_bytes() == (delivery.path / truth).read_bytes()
    assert (clean_delivery / "ytelser.csv").read_bytes() != (
        delivery.path / "ytelser.csv"
    ).read_bytes()


def test_parse_defects() -> None:
    assert parse_defects("none") == dict.fromkeys(DEFECT_KINDS, 0.0)
    assert parse_defects("default") == DEFAULT_DEFECT_RATES
    rates = parse_defects("bad_date=0.1, aa_missing_end=0")
    assert rates["bad_date"] == 0.1 and rates["aa_missing_end"] == 0.0
    assert rates["duplicate_row"] == DEFAULT_DEFECT_RATES["duplicate_row"]
    for bad in ("bad_date", "nonsense=0.1", "bad_date=x", "bad_date=0.9"):
        with pytest.raises(RtwError):
            parse_defects(bad)


def test_dates_in_the_manifest_details_are_the_bad_values(delivery: Delivery) -> None:
    rows = delivery.manifest[delivery.manifest["kind"] == "bad_date"]
    assert len(rows) > 0
    assert all(parse_date(value) is None for value in rows["detail"])
    assert date(2013, 12, 31) == parse_date("20131231")


def test_another_studys_entity_defects_are_exactly_the_manifests(tmp_path) -> None:
    """The second trial (studies/jobbmestring.yml): its sick-leave spells at grade 100
    (whole months) and the graded ones keep the certificate chains apart, so the
    mismatches found are the planted ones, as for ips; and so are the employment
    defects."""
    generate_delivery(tmp_path, persons=500, study="jobbmestring", defect_rates=RATES)
    d = Delivery(tmp_path)
    test_sick_leave_mismatches_are_exactly_the_planted_ones(d)
    test_registrations_after_the_end_are_exactly_the_planted_ones(d)
    test_changed_start_dates_are_exactly_the_planted_ones(d)
