"""Small-cell suppression on hand-made tables."""

from __future__ import annotations

import pandas as pd

from rtwpanel.analysis.suppression import HIDDEN, hidden_cells, publish
from rtwpanel.analysis.table import Table, share_support

ROWS = ["grunnskole", "vgs_grunn", "vgs_fullfort", "hoyere", "total"]
COLS = ["TAU", "IPS", "Total"]


def education_counts() -> Table:
    counts = pd.DataFrame(
        [[90, 100, 190], [3, 8, 11], [50, 60, 110], [38, 59, 97], [181, 227, 408]],
        index=ROWS,
        columns=COLS,
    )
    columns = [[(row, col) for row in ROWS] for col in COLS]
    rows = [[(row, col) for col in COLS] for row in ROWS]
    return Table(
        key="t",
        title="education by arm",
        values=counts,
        support=counts.astype(float),
        additive_groups=columns + rows,
    )


def test_primary_and_secondary_cells_are_hidden() -> None:
    # (vgs_grunn, TAU) = 3 is primary. Its column then needs one more hidden cell
    # (hoyere TAU, 38, the smallest), its row too (vgs_grunn IPS, 8); the row of
    # hoyere then needs a second hidden cell (hoyere IPS, 59), which also gives
    # the IPS column its second one.
    assert hidden_cells(education_counts(), threshold=5) == {
        ("vgs_grunn", "TAU"),
        ("vgs_grunn", "IPS"),
        ("hoyere", "TAU"),
        ("hoyere", "IPS"),
    }


def test_no_group_has_a_single_hidden_cell() -> None:
    table = education_counts()
    hidden = hidden_cells(table, threshold=10)
    for group in table.additive_groups:
        assert sum(cell in hidden for cell in group) != 1
    assert all(
        (row, col) in hidden for row in ROWS for col in COLS if table.support.at[row, col] < 10
    )


def test_threshold_is_a_setting() -> None:
    assert hidden_cells(education_counts(), threshold=3) == set()


def test_published_text_hides_the_values() -> None:
    published = publish(education_counts(), threshold=5)
    assert published.text.at["vgs_grunn", "TAU"] == HIDDEN
    assert published.text.at["hoyere", "IPS"] == HIDDEN
    assert published.text.at["grunnskole", "TAU"] == "90"
    assert published.n_hidden == 4
    visible = set(published.text.to_numpy().ravel())
    assert not {"3", "8", "38", "59"} & visible


def test_cells_without_persons_are_never_primary() -> None:
    values = pd.DataFrame({"coef": [0.1, 0.2]}, index=["a", "b"])
    support = pd.DataFrame({"coef": [float("nan"), 2.0]}, index=["a", "b"])
    table = Table("t", "t", values, support)
    assert hidden_cells(table) == {("b", "coef")}


def test_share_support_counts_both_sides() -> None:
    assert share_support(200, 2) == 2  # two persons with the status
    assert share_support(200, 198) == 2  # two persons without it
    assert share_support(200, 0) == 200  # nobody: rests on all
    assert share_support(3, 1) == 1


def test_integer_labels_keep_their_support() -> None:
    values = pd.DataFrame({"rate": [0.5, 0.25]}, index=[1, 2])
    support = pd.DataFrame({"rate": [100.0, 3.0]}, index=[1, 2])
    assert hidden_cells(Table("t", "t", values, support)) == {("2", "rate")}


def test_support_must_cover_every_cell() -> None:
    import pytest

    values = pd.DataFrame({"rate": [0.5, 0.25]}, index=["a", "b"])
    support = pd.DataFrame({"rate": [100.0]}, index=["a"])
    with pytest.raises(ValueError, match="support"):
        Table("t", "t", values, support)
