"""Exports: wide CSV, codebook, SPSS syntax, R labels, CSV-injection guard."""

import csv
import io
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datasette_plugins import exports
from tests.fixtures.datasette import GROUP_SIZES
from tests.fixtures.datasette import actor_cookie


@pytest.fixture
def conn(evaluation_db):
    connection = sqlite3.connect(f"file:{evaluation_db[0]}?mode=ro", uri=True)
    yield connection
    connection.close()


def manager_instrument(conn):
    return conn.execute("select id from instruments where group_key = 'manager' order by version desc").fetchone()[0]


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"])
def test_neutralise_defuses_formula_starts(cell):
    assert exports.neutralise(cell) == "'" + cell


@given(st.one_of(st.integers(), st.none(), st.text()))
def test_neutralise_leaves_safe_cells_alone(cell):
    result = exports.neutralise(cell)
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert result == "'" + cell
    else:
        assert result == cell


def test_wide_csv_has_one_row_per_response_and_a_column_per_variable(conn):
    instrument_id = manager_instrument(conn)
    rows = list(csv.reader(io.StringIO(exports.wide_csv(conn, instrument_id))))
    header, data = rows[0], rows[1:]
    assert header[:6] == ["response_id", "process_id", "group_key", "language", "submitted_on", "is_synthetic"]
    assert len(data) == len(GROUP_SIZES[(1, "manager")]) + len(GROUP_SIZES[(2, "manager")])
    assert [v["variable"] for v in exports.variables(conn, instrument_id)] == header
    column = header.index("attitude_user_involvement")
    assert sorted(int(r[column]) for r in data) == sorted(GROUP_SIZES[(1, "manager")] + GROUP_SIZES[(2, "manager")])
    # The free-text formula from the fixture arrives defused.
    comments = header.index("overall_comments")
    assert "'=HYPERLINK(\"http://x\")" in [r[comments] for r in data]


def test_labelled_csv_uses_value_labels_in_the_chosen_language(conn):
    instrument_id = manager_instrument(conn)
    labels = dict(conn.execute(
        "select value, label_sv from question_choices c join questions q on q.id = c.question_id "
        "where q.instrument_id = ? and q.key = 'attitude_user_involvement'", [instrument_id]
    ).fetchall())
    rows = list(csv.reader(io.StringIO(exports.wide_csv(conn, instrument_id, labels=True))))
    column = rows[0].index("attitude_user_involvement")
    assert {r[column] for r in rows[1:]} <= set(labels.values())
    assert labels[9] in {r[column] for r in rows[1:]}  # a manager answered "don't know"


def test_codebook_lists_every_variable_with_texts_types_labels_theme_and_version(conn):
    instrument_id = manager_instrument(conn)
    rows = list(csv.DictReader(io.StringIO(exports.codebook_csv(conn, instrument_id))))
    by_name = {r["variable"]: r for r in rows}
    item = by_name["attitude_user_involvement"]
    assert item["type"] == "likert" and item["theme"] == "attitude" and item["core"] == "1"
    assert item["text_sv"] and item["text_en"] and "9=" in item["values"]
    assert item["instrument"] == "manager" and item["version"]
    assert any(name.startswith("continue_levels__") for name in by_name)
    markdown = exports.codebook_markdown(conn, instrument_id)
    assert "| `attitude_user_involvement` | likert | attitude | yes |" in markdown
    assert markdown.count("\n| `") == len(rows)


def test_spss_syntax_labels_variables_and_values(conn):
    syntax = exports.spss_syntax(conn, manager_instrument(conn))
    assert syntax.startswith("* Medverkan")
    assert "VARIABLE LABELS\n  response_id " in syntax
    assert "VALUE LABELS" in syntax and "attitude_user_involvement 1 " in syntax
    assert "MISSING VALUES" in syntax and "(9)." in syntax
    assert syntax.rstrip().endswith("EXECUTE.")
    # Every command ends with a period; quotes inside labels are doubled.
    for block in syntax.split("\n") :
        assert block.count('"') % 2 == 0


def test_r_script_makes_factors_with_labels(conn):
    script = exports.r_labels(conn, manager_instrument(conn), lang="en")
    assert 'd[["attitude_user_involvement"]] <- factor(d[["attitude_user_involvement"]], levels = c(1, 2, 3, 4, 5, 9)' in script
    assert "variable_labels <- c(" in script


def test_unknown_instrument_raises_lookup_error(conn):
    with pytest.raises(LookupError):
        exports.variables(conn, 424242)


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["data.csv", "labelled.csv", "codebook.csv", "codebook.md", "labels.sps", "labels.R"])
async def test_export_downloads_for_evaluators(ds, kind):
    response = await ds.client.get(f"/-/medverkan/export/2/{kind}", cookies=actor_cookie(ds, "eva", "evaluator"))
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert "attitude_user_involvement" in response.text


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/-/medverkan/export/999/data.csv", "/-/medverkan/export/1/data.exe"])
async def test_unknown_exports_are_404(ds, path):
    assert (await ds.client.get(path, cookies=actor_cookie(ds, "eva", "evaluator"))).status_code == 404
