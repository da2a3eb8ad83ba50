"""The demo of the 2017 Helsingborg case (`medverkan demo`).

The expected numbers below are typed from the evaluation report, not
imported from collector.demo.case, so a typo in the demo data fails here.
"""

from __future__ import annotations

import random
from statistics import mean
from urllib.parse import urlsplit

import pytest

from collector.db import connect
from collector.demo.answers import AnswerGenerator
from collector.demo.case import CASE_CODE
from collector.demo.case import load_demo
from collector.migrations import init_databases
from collector.ops.cli import cli
from forms.model import Instrument
from forms.model import Page
from forms.model import Question

GROUPS = ["representative", "candidate", "manager", "union", "hired_followup"]

# Table 2 of the report: Brukare A/B/C x Sökande A-F.
TABLE_2 = {
    ("Brukare A", "Sökande A"): 4, ("Brukare B", "Sökande A"): 1, ("Brukare C", "Sökande A"): 4,
    ("Brukare A", "Sökande B"): 3, ("Brukare B", "Sökande B"): 1, ("Brukare C", "Sökande B"): 2,
    ("Brukare A", "Sökande C"): 4, ("Brukare B", "Sökande C"): 1, ("Brukare C", "Sökande C"): 4,
    ("Brukare A", "Sökande D"): 1, ("Brukare B", "Sökande D"): 4, ("Brukare C", "Sökande D"): 1,
    ("Brukare A", "Sökande E"): 4, ("Brukare B", "Sökande E"): 4, ("Brukare C", "Sökande E"): 3,
    ("Brukare A", "Sökande F"): 4, ("Brukare B", "Sökande F"): 4, ("Brukare C", "Sökande F"): 2,
}  # fmt: skip


@pytest.fixture(scope="module")
def demo_dbs(tmp_path_factory):
    """Both databases with the demo loaded once for this module."""
    directory = tmp_path_factory.mktemp("demo")
    served_path, contacts_path = str(directory / "medverkan.db"), str(directory / "contacts.db")
    init_databases(served_path, contacts_path)
    served, contacts = connect(served_path), connect(contacts_path)
    result = load_demo(served, contacts, base_url="http://127.0.0.1:5000")
    yield served, contacts, result
    served.conn.close()
    contacts.conn.close()


def case_id(served) -> int:
    return served.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]


def test_table_2_is_exactly_as_printed(demo_dbs):
    served, _, _ = demo_dbs
    rows = served.execute(
        "select rater, applicant, rating, is_synthetic from screening_ratings where process_id = ?",
        [case_id(served)],
    ).fetchall()
    assert {(rater, applicant): rating for rater, applicant, rating, _ in rows} == TABLE_2
    assert {flag for *_, flag in rows} == {0}


def test_funnel_19_6_5_3(demo_dbs):
    served, _, _ = demo_dbs
    process = served.execute(
        "select applicants, qualified, interviewed, finalists, department, unit, is_synthetic "
        "from processes where code = ?",
        [CASE_CODE],
    ).fetchone()
    assert process == (19, 6, 5, 3, "socialforvaltningen", "Gemensamma resurser", 0)
    stages = dict(
        served.execute(
            "select pseudonym, stage_reached from applicants where process_id = ?", [case_id(served)]
        ).fetchall()
    )
    assert sorted(stages) == [f"Sökande {letter}" for letter in "ABCDEF"]
    reached_interview = [name for name, stage in stages.items() if stage in ("interviewed", "finalist", "appointed")]
    reached_final = [name for name, stage in stages.items() if stage in ("finalist", "appointed")]
    assert (len(reached_interview), len(reached_final)) == (5, 3)
    assert list(stages.values()).count("appointed") == 1


def test_stages_follow_table_1(demo_dbs):
    served, _, _ = demo_dbs
    stages = served.execute(
        "select starts_on, ends_on, representatives_took_part, label_sv from process_stages "
        "where process_id = ? order by position",
        [case_id(served)],
    ).fetchall()
    assert len(stages) == 8
    assert stages[0][0] == "2017-04-17"  # Monday of week 16
    assert stages[3][1] == "2017-05-26"  # application deadline
    assert (stages[5][0], stages[5][1]) == ("2017-06-07", "2017-06-16")  # first interviews
    assert "22 juni" in stages[6][3]  # analysis meeting
    assert stages[7][0] == "2017-07-03"  # week 27
    # Advert, screening and the finalists' meeting with representatives; not the first interviews.
    assert [took_part for _, _, took_part, _ in stages] == [0, 1, 0, 0, 1, 0, 1, 0]


def test_every_finalist_both_preferred_and_not(demo_dbs):
    served, _, _ = demo_dbs
    rows = served.execute(
        "select party, applicant, rank, is_synthetic from rankings where process_id = ?", [case_id(served)]
    ).fetchall()
    parties = {party for party, *_ in rows}
    assert len(parties) == 5
    finalists = {applicant for _, applicant, _, _ in rows}
    assert len(finalists) == 3
    for finalist in finalists:
        ranks = {rank for _, applicant, rank, _ in rows if applicant == finalist}
        assert 1 in ranks and 3 in ranks
    assert {flag for *_, flag in rows} == {1}


