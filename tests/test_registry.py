"""The registry writes instruments, questions and value labels, keeps answered
versions frozen, picks the right instrument for a process, and builds a wide
view per instrument version."""

from __future__ import annotations

import dataclasses
import json

import pytest

from collector.db import connect
from collector.db import immediate_transaction
from collector.instruments.registry import InstrumentFrozenError
from collector.instruments.registry import freeze
from collector.instruments.registry import instrument_for
from collector.instruments.registry import load_registered
from collector.instruments.registry import question_ids
from collector.instruments.registry import register_instrument
from collector.instruments.registry import sync_builtin_instruments
from collector.instruments.registry import wide_view_name
from collector.migrations import migrate_served
from forms.definitions import load_builtin_instruments
from forms.definitions import parse_instrument


def t(sv: str, en: str) -> dict:
    return {"sv": sv, "en": en}


def definition(version: int = 1, *, group: str = "representative", key: str = "sample", department=None) -> dict:
    return {
        "key": key,
        "version": version,
        "group": group,
        "department": department,
        "minutes": 5,
        "title": t("Prov", "Sample"),
        "pages": [
            {
                "key": "one",
                "title": t("Ett", "One"),
                "questions": [
                    {"core": "attitude_user_involvement"},
                    {"key": "intro_given", "type": "yesno", "theme": "framing", "text": t("Fick du det?", "Did you?"), "required": True},
                    {
                        "key": "levels",
                        "type": "multiple",
                        "theme": "continuation",
                        "text": t("Nivåer?", "Levels?"),
                        "choices": [
                            {"value": 1, "label": t("Ett", "One")},
                            {"value": 2, "label": t("Två", "Two")},
                            {"value": 3, "label": t("Tre", "Three")},
                        ],
                    },
                    {
                        "key": "agree_no_dk",
                        "type": "likert",
                        "theme": "influence",
                        "text": t("Håller du med?", "Agree?"),
                        "dont_know": False,
                    },
                ],
            },
            {
                "key": "two",
                "title": t("Två", "Two"),
                "questions": [
                    {
                        "key": "why_not",
                        "type": "text",
                        "theme": "framing",
                        "text": t("Varför inte?", "Why not?"),
                        "show_if": {"question": "intro_given", "in": [2, 9]},
                    },
                    {"key": "meetings", "type": "integer", "theme": "time_notice", "text": t("Antal?", "How many?"), "min": 0, "max": 9},
                    {"key": "screen", "type": "screening", "theme": "screening", "text": t("Bedöm", "Rate"), "items": "applicants"},
                    {"key": "rank", "type": "ranking", "theme": "ranking", "text": t("Rangordna", "Rank"), "items": "finalists"},
                ],
            },
        ],
    }


def sample(version: int = 1, **kwargs):
    return parse_instrument(definition(version, **kwargs), "sample.yaml")


@pytest.fixture
def db(tmp_path):
    """A migrated served database with no instruments registered yet."""
    database = connect(str(tmp_path / "served.db"))
    migrate_served(database)
    yield database
    database.conn.close()


def add_process(db, code="P-1", department=None, instrument_set=None) -> int:
    if department:
        db["departments"].insert({"key": department, "name_sv": department, "name_en": department}, replace=True)
    return db["processes"].insert(
        {"code": code, "post_title": "Enhetschef", "status": "collecting", "department": department, "instrument_set": instrument_set}
    ).last_pk


def add_response(db, instrument_id, process_id, response_id, answers, *, group="representative", synthetic=0):
    """Insert a response and its long-format answers directly with SQL."""
    ids = question_ids(db, instrument_id)
    db.execute(
        "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on, is_synthetic) "
        "values (?, ?, ?, ?, 'sv', '2026-11-01', ?)",
        [response_id, process_id, group, instrument_id, synthetic],
    )
    for key, item, value_int, value_text in answers:
        db.execute(
            "insert into answers (response_id, question_id, item, value_int, value_text, process_id, group_key) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [response_id, ids[key], item, value_int, value_text, process_id, group],
        )


