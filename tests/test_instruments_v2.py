"""Version 2 of the questionnaires: one answer scale everywhere, one meaning
per key, no double-barrelled items, and an upgrade that keeps version 1 and
every answer given with it."""

from __future__ import annotations

import itertools
import sqlite3

import openpyxl
import pytest

from collector.db import connect
from collector.instruments.registry import instrument_for
from collector.instruments.registry import register_instrument
from collector.migrations import init_databases
from collector.respondent.submission import store_response
from forms import model
from forms.definitions import INSTRUMENTS_DIR
from forms.definitions import load_builtin_instruments
from forms.definitions import load_instrument
from forms.model import AGREEMENT_SCALE
from forms.versions import diff
from forms.versions import reworded_core
from forms.xlsform import write_xlsform
from tests.fixtures.datasette import actor_cookie

GROUPS = ["candidate", "hired_followup", "manager", "representative", "union"]

# What version 1 showed, typed from the shipped model: used to build a
# database as the previous release made it.
V1_SCALE = {
    1: {"sv": "Instämmer inte alls", "en": "Strongly disagree"},
    2: {"sv": "Instämmer delvis inte", "en": "Disagree"},
    3: {"sv": "Varken eller", "en": "Neither agree nor disagree"},
    4: {"sv": "Instämmer delvis", "en": "Agree"},
    5: {"sv": "Instämmer helt", "en": "Strongly agree"},
    9: {"sv": "Vet inte", "en": "Don't know"},
}
SCALE_SV = ["Tar helt avstånd", "Tar delvis avstånd", "Varken eller", "Instämmer delvis", "Instämmer helt"]
SCALE_EN = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


@pytest.fixture(scope="module")
def current():
    return load_builtin_instruments()


def version_1(key: str):
    return load_instrument(INSTRUMENTS_DIR / f"{key}.yaml")


def test_the_scale_is_the_established_swedish_one_with_its_english_equivalent():
    assert [AGREEMENT_SCALE[v]["sv"] for v in range(1, 6)] == SCALE_SV
    assert [AGREEMENT_SCALE[v]["en"] for v in range(1, 6)] == SCALE_EN


def test_every_group_answers_version_2(current):
    standard = {key: instrument for key, instrument in current.items() if instrument.reading is None}
    assert {key: instrument.version for key, instrument in standard.items()} == dict.fromkeys(GROUPS, 2)


def test_every_likert_item_is_stored_with_the_one_scale(db_paths):
    served = sqlite3.connect(db_paths[0])
    rows = served.execute(
        "select q.key, c.value, c.label_sv, c.label_en, i.reading from question_choices c "
        "join questions q on q.id = c.question_id join instruments i on i.id = q.instrument_id where q.type = 'likert'"
    ).fetchall()
    served.close()
    assert rows
    for key, value, label_sv, label_en, reading in rows:
        # One scale per wording: the standard one, or its easy-to-read labels (same codes).
        scale = model.AGREEMENT_SCALES[reading]
        assert (label_sv, label_en) == (scale[value]["sv"], scale[value]["en"]), key
    assert {row[4] for row in rows} == {None, "easy_read"}


def test_the_xlsform_export_writes_the_same_scale(current, tmp_path):
    path = tmp_path / "manager.xlsx"
    write_xlsform(current["manager"], path)
    sheet = openpyxl.load_workbook(path)["choices"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (cell.value for cell in row))) for row in sheet.iter_rows(min_row=2)]
    label_sv = next(column for column in header if column and column.startswith("label") and "sv" in column.lower())
    agree = [row[label_sv] for row in rows if str(row.get("list_name", "")).startswith("agree")]
    assert agree and set(SCALE_SV) <= set(agree)
    assert "Instämmer delvis inte" not in agree