def test_every_group_has_synthetic_responses(demo_dbs):
    served, _, _ = demo_dbs
    in_case = dict(
        served.execute(
            "select group_key, count(*) from responses where process_id = ? and is_synthetic = 1 group by group_key",
            [case_id(served)],
        ).fetchall()
    )
    assert sorted(in_case) == sorted(GROUPS)
    overall = dict(
        served.execute("select group_key, count(*) from responses where is_synthetic = 1 group by group_key").fetchall()
    )
    # Management views need groups of at least five across processes.
    assert all(overall[group] >= 5 for group in GROUPS), overall
    assert served.execute("select count(*) from responses where is_synthetic = 0").fetchone()[0] == 0


def test_managers_are_more_positive_than_union_representatives(demo_dbs):
    served, _, _ = demo_dbs
    rows = served.execute(
        "select a.group_key, a.value_int from answers a join questions q on q.id = a.question_id "
        "where q.key = 'attitude_user_involvement' and a.value_int between 1 and 5"
    ).fetchall()
    by_group = {group: [value for g, value in rows if g == group] for group in GROUPS}
    assert by_group["manager"] and by_group["union"]
    assert mean(by_group["manager"]) > mean(by_group["union"]) + 1


def test_representatives_screening_answers_reproduce_table_2(demo_dbs):
    served, _, _ = demo_dbs
    rows = served.execute(
        "select a.response_id, a.item, a.value_int from answers a join questions q on q.id = a.question_id "
        "where q.type = 'screening' and a.group_key = 'representative' and a.process_id = ?",
        [case_id(served)],
    ).fetchall()
    if not rows:
        pytest.skip("the representatives' instrument has no screening question")
    answered = sorted(
        tuple(sorted((item, value) for rid, item, value in rows if rid == response_id))
        for response_id in {rid for rid, _, _ in rows}
    )
    printed = sorted(
        tuple(sorted((applicant, rating) for (r, applicant), rating in TABLE_2.items() if r == rater))
        for rater in ("Brukare A", "Brukare B", "Brukare C")
    )
    assert answered == printed


def test_participants_are_synthetic_and_every_group_has_open_links(demo_dbs):
    served, contacts, _ = demo_dbs
    flags = {row[0] for row in contacts.execute("select is_synthetic from participants")}
    assert flags == {1}
    emails = [row[0] for row in contacts.execute("select email from participants")]
    assert emails and all(email.endswith("@example.invalid") for email in emails)
    open_groups = {
        row[0]
        for row in contacts.execute(
            "select group_key from invitations where process_id = ? and status = 'open'", [case_id(served)]
        )
    }
    assert open_groups == set(GROUPS)


def test_demo_links_open_the_questionnaire(demo_dbs, app):
    served, contacts, result = demo_dbs
    assert sorted(result.links) == sorted(GROUPS)
    app.config.update(DATABASE=served.conn.execute("pragma database_list").fetchone()[2])
    app.config.update(CONTACTS_DATABASE=contacts.conn.execute("pragma database_list").fetchone()[2])
    client = app.test_client()
    for url in result.links.values():
        response = client.get(urlsplit(url).path, follow_redirects=True)
        assert response.status_code == 200, url


TABLES_SERVED = ["processes", "process_stages", "applicants", "screening_ratings", "rankings", "responses", "answers"]
TABLES_CONTACTS = ["participants", "invitations"]


def counts(db, tables):
    return {table: db.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}


def test_demo_command_is_idempotent(runner, served_db, contacts_db):
    first = runner.invoke(cli, args=["demo"])
    assert first.exit_code == 0, first.output
    assert f"Loaded {CASE_CODE}" in first.output
    before = counts(served_db, TABLES_SERVED), counts(contacts_db, TABLES_CONTACTS)
    second = runner.invoke(cli, args=["demo"])
    assert second.exit_code == 0, second.output
    assert f"Already loaded, left unchanged: {CASE_CODE}" in second.output
    assert (counts(served_db, TABLES_SERVED), counts(contacts_db, TABLES_CONTACTS)) == before
    # A link per group is printed both times (fresh tokens: the old ones were replaced).
    assert second.output.count("/s/") == len(GROUPS)


def _instrument(*questions):
    return Instrument(
        key="t", version=1, group="manager", title={"sv": "T", "en": "T"}, pages=(Page("p", {"sv": "P", "en": "P"}, tuple(questions)),)
    )


def test_generated_answers_follow_group_tendencies_and_types():
    attitude = Question(
        key="attitude_user_involvement", type="likert", text={"sv": "a", "en": "a"}, theme="attitude", core=True, required=True
    )
    concern = Question(key="union_conflict", type="likert", text={"sv": "b", "en": "b"}, theme="union_concerns", required=True)
    ranking = Question(key="rank", type="ranking", text={"sv": "c", "en": "c"}, theme="influence", items="finalists", required=True)
    instrument = _instrument(attitude, concern, ranking)
    generator = AnswerGenerator(random.Random(1))
    context = {"applicants": ["Sökande A", "Sökande B", "Sökande C"], "finalists": ["Sökande A", "Sökande B"]}
    managers = [generator.answers(instrument, "manager", context) for _ in range(40)]
    union = [generator.answers(instrument, "union", context) for _ in range(40)]
    assert mean(a["attitude_user_involvement"] for a in managers) > mean(a["attitude_user_involvement"] for a in union)
    assert mean(a["union_conflict"] for a in union) > mean(a["union_conflict"] for a in managers)
    assert all(sorted(a["rank"].values()) == [1, 2] for a in managers + union)
    assert all(1 <= a["attitude_user_involvement"] <= 5 for a in managers + union)