def counts(db) -> tuple[int, int, int]:
    return tuple(db.execute(f"select count(*) from {table}").fetchone()[0] for table in ("instruments", "questions", "question_choices"))


# --- writing -------------------------------------------------------------------


def test_register_writes_questions_and_choices(db):
    instrument_id = register_instrument(db, sample())
    row = db.execute("select key, version, group_key, title_sv, title_en, source_sha256, frozen_on from instruments").fetchone()
    assert row[:5] == ("sample", 1, "representative", "Prov", "Sample") and len(row[5]) == 64 and row[6] is None
    questions = {r["key"]: r for r in db.query("select * from questions where instrument_id = ?", [instrument_id])}
    assert [k for k, _ in sorted(questions.items(), key=lambda kv: kv[1]["position"])] == [
        "attitude_user_involvement", "intro_given", "levels", "agree_no_dk", "why_not", "meetings", "screen", "rank",
    ]
    assert questions["attitude_user_involvement"]["core"] == 1 and questions["intro_given"]["core"] == 0
    assert questions["intro_given"]["required"] == 1 and questions["levels"]["required"] == 0
    assert (questions["why_not"]["page"], questions["why_not"]["theme"]) == (2, "framing")
    assert json.loads(questions["why_not"]["condition_json"]) == {"question": "intro_given", "values": [2, 9]}
    assert questions["intro_given"]["condition_json"] is None
    assert questions["intro_given"]["text_en"] == "Did you?"
    assert {k: q["scale"] for k, q in questions.items()} == {
        "attitude_user_involvement": "agreement_1_5_dk",
        "intro_given": "yes_no_unsure",
        "levels": "choices",
        "agree_no_dk": "agreement_1_5",
        "why_not": None,
        "meetings": "integer",
        "screen": "screening_1_4",
        "rank": "rank_1_n",
    }

    def choices(key):
        return db.execute(
            "select value, label_sv, label_en, is_missing from question_choices where question_id = ? order by value",
            [questions[key]["id"]],
        ).fetchall()

    assert choices("intro_given") == [(1, "Ja", "Yes", 0), (2, "Nej", "No", 0), (9, "Osäker", "Unsure", 1)]
    assert [c[0] for c in choices("attitude_user_involvement")] == [1, 2, 3, 4, 5, 9]
    assert choices("attitude_user_involvement")[-1][3] == 1
    assert [c[0] for c in choices("agree_no_dk")] == [1, 2, 3, 4, 5]
    assert choices("levels") == [(1, "Ett", "One", 0), (2, "Två", "Two", 0), (3, "Tre", "Three", 0)]
    assert [c[0] for c in choices("screen")] == [1, 2, 3, 4]
    assert choices("why_not") == [] and choices("meetings") == []


def test_register_is_idempotent_for_identical_content(db):
    first = register_instrument(db, sample())
    before = counts(db)
    changes = db.conn.total_changes
    assert register_instrument(db, sample()) == first
    assert db.conn.total_changes == changes  # nothing was rewritten
    # The file name is not content.
    assert register_instrument(db, dataclasses.replace(sample(), source="elsewhere.yaml")) == first
    assert counts(db) == before


def test_loaded_definition_equals_the_registered_one(db):
    instrument = sample()
    instrument_id = register_instrument(db, instrument)
    assert load_registered(db, instrument_id) == dataclasses.replace(instrument, source=None)
    with pytest.raises(LookupError):
        load_registered(db, instrument_id + 100)


def changed_sample():
    data = definition()
    data["pages"][0]["questions"][1]["text"] = t("Fick du en introduktion?", "Did you get an introduction?")
    return parse_instrument(data, "sample.yaml")


def test_changed_content_replaces_an_unanswered_version(db):
    instrument_id = register_instrument(db, sample())
    assert register_instrument(db, changed_sample()) == instrument_id
    assert db.execute("select count(*) from instruments").fetchone()[0] == 1
    assert db.execute("select text_en from questions where key = 'intro_given'").fetchone()[0] == "Did you get an introduction?"
    assert load_registered(db, instrument_id).question("intro_given").text["en"] == "Did you get an introduction?"
    assert db.execute("select count(*) from questions").fetchone()[0] == 8