@pytest.mark.asyncio
async def test_the_attitudes_legend_reads_the_scale_from_the_database(ds):
    cookies = actor_cookie(ds, "eva", "evaluator")
    swedish = (await ds.client.get("/-/medverkan/attitudes", cookies=cookies)).text
    legend = swedish.split('class="medverkan-legend"')[1].split("</ul>")[0]
    for value, label in enumerate(SCALE_SV, start=1):
        assert f"{value} {label}" in legend
    assert "Instämmer inte<" not in swedish
    english = (await ds.client.get("/-/medverkan/attitudes?lang=en", cookies=cookies)).text
    legend = english.split('class="medverkan-legend"')[1].split("</ul>")[0]
    assert all(f"{value} {label}" in legend for value, label in enumerate(SCALE_EN, start=1))


def test_the_research_codebook_has_the_scale(db_paths, tmp_path):
    from research.codebook import write_codebooks

    written = write_codebooks(db_paths[0], tmp_path)
    manager = next(path for path in written if path.name == "manager_v2.codebook.md").read_text(encoding="utf-8")
    assert "Tar delvis avstånd" in manager and "Instämmer delvis inte" not in manager


def test_a_key_keeps_one_meaning_across_the_current_questionnaires(current):
    shapes: dict[str, set] = {}
    for instrument in current.values():
        for question in instrument.questions:
            shapes.setdefault(question.key, set()).add((question.type, tuple(sorted(question.value_labels()))))
    assert {key: shape for key, shape in shapes.items() if len(shape) > 1} == {}


def test_the_told_why_questions_have_their_own_keys(current):
    """v1's ``feedback_told_why`` was yes/no for representatives, Likert for candidates."""
    assert current["representative"].question("feedback_told_why_chosen").type == "yesno"
    assert current["candidate"].question("feedback_reason_given").type == "likert"
    assert all("feedback_told_why" not in {q.key for q in i.questions} for i in current.values())


@pytest.mark.parametrize(
    "group, old, new",
    [
        ("manager", "feedback_given", ["feedback_reps_told_outcome", "feedback_reps_told_why"]),
        ("union", "feedback_union_informed", ["union_told_outcome", "union_told_why"]),
        ("representative", "dialog_met_parties", ["dialog_met_officials", "dialog_talked_with_officials"]),
    ],
)
def test_double_barrelled_items_are_split_into_one_question_each(current, group, old, new):
    instrument = current[group]
    keys = [q.key for q in instrument.questions]
    assert old not in keys and all(key in keys for key in new)
    first, second = (instrument.question(key) for key in new)
    assert first.type == "yesno"
    assert second.condition is not None and second.condition.question == first.key
    for question in (first, second):
        assert " och varför" not in question.text["sv"] and " och vi " not in question.text["sv"]


def test_candidates_read_about_their_application_and_a_natural_offer_question(current):
    candidate = current["candidate"]
    assert "ditt ärende" not in candidate.intro["sv"] and "din ansökan" in candidate.intro["sv"]
    assert candidate.question("cand_offered_post").text["sv"] == "Erbjöds du jobbet?"
    assert all("Fick du erbjudande" not in q.text["sv"] for i in load_builtin_instruments().values() for q in i.questions)


@pytest.mark.parametrize("group", GROUPS)
def test_version_1_stays_and_the_core_decision_is_keep(current, group):
    """No core item is reworded, so the core keeps its keys and both versions pool."""
    old = version_1(group)
    assert old.version == 1
    assert reworded_core(old, current[group]) == []
    assert not [c for c in diff(old, current[group]) if c.core and c.kind in ("removed", "type", "choices")]


def _answers_for(instrument) -> dict:
    """A full answer set for ``instrument`` (values valid for each type)."""
    answers = {}
    for question in instrument.questions:
        if question.condition and answers.get(question.condition.question) not in question.condition.values:
            continue
        if question.type == "likert":
            answers[question.key] = 4
        elif question.type == "yesno":
            answers[question.key] = 1
        elif question.type in ("single", "multiple"):
            first = question.choices[0].value
            answers[question.key] = [first] if question.type == "multiple" else first
        elif question.type == "text":
            answers[question.key] = "Svar"
        elif question.type == "screening":
            answers[question.key] = {"Sökande A": 1, "Sökande B": 4}
        elif question.type == "ranking":
            answers[question.key] = {"Sökande A": 1, "Sökande B": 2}
    return answers


