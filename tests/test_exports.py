"""The exports page's files (issue 14): every file of a questionnaire version
from ``research.downloads`` — data as codes or labels, plain and Swedish-Excel
CSV, codebooks, SPSS syntax and R script — with random text response keys,
never the stored 62-bit id, and the first-wave addresses still answering."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from research.safe_csv import neutralise
from tests.fixtures.datasette import GROUP_SIZES
from tests.fixtures.datasette import actor_cookie

EXACT_LIMIT = 2**53  # the largest integer R, SPSS and Stata hold exactly (Excel: 15 digits)


async def get(ds, path):
    return await ds.client.get(path, cookies=actor_cookie(ds, "eva", "evaluator"))


def manager_instrument(served):
    with sqlite3.connect(served) as conn:
        return conn.execute(
            "select instrument_id from responses where group_key = 'manager' group by instrument_id order by count(*) desc"
        ).fetchone()[0]


def stored_ids(served):
    with sqlite3.connect(served) as conn:
        return {str(row[0]) for row in conn.execute("select id from responses")}


def _rows(body: bytes, excel: bool = False):
    text = body.decode("utf-8-sig" if excel else "utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if excel else ","))


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["data.csv", "data.excel.csv", "labelled.csv", "labelled.excel.csv"])
async def test_data_files_carry_random_text_keys_never_the_stored_ids(ds, evaluation_db, kind):
    """The attack: look for any stored response id, or any number past 2^53, in a downloaded data file."""
    served = evaluation_db[0]
    body = (await get(ds, f"/-/medverkan/export/{manager_instrument(served)}/{kind}")).content
    rows = _rows(body, excel=".excel." in kind)
    header = rows[0]
    assert header[0] == "response_key" and "response_id" not in header
    cells = {cell for row in rows for cell in row}
    assert not cells & stored_ids(served)
    numbers = [int(c) for c in cells if c.lstrip("-").isdigit()]
    assert all(abs(n) < EXACT_LIMIT for n in numbers)
    keys = [row[0] for row in rows[1:]]
    assert len(set(keys)) == len(keys) and all(k.startswith("R") and len(k) == 9 for k in keys)


@pytest.mark.asyncio
async def test_two_downloads_cannot_be_joined_on_their_keys(ds, evaluation_db):
    path = f"/-/medverkan/export/{manager_instrument(evaluation_db[0])}/data.csv"
    first = {row[0] for row in _rows((await get(ds, path)).content)[1:]}
    second = {row[0] for row in _rows((await get(ds, path)).content)[1:]}
    assert first and not first & second


@pytest.mark.asyncio
async def test_data_csv_has_one_row_per_response_with_process_code_department_and_year(ds, evaluation_db):
    served = evaluation_db[0]
    rows = _rows((await get(ds, f"/-/medverkan/export/{manager_instrument(served)}/data.csv")).content)
    header, data = rows[0], rows[1:]
    assert {"process_code", "department", "year", "instrument_version"} <= set(header)
    assert len(data) == len(GROUP_SIZES[(1, "manager")]) + len(GROUP_SIZES[(2, "manager")])
    column = header.index("attitude_user_involvement")
    assert sorted(int(r[column]) for r in data) == sorted(GROUP_SIZES[(1, "manager")] + GROUP_SIZES[(2, "manager")])
    with sqlite3.connect(served) as conn:
        codes = {row[0] for row in conn.execute("select code from processes")}
    assert {r[header.index("process_code")] for r in data} <= codes
    # The free-text formula from the fixture arrives defused.
    assert "'=HYPERLINK(\"http://x\")" in [r[header.index("overall_comments")] for r in data]


@pytest.mark.asyncio
async def test_labelled_csv_uses_value_labels_in_the_chosen_language(ds, evaluation_db):
    served = evaluation_db[0]
    instrument_id = manager_instrument(served)
    with sqlite3.connect(served) as conn:
        labels = dict(conn.execute(
            "select value, label_en from question_choices c join questions q on q.id = c.question_id "
            "where q.instrument_id = ? and q.key = 'attitude_user_involvement'", [instrument_id]
        ).fetchall())
    rows = _rows((await get(ds, f"/-/medverkan/export/{instrument_id}/labelled.csv?lang=en")).content)
    column = rows[0].index("attitude_user_involvement")
    assert {r[column] for r in rows[1:]} <= set(labels.values())
    assert labels[9] in {r[column] for r in rows[1:]}  # a manager answered "don't know"


@pytest.mark.asyncio
async def test_swedish_excel_files_have_bom_semicolons_and_the_same_content(ds, evaluation_db):
    instrument_id = manager_instrument(evaluation_db[0])
    plain = _rows((await get(ds, f"/-/medverkan/export/{instrument_id}/codebook.csv")).content)
    response = await get(ds, f"/-/medverkan/export/{instrument_id}/codebook.excel.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert _rows(response.content, excel=True) == plain


@pytest.mark.asyncio
async def test_codebook_lists_every_variable_with_missing_codes_and_skip_conditions(ds, evaluation_db):
    instrument_id = manager_instrument(evaluation_db[0])
    rows = list(csv.DictReader(io.StringIO((await get(ds, f"/-/medverkan/export/{instrument_id}/codebook.csv")).text)))
    by_name = {r["variable"]: r for r in rows}
    item = by_name["attitude_user_involvement"]
    assert item["type"] == "likert" and item["theme"] == "attitude" and item["core"] == "core"
    assert item["label_sv"] and item["label_en"] and "9=" in item["values"] and item["missing"].startswith("9=")
    data_header = _rows((await get(ds, f"/-/medverkan/export/{instrument_id}/data.csv")).content)[0]
    assert [r["variable"] for r in rows] == data_header
    markdown = (await get(ds, f"/-/medverkan/export/{instrument_id}/codebook.md")).text
    assert "`attitude_user_involvement`" in markdown and "## Scales" in markdown
    page = await get(ds, f"/-/medverkan/export/{instrument_id}/codebook.html")
    assert page.headers["content-type"].startswith("text/html") and "<table" in page.text


@pytest.mark.asyncio
async def test_spss_syntax_reads_the_downloaded_csv_by_its_name(ds, evaluation_db):
    instrument_id = manager_instrument(evaluation_db[0])
    data = await get(ds, f"/-/medverkan/export/{instrument_id}/data.csv")
    data_name = data.headers["content-disposition"].split('filename="')[1].rstrip('"')
    syntax = (await get(ds, f"/-/medverkan/export/{instrument_id}/labels.sps")).text
    assert f"/FILE='{data_name}'" in syntax and "GET DATA" in syntax
    assert "MISSING VALUES attitude_user_involvement (9)." in syntax
    script = (await get(ds, f"/-/medverkan/export/{instrument_id}/labels.R")).text
    assert f'read.csv("{data_name}"' in script and "ordered = TRUE" in script


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["data.csv", "labelled.csv", "codebook.csv", "codebook.md", "labels.sps", "labels.R"])
async def test_first_wave_addresses_still_download(ds, evaluation_db, kind):
    response = await get(ds, f"/-/medverkan/export/{manager_instrument(evaluation_db[0])}/{kind}")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert "attitude_user_involvement" in response.text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path", ["/-/medverkan/export/999/data.csv", "/-/medverkan/export/1/data.exe", "/-/medverkan/export/1/..csv"]
)
async def test_unknown_exports_are_404(ds, path):
    assert (await get(ds, path)).status_code == 404


@pytest.mark.asyncio
async def test_exports_page_links_every_file_with_an_excel_variant(ds):
    html = (await get(ds, "/-/medverkan/exports")).text
    for kind in ("data.csv", "data.excel.csv", "labelled.excel.csv", "sav", "dta", "codebook.html", "codebook.excel.csv"):
        assert f"/{kind}" in html, kind
    assert "svenska Excel" in html


def test_the_long_cli_export_has_no_stored_ids_and_an_excel_dialect(evaluation_db):
    """``medverkan export`` (long format) writes this export's keys and can write for Swedish Excel."""
    from collector.ops.csv_export import COLUMNS
    from collector.ops.csv_export import export_rows
    from collector.ops.csv_export import write_csv

    served = evaluation_db[0]

    class Served:  # export_rows takes an sqlite-utils style object with .execute
        def __init__(self, conn):
            self.execute = conn.execute

    with sqlite3.connect(served) as conn:
        out = io.StringIO()
        write_csv(out, export_rows(Served(conn), 1), excel=True)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline=""), delimiter=";"))
    assert rows[0] == COLUMNS and "response_key" in COLUMNS
    assert not {c for row in rows for c in row} & stored_ids(served)
    assert all(neutralise(c) == c for row in rows for c in row)


@pytest.mark.asyncio
async def test_a_version_without_responses_gives_its_files_with_columns_and_no_rows(ds, evaluation_db, tmp_path):
    """A script written against a version must run before anyone answered (or with synthetic rows left out)."""
    import pyreadstat

    with sqlite3.connect(evaluation_db[0]) as conn:
        unanswered = conn.execute(
            "select id from instruments where id not in (select instrument_id from responses) limit 1"
        ).fetchone()[0]
    rows = _rows((await get(ds, f"/-/medverkan/export/{unanswered}/data.csv")).content)
    assert len(rows) == 1 and rows[0][0] == "response_key"
    sav = await get(ds, f"/-/medverkan/export/{unanswered}/sav")
    assert sav.status_code == 200
    (tmp_path / "empty.sav").write_bytes(sav.content)
    frame, meta = pyreadstat.read_sav(str(tmp_path / "empty.sav"))
    assert len(frame) == 0 and "response_key" in frame.columns and meta.column_labels
