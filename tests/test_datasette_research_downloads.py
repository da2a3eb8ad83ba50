"""Datasette's exports page offers the research files (issue 14): .sav and .dta
with labels and missing codes, and CSV for Swedish Excel, the same files as
``medverkan research export``, read back here with independent readers."""

from __future__ import annotations

import csv
import io

import pyreadstat
import pytest

from tests.fixtures.datasette import actor_cookie

pytestmark = pytest.mark.asyncio


async def get(ds, path, role="evaluator"):
    return await ds.client.get(path, cookies=actor_cookie(ds, "eva", role) if role else {})


async def _answered_instrument(ds):
    db = ds.get_database("medverkan")
    row = (await db.execute("select instrument_id, count(*) from responses group by instrument_id order by 2 desc limit 1")).first()
    return row[0], row[1]


async def test_exports_page_links_each_research_file(ds):
    html = (await get(ds, "/-/medverkan/exports")).text
    for kind in ("sav", "dta"):
        assert f"/{kind}?lang=" in html, kind
    assert "/data.excel.csv" in html
    assert "Forskningsfil för SPSS" in html


@pytest.mark.parametrize("kind, reader", [("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)])
async def test_stat_files_open_with_labels_and_one_row_per_response(ds, tmp_path, kind, reader):
    instrument_id, responses = await _answered_instrument(ds)
    response = await get(ds, f"/-/medverkan/research/{instrument_id}/{kind}")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith(f'.{kind}"')
    path = tmp_path / f"file.{kind}"
    path.write_bytes(response.content)
    frame, meta = reader(str(path))
    assert len(frame) == responses
    assert {"process_code", "department", "year", "response_key"} <= set(frame.columns)
    assert meta.variable_value_labels, "value labels travel with the file"
    keys = list(frame["response_key"])
    assert len(set(keys)) == len(keys) and all(isinstance(k, str) for k in keys)  # text keys, never the 62-bit id


async def test_swedish_excel_csv_has_bom_semicolons_and_neutralised_cells(ds):
    instrument_id, responses = await _answered_instrument(ds)
    body = (await get(ds, f"/-/medverkan/research/{instrument_id}/excel.csv")).content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == responses + 1
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


async def test_research_files_are_for_full_access_only_and_unknown_ids_are_404(ds):
    instrument_id, _ = await _answered_instrument(ds)
    assert (await get(ds, f"/-/medverkan/research/{instrument_id}/sav", role="management")).status_code == 403
    assert (await get(ds, f"/-/medverkan/research/{instrument_id}/sav", role=None)).status_code in (302, 403)
    assert (await get(ds, "/-/medverkan/research/99999999999999999999/sav")).status_code == 404
    assert (await get(ds, "/-/medverkan/research/987654/dta")).status_code == 404