def test_frozen_version_refuses_changes(db):
    instrument_id = register_instrument(db, sample())
    freeze(db, instrument_id)
    assert db.execute("select frozen_on from instruments where id = ?", [instrument_id]).fetchone()[0]
    with pytest.raises(InstrumentFrozenError, match=r"'sample' version 1 .*new version \(version: 2\)"):
        register_instrument(db, changed_sample())
    # Nothing changed, and identical content is still accepted.
    assert db.execute("select text_en from questions where key = 'intro_given'").fetchone()[0] == "Did you?"
    assert register_instrument(db, sample()) == instrument_id


def test_a_version_with_responses_is_frozen_even_without_frozen_on(db):
    instrument_id = register_instrument(db, sample())
    add_response(db, instrument_id, add_process(db), 11, [("intro_given", "", 1, None)])
    with pytest.raises(InstrumentFrozenError):
        register_instrument(db, changed_sample())


def test_freeze_joins_the_callers_transaction(db):
    instrument_id = register_instrument(db, sample())
    with pytest.raises(RuntimeError):
        with immediate_transaction(db):
            freeze(db, instrument_id)
            raise RuntimeError("roll back")
    assert db.execute("select frozen_on from instruments").fetchone()[0] is None
    with immediate_transaction(db):
        freeze(db, instrument_id)
    assert db.execute("select frozen_on from instruments").fetchone()[0] is not None


def test_a_new_version_is_a_new_instrument_and_the_old_one_stays(db):
    old = register_instrument(db, sample())
    freeze(db, old)
    new = register_instrument(db, dataclasses.replace(changed_sample(), version=2))
    assert new != old
    assert load_registered(db, old).question("intro_given").text["en"] == "Did you?"
    assert load_registered(db, new).question("intro_given").text["en"] == "Did you get an introduction?"
    assert set(question_ids(db, old)) == set(question_ids(db, new))
    assert not set(question_ids(db, old).values()) & set(question_ids(db, new).values())


def test_sync_registers_every_builtin_once(db):
    ids = sync_builtin_instruments(db)
    builtins = load_builtin_instruments()
    assert len(ids) == len(builtins) == 7  # five groups, and two easy-to-read variants
    keys = {row[0] for row in db.execute("select key from instruments")}
    assert keys == set(builtins)
    before = counts(db)
    assert sync_builtin_instruments(db) == ids
    assert counts(db) == before
    expected_questions = sum(len(i.questions) for i in builtins.values())
    assert before[1] == expected_questions
    for instrument in builtins.values():
        assert wide_view_name(instrument.key, instrument.version) in db.view_names()


def test_init_databases_registers_the_builtins(served_db):
    assert served_db.execute("select count(*) from instruments").fetchone()[0] == 7


# --- choosing the instrument for a process -------------------------------------------


def test_instrument_for_takes_the_latest_default(db):
    process_id = add_process(db)
    v1 = register_instrument(db, sample())
    assert instrument_for(db, process_id, "representative") == v1
    v2 = register_instrument(db, sample(2))
    assert instrument_for(db, process_id, "representative") == v2
    other = register_instrument(db, sample(key="other", group="manager"))
    assert instrument_for(db, process_id, "manager") == other


def test_instrument_for_prefers_the_department_variant(db):
    default = register_instrument(db, sample())
    variant = register_instrument(db, sample(key="sample_labour", department="labour"))
    labour = add_process(db, "P-L", department="labour")
    school = add_process(db, "P-S", department="school")
    chosen_set = add_process(db, "P-X", department="school", instrument_set="labour")
    explicit_default = add_process(db, "P-D", department="labour", instrument_set="default")
    assert instrument_for(db, labour, "representative") == variant
    assert instrument_for(db, school, "representative") == default
    assert instrument_for(db, chosen_set, "representative") == variant
    assert instrument_for(db, explicit_default, "representative") == default
    # A group without a variant falls back to the default.
    manager_default = register_instrument(db, sample(key="mgr", group="manager"))
    assert instrument_for(db, labour, "manager") == manager_default