def test_a_database_of_version_1_upgrades_with_every_response_kept(tmp_path, monkeypatch):
    served_path, contacts_path = str(tmp_path / "medverkan.db"), str(tmp_path / "contacts.db")
    # The previous release: version 1 of each questionnaire with v1's labels.
    with monkeypatch.context() as patch:
        patch.setattr(model, "AGREEMENT_SCALE", V1_SCALE)
        init_databases(served_path, contacts_path)  # registers the latest files (v2) ...
        served = connect(served_path)
        served.execute("delete from question_choices")  # ... so start from a v1-only database
        served.execute("delete from questions")
        served.execute("delete from instruments")
        served.conn.commit()
        for view in [r[0] for r in served.execute("select name from sqlite_master where type = 'view' and name like 'wide_%'")]:
            served.execute(f"drop view {view}")
        process_id = served["processes"].insert({"code": "OLD-1", "post_title": "Test", "status": "collecting"}).last_pk
        old_ids = {}
        for group in GROUPS:
            old_ids[group] = register_instrument(served, version_1(group))
            for _ in range(2):
                store_response(
                    served, process_id=process_id, group_key=group, instrument_id=old_ids[group],
                    answers=_answers_for(version_1(group)), language="sv", submitted_on="2026-05-04", is_synthetic=False,
                )
        before_answers = served.execute("select * from answers order by response_id, question_id, item").fetchall()
        before_definitions = served.execute("select id, definition_json, source_sha256 from instruments").fetchall()
        served.conn.close()

    init_databases(served_path, contacts_path)  # the upgrade, with this release's code

    served = connect(served_path)
    try:
        assert served.execute("select * from answers order by response_id, question_id, item").fetchall() == before_answers
        assert served.execute("select count(*) from responses").fetchone()[0] == 2 * len(GROUPS)
        for row in before_definitions:
            assert served.execute(
                "select id, definition_json, source_sha256 from instruments where id = ?", [row[0]]
            ).fetchone() == row
        v1_labels = served.execute(
            "select distinct c.label_sv from question_choices c join questions q on q.id = c.question_id "
            "join instruments i on i.id = q.instrument_id where i.version = 1 and i.reading is null and q.type = 'likert' and c.value = 2"
        ).fetchall()
        assert v1_labels == [("Instämmer delvis inte",)]  # what version 1 respondents read, kept
        v2_labels = served.execute(
            "select distinct c.label_sv from question_choices c join questions q on q.id = c.question_id "
            "join instruments i on i.id = q.instrument_id where i.version = 2 and q.type = 'likert' and c.value = 2"
        ).fetchall()
        assert v2_labels == [("Tar delvis avstånd",)]
        # New respondents get version 2; old answers still read with version 1.
        for group in GROUPS:
            new_id = instrument_for(served, process_id, group)
            assert new_id != old_ids[group]
            assert served.execute("select version from instruments where id = ?", [new_id]).fetchone()[0] == 2
        kept = served.execute(
            "select count(*) from answers a join questions q on q.id = a.question_id where q.instrument_id in (%s)"
            % ",".join("?" * len(old_ids)),
            list(old_ids.values()),
        ).fetchone()[0]
        assert kept == len(before_answers)
    finally:
        served.conn.close()


def test_every_pair_of_current_questionnaires_shares_its_core_keys(current):
    for first, second in itertools.combinations(current.values(), 2):
        core_first = [q.key for q in first.questions if q.core]
        assert core_first == [q.key for q in second.questions if q.core], (first.key, second.key)
