"""Synthetic flags in the served database, the demo's refusal and the research exports (issue 12 part 2).

* m007_synthetic_flags / d003_free_text_synthetic_flag on a database made by
  the previous version: every response kept, the flags set from what that
  version knew;
* the demo marks what it invents (applicants' stages, the 2017 row's
  appointed applicant) and not Table 2, the report's real ratings;
* ``medverkan demo`` refuses a database holding real responses unless
  ``--force``;
* ``medverkan research export`` leaves synthetic rows out unless
  ``--include-synthetic``, and the codebook says which.
"""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from collector.db import connect
from collector.demo.case import CASE_CODE
from collector.migrations import migrate_served
from collector.migrations_served import served as served_steps
from collector.ops.cli import cli
from tests.fixtures.datasette import CORE_KEY
from tests.fixtures.datasette import TEXT_KEY

TABLE_2_ROWS = 18


def previous_version_database(path: str):
    """A served database migrated up to, not including, this change's steps."""
    from collector.brukarbank import migrations as brukarbank_migrations
    from collector.instruments import registry
    from collector.instruments.registry import sync_builtin_instruments
    from datasette_plugins import schema as datasette_schema

    db = connect(path)
    served_steps.apply(db, stop_before="m007_synthetic_flags")
    registry.migrations.apply(db)
    datasette_schema.migrations.apply(db, stop_before="d003_free_text_synthetic_flag")
    brukarbank_migrations.served_migrations.apply(db)
    sync_builtin_instruments(db)
    return db


def _answer(db, response_id, process_id, synthetic, value, text):
    instrument_id, question_id = db.execute(
        "select i.id, q.id from instruments i join questions q on q.instrument_id = i.id "
        "where i.group_key = 'manager' and q.key = ? order by i.version desc limit 1",
        [CORE_KEY],
    ).fetchone()
    text_id = db.execute("select id from questions where instrument_id = ? and key = ?", [instrument_id, TEXT_KEY]).fetchone()[0]
    db.execute(
        "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on, is_synthetic) "
        "values (?, ?, 'manager', ?, 'sv', '2017', ?)",
        [response_id, process_id, instrument_id, synthetic],
    )
    db.execute(
        "insert into answers (response_id, question_id, item, value_int, process_id, group_key) values (?, ?, '', ?, ?, 'manager')",
        [response_id, question_id, value, process_id],
    )
    db.execute(
        "insert into answers (response_id, question_id, item, value_text, process_id, group_key) values (?, ?, '', ?, ?, 'manager')",
        [response_id, text_id, text, process_id],
    )
    db.execute(
        "insert into answer_counts values (?, 'manager', ?, '', ?, 1) on conflict do update set n = n + 1",
        [process_id, question_id, value],
    )
    db.execute(
        "insert into response_counts values (?, 'manager', 1) on conflict do update set n = n + 1", [process_id]
    )


def test_migration_flags_a_previous_versions_rows_and_keeps_every_response(tmp_path):
    db = previous_version_database(str(tmp_path / "medverkan.db"))
    with db.conn:
        # The previous demo: the 2017 case (real row and Table 2, synthetic rankings and answers),
        # a wholly synthetic process; and a real process with real answers.
        for pid, code, synthetic in ((1, CASE_CODE, 0), (2, "DEMO-2018", 1), (3, "REAL-2026", 0)):
            db.execute(
                "insert into processes (id, code, post_title, status, is_synthetic, appointed_applicant) "
                "values (?, ?, 'Chef', 'closed', ?, 'Sökande D')",
                [pid, code, synthetic],
            )
            db.execute("insert into applicants values (?, 'Sökande D', 'appointed', 1)", [pid])
            db.execute("insert into rankings values (?, 'Brukarrepresentanter', 'Sökande D', 1, ?)", [pid, int(pid != 3)])
        db.execute("insert into screening_ratings values (1, 'Brukare A', 'Sökande D', 1, 0)")
        for number, (pid, synthetic) in enumerate(((1, 1), (1, 1), (2, 1), (3, 0), (3, 0))):
            _answer(db, 5_000_011 + number, pid, synthetic, 4, f"svar{number}")
    tables = ("responses", "answers", "answer_counts", "response_counts", "applicants", "screening_ratings", "rankings")
    before = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}

    migrate_served(db)

    assert {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables} == before
    assert dict(db.execute("select process_id, is_synthetic from applicants").fetchall()) == {1: 1, 2: 1, 3: 0}
    assert dict(db.execute("select code, synthetic_facts from processes").fetchall()) == {
        CASE_CODE: "appointed_applicant,decision_rationale", "DEMO-2018": None, "REAL-2026": None,
    }
    assert db.execute("select is_synthetic from screening_ratings").fetchall() == [(0,)]  # Table 2 is real
    free_text = dict(db.execute("select value_text, is_synthetic from free_text_answers").fetchall())
    assert free_text == {"svar0": 1, "svar1": 1, "svar2": 1, "svar3": 0, "svar4": 0}
    plan = " ".join(str(row) for row in db.execute(
        "explain query plan select process_id from responses where is_synthetic = 1"
    ).fetchall())
    assert "responses_synthetic_by_process" in plan
    db.conn.close()


