"""What a failed build prints: the resource at fault and the setting to change, never a value.

dbt's output of a build that ran out of memory or disk, or whose reader failed on
a line, is planted in a DbtResult; the message `rtwpanel build` prints names the
resource and its setting (RTW_DUCKDB_MEMORY_LIMIT, RTW_DUCKDB_TEMP_DIR) and masks
anything shaped like a national identity number, in both its written forms.
"""

from __future__ import annotations

from rtwpanel.dbt_invocation import DbtResult, failure_message


def message_for(*lines: str) -> str:
    tail = ["Encountered an error:", *lines]
    return failure_message(DbtResult(returncode=2, seconds=1.0, log_tail=tail), "dbt build", {})


def test_out_of_memory_names_the_memory_limit_setting() -> None:
    text = message_for(
        "Runtime Error in model fct_person_month",
        "  Out of Memory Error: could not allocate block of size 256.0 KiB (1.9 GiB/2.0 GiB used)",
    )
    assert "DuckDB ran out of memory: lower RTW_DUCKDB_MEMORY_LIMIT" in text


def test_a_full_disk_names_the_temp_dir_setting() -> None:
    text = message_for(
        "Runtime Error in model int_employment_relationships",
        '  IO Error: Could not write file "warehouse/rtw.duckdb.tmp/duckdb_temp_storage-0.tmp":'
        " No space left on device",
    )
    assert "the disk is full: DuckDB spills to RTW_DUCKDB_TEMP_DIR" in text


def test_a_reader_error_never_shows_an_identity_number() -> None:
    text = message_for(
        "Runtime Error in model base_npr__verdicts",
        "  Invalid Input Error: CSV Error on Line: 6",
        "  Original Line: P0000001;01017012345;phv_poli;20140105;20140105",
        "  Original Line: P0000001;010170 12345;phv_poli;20140105;20140105",
    )
    assert "01017012345" not in text
    assert "010170 12345" not in text
    assert "<identity-number-shaped value>" in text