def test_instrument_for_unknown_process_or_group(db):
    register_instrument(db, sample())
    with pytest.raises(LookupError, match="no process"):
        instrument_for(db, 999, "representative")
    with pytest.raises(LookupError, match="no instrument registered for group 'union'"):
        instrument_for(db, add_process(db), "union")


# --- the wide view -----------------------------------------------------------------------


def test_wide_view_columns_and_values(db):
    instrument_id = register_instrument(db, sample())
    process_id = add_process(db)
    add_response(
        db,
        instrument_id,
        process_id,
        101,
        [
            ("attitude_user_involvement", "", 5, None),
            ("intro_given", "", 2, None),
            ("levels", "1", 1, None),
            ("levels", "3", 3, None),
            ("why_not", "", None, "Mer information i förväg"),
            ("meetings", "", 4, None),
            ("screen", "Sökande B", 3, None),
            ("screen", "Sökande A", 1, None),
            ("rank", "Sökande B", 1, None),
            ("rank", "Sökande A", 2, None),
        ],
        synthetic=1,
    )
    add_response(db, instrument_id, process_id, 102, [("intro_given", "", 1, None)])
    # A response to another instrument does not appear.
    other_id = register_instrument(db, sample(key="other", group="manager"))
    add_response(db, other_id, process_id, 103, [("intro_given", "", 1, None)], group="manager")

    view = db[wide_view_name("sample", 1)]
    assert list(view.columns_dict) == [
        "response_id", "process_id", "group_key", "language", "submitted_on", "is_synthetic",
        "attitude_user_involvement", "intro_given", "levels__1", "levels__2", "levels__3",
        "agree_no_dk", "why_not", "meetings", "screen", "rank",
    ]
    rows = {row["response_id"]: row for row in view.rows}
    assert set(rows) == {101, 102}
    full = rows[101]
    assert (full["process_id"], full["group_key"], full["language"], full["submitted_on"], full["is_synthetic"]) == (
        process_id, "representative", "sv", "2026-11-01", 1,
    )
    assert (full["attitude_user_involvement"], full["intro_given"], full["agree_no_dk"], full["meetings"]) == (5, 2, None, 4)
    assert (full["levels__1"], full["levels__2"], full["levels__3"]) == (1, 0, 1)
    assert full["why_not"] == "Mer information i förväg"
    assert full["screen"] == "Sökande A=1; Sökande B=3"
    assert full["rank"] == "Sökande A=2; Sökande B=1"
    sparse = rows[102]
    assert sparse["intro_given"] == 1
    # An unanswered multiple-choice question is NULL, not "none chosen".
    assert (sparse["levels__1"], sparse["levels__2"], sparse["screen"], sparse["why_not"]) == (None, None, None, None)


def test_wide_view_uses_plain_sql_only(db):
    register_instrument(db, sample())
    sql = db.execute("select sql from sqlite_master where name = ?", [wide_view_name("sample", 1)]).fetchone()[0]
    plain = connect(":memory:", register_functions=False)
    migrate_served(plain)
    plain.execute(sql)  # would fail on a function only Medverkan registers
    assert plain.execute(f"select count(*) from {wide_view_name('sample', 1)}").fetchone()[0] == 0


def test_wide_view_follows_a_replaced_definition(db):
    instrument_id = register_instrument(db, sample())
    data = definition()
    data["pages"][0]["questions"].append({"key": "added", "type": "yesno", "theme": "framing", "text": t("Ny?", "New?")})
    register_instrument(db, parse_instrument(data, "sample.yaml"))
    add_response(db, instrument_id, add_process(db), 201, [("added", "", 1, None), ("intro_given", "", 2, None)])
    row = next(db[wide_view_name("sample", 1)].rows)
    assert (row["added"], row["intro_given"]) == (1, 2)