# --- the demo ---------------------------------------------------------------------


def test_the_demo_marks_its_invented_stages_and_facts_but_not_table_2(runner, served_db):
    assert runner.invoke(cli, args=["demo"]).exit_code == 0
    pid, facts, whole = served_db.execute(
        "select id, synthetic_facts, is_synthetic from processes where code = ?", [CASE_CODE]
    ).fetchone()
    assert whole == 0 and set(facts.split(",")) == {"appointed_applicant", "decision_rationale"}
    assert served_db.execute(
        "select count(*), sum(is_synthetic) from screening_ratings where process_id = ?", [pid]
    ).fetchone() == (TABLE_2_ROWS, 0)
    assert served_db.execute("select min(is_synthetic) from applicants").fetchone()[0] == 1
    assert served_db.execute("select min(is_synthetic) from rankings").fetchone()[0] == 1
    assert served_db.execute("select min(is_synthetic) from free_text_answers").fetchone()[0] == 1


def _real_response(served_db):
    with served_db.conn:
        served_db.execute("insert into processes (id, code, post_title, status) values (77, 'REAL-1', 'Chef', 'closed')")
        _answer(served_db, 6_000_001, 77, 0, 5, "verkligt svar")


def test_demo_refuses_a_database_with_real_responses(runner, served_db):
    _real_response(served_db)
    result = runner.invoke(cli, args=["demo"])
    assert result.exit_code != 0
    assert "Databasen innehåller 1 verkliga svar" in result.output and "--force" in result.output
    assert "The database holds 1 real responses" in result.output
    assert served_db.execute("select count(*) from processes where code = ?", [CASE_CODE]).fetchone()[0] == 0


def test_demo_loads_next_to_real_responses_when_forced(runner, served_db):
    _real_response(served_db)
    result = runner.invoke(cli, args=["demo", "--force"])
    assert result.exit_code == 0, result.output
    assert served_db.execute("select count(*) from processes where code = ?", [CASE_CODE]).fetchone()[0] == 1
    assert served_db.execute("select count(*) from responses where is_synthetic = 0").fetchone()[0] == 1


def test_answers_given_through_the_demo_links_do_not_block_reloading(runner, served_db):
    assert runner.invoke(cli, args=["demo"]).exit_code == 0
    pid = served_db.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
    with served_db.conn:
        _answer(served_db, 6_000_002, pid, 0, 3, "provade demon")
    second = runner.invoke(cli, args=["demo"])
    assert second.exit_code == 0, second.output


# --- research export ------------------------------------------------------------------


@pytest.fixture
def mixed_served(db_paths):
    """The demo next to one real manager response (on ``db_paths``: in memory
    when possible, so the demo's transactions wait for no fsync)."""
    from collector.demo.case import run_demo

    served, contacts = db_paths
    db = connect(served)
    _real_response(db)
    db.conn.close()
    run_demo(served, contacts, base_url="http://demo.test", force=True)
    return served


def _rows(path):
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _manager_file(folder):
    files = sorted(p for p in folder.glob("manager_v*.csv") if "__" not in p.name and "codebook" not in p.name)
    return files[-1]


def test_research_export_leaves_synthetic_out_unless_asked_and_the_codebook_says_which(mixed_served, tmp_path):
    from research.cli import research

    runner = CliRunner()
    default, included = tmp_path / "default", tmp_path / "included"
    base = ["export", "--database", mixed_served, "--format", "csv", "--no-per-process"]
    assert runner.invoke(research, [*base, "--out", str(default)]).exit_code == 0
    result = runner.invoke(research, [*base, "--out", str(included), "--include-synthetic"])
    assert result.exit_code == 0, result.output
    real_only = _rows(_manager_file(default))
    assert [row["is_synthetic"] for row in real_only] == ["0"]
    assert len(_rows(_manager_file(included))) > 1 and {r["is_synthetic"] for r in _rows(_manager_file(included))} == {"0", "1"}
    assert not (default / "rankings.csv").exists()  # every ranking is the demo's
    assert (included / "rankings.csv").exists()
    screening = _rows(default / "screening_ratings.csv")  # Table 2 is real: kept
    assert {row["process_code"] for row in screening} == {CASE_CODE}
    codebook = _manager_file(default).with_suffix(".codebook.md").read_text(encoding="utf-8")
    assert "Synthetic responses: left out" in codebook
    codebook = _manager_file(included).with_suffix(".codebook.md").read_text(encoding="utf-8")
    assert "Synthetic responses: INCLUDED" in codebook


def test_an_snd_bundle_is_refused_on_synthetic_data_unless_asked(mixed_served, tmp_path):
    from research.cli import research

    result = CliRunner().invoke(
        research, ["export", "--database", mixed_served, "--snd", str(tmp_path / "b"), "--municipality", "Hbg"]
    )
    assert result.exit_code == 2 and "--include-synthetic" in result.output
