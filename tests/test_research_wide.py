"""Wide research CSVs: merge columns, one column per applicant, safe keys, Swedish Excel."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from research.identifiers import ExportKeys
from research.safe_csv import write_csv
from research.wide import export_wide
from tests.research_fixtures import demo_served  # noqa: F401
from tests.research_fixtures import demo_served_master  # noqa: F401
from tests.research_fixtures import served_rows


def _read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def candidates_v2(path) -> int:
    return served_rows(
        path, "select count(*) from responses r join instruments i on i.id = r.instrument_id where i.key = 'candidate' and i.version = 2"
    )[0][0]


def test_every_row_carries_process_code_department_year_post_level_and_version(demo_served, tmp_path):  # noqa: F811
    export_wide(demo_served, tmp_path, formats=("csv",), per_process=False, municipality="Helsingborg", include_synthetic=True)
    frame = _read(tmp_path / "union_v2.csv")
    processes = {code: (department, opened[:4], level) for code, department, opened, level in served_rows(
        demo_served, "select code, department, opened_on, post_level from processes")}
    assert len(frame) == served_rows(demo_served, "select count(*) from responses where group_key = 'union'")[0][0]
    for _, row in frame.iterrows():
        department, year, level = processes[row["process_code"]]
        assert (row["department"], row["year"]) == (department, year)
        assert row["municipality"] == "Helsingborg"
        assert row["instrument_key"] == "union" and row["instrument_version"] == "2"
        # The process's structured post level (the demo records one on every process).
        assert level and row["post_level"] == level
    assert "submitted_on" not in frame.columns


def test_screening_and_ranking_have_one_column_per_applicant(demo_served, tmp_path):  # noqa: F811
    export_wide(demo_served, tmp_path, formats=("csv",), per_process=False, include_synthetic=True)
    frame = _read(tmp_path / "representative_v2.csv")
    stored = served_rows(
        demo_served,
        "select p.code, q.key, a.item, a.value_int from answers a join questions q on q.id = a.question_id "
        "join processes p on p.id = a.process_id where q.type in ('screening', 'ranking')",
    )
    assert stored
    found = []
    for _, row in frame.iterrows():
        for column, value in row.items():
            if column.startswith(("screening_applicants__", "ranking_finalists__")) and value != "":
                key, suffix = column.split("__")
                found.append((row["process_code"], key, "Sökande " + suffix.upper(), int(value)))
    assert sorted(found) == sorted(stored)


def test_response_keys_are_text_unique_and_unlinked_to_stored_ids(demo_served, tmp_path):  # noqa: F811
    export_wide(demo_served, tmp_path / "a", formats=("csv",), per_process=False, include_synthetic=True)
    export_wide(demo_served, tmp_path / "b", formats=("csv",), per_process=False, include_synthetic=True)
    first = set(_read(tmp_path / "a" / "candidate_v2.csv")["response_key"])
    second = set(_read(tmp_path / "b" / "candidate_v2.csv")["response_key"])
    stored = {str(row[0]) for row in served_rows(demo_served, "select id from responses")}
    assert len(first) == candidates_v2(demo_served)
    assert not first & stored
    assert not first & second, "each export draws new keys"
    for key in first:
        assert key.startswith("R") and len(key) == 9
        with pytest.raises(ValueError):
            float(key)


def test_response_keys_do_not_follow_stored_id_order():
    keys = ExportKeys()
    stored = list(range(1, 201))
    drawn = [keys.key(i) for i in stored]
    assert drawn != sorted(drawn)
    assert keys.key(5) == drawn[4], "stable within one export"


def test_excel_csv_has_bom_semicolons_and_opens_in_pandas(demo_served, tmp_path):  # noqa: F811
    export_wide(demo_served, tmp_path, formats=("csv",), per_process=False, excel=True, include_synthetic=True)
    raw = (tmp_path / "candidate_v2.excel.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n")[0].decode("utf-8")
    assert header.startswith("response_key;municipality;process_code;")
    frame = pd.read_csv(tmp_path / "candidate_v2.excel.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert len(frame) == candidates_v2(demo_served)


def test_excel_dialect_writes_decimal_comma(tmp_path):
    write_csv(tmp_path / "x.csv", ["mean", "n"], [[2.5, 3], [4.0, 1]], excel=True)
    frame = pd.read_csv(tmp_path / "x.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert list(frame["mean"]) == [2.5, 4.0]
    assert (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()[1] == "2,5;3"


@pytest.mark.parametrize("excel", [False, True])
def test_formula_in_a_free_text_answer_is_neutralised(demo_served, tmp_path, excel):  # noqa: F811
    import sqlite3

    connection = sqlite3.connect(demo_served)
    connection.execute(
        "update answers set value_text = '=HYPERLINK(\"http://evil.test\",\"x\")' where rowid = "
        "(select a.rowid from answers a join questions q on q.id = a.question_id "
        "where q.key = 'union_concerns_what' and a.value_text is not null limit 1)"
    )
    connection.commit()
    connection.close()
    export_wide(demo_served, tmp_path, formats=("csv",), per_process=False, excel=excel, include_synthetic=True)
    name = "union_v2.excel.csv" if excel else "union_v2.csv"
    with open(tmp_path / name, encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in csv.reader(f, delimiter=";" if excel else ",") for cell in row]
    assert "'=HYPERLINK(\"http://evil.test\",\"x\")" in cells
    assert not any(cell.startswith("=") for cell in cells)
