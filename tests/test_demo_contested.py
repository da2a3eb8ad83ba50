"""The contested items: in the common core, answered by every group in the
demo with the report's contrast (union critical, managers positive), and
compared item by item, group by group, on the attitudes page."""

from __future__ import annotations

from statistics import mean

import pytest

from collector.db import connect
from collector.demo.case import load_demo
from collector.migrations import init_databases
from forms.definitions import load_builtin_instruments
from forms.definitions import load_core
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import make_datasette

GROUPS = ["representative", "candidate", "manager", "union", "hired_followup"]
RISK = ["conflict_of_interest_is_a_risk", "staff_safety_is_at_risk", "applicant_privacy_is_at_risk"]
REASSURING = ["conflict_of_interest_was_handled", "authority_encounters_are_manageable", "applicant_privacy_was_protected"]
CONTESTED = RISK + REASSURING


@pytest.fixture(scope="module")
def demo_served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("contested")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    init_databases(served, contacts)
    served_db, contacts_db = connect(served), connect(contacts)
    load_demo(served_db, contacts_db, base_url="http://127.0.0.1:5000")
    served_db.conn.close()
    contacts_db.conn.close()
    return served


def test_the_contested_set_is_in_the_core_and_balanced():
    core = load_core()
    assert all(core[key].type == "likert" for key in CONTESTED)
    # Three statements of risk, three of the risk being handled: agreeing is
    # not always the same side.
    assert len(RISK) == len(REASSURING) == 3
    themes = {core[key].theme for key in RISK} | {core["authority_encounters_are_manageable"].theme}
    assert themes == {"conflict_of_interest", "staff_safety", "applicant_privacy", "authority_encounters"}


def test_each_theme_holds_items_of_one_direction_only():
    """The theme index averages a theme's items: it must never mix a risk with its handling."""
    core = load_core()
    risk_themes = {core[key].theme for key in RISK}
    reassuring_themes = {core[key].theme for key in REASSURING}
    assert risk_themes.isdisjoint(reassuring_themes)


def test_every_group_is_asked_the_contested_set():
    for key, instrument in load_builtin_instruments().items():
        keys = [q.key for q in instrument.questions]
        assert all(item in keys for item in CONTESTED), key
        assert all(instrument.question(item).core for item in CONTESTED), key


def test_the_wording_is_neutral():
    """No statement says how the respondent feels ("Jag är orolig ...")."""
    for key in CONTESTED:
        text = load_core()[key].text
        assert "orolig" not in text["sv"].lower() and "worried" not in text["en"].lower()


def _values(served_path, key, group):
    db = connect(served_path)
    try:
        return [
            row[0]
            for row in db.execute(
                "select a.value_int from answers a join questions q on q.id = a.question_id "
                "where q.key = ? and a.group_key = ? and a.value_int between 1 and 5",
                [key, group],
            )
        ]
    finally:
        db.conn.close()


@pytest.mark.parametrize("key", CONTESTED)
def test_every_group_answers_each_contested_item_in_the_demo(demo_served, key):
    for group in GROUPS:
        assert _values(demo_served, key, group), (key, group)


@pytest.mark.parametrize("key", RISK)
def test_union_representatives_see_more_risk_than_managers(demo_served, key):
    """002: the union "menar att brukarmedverkan [...] kan bidra till jävs- och säkerhetsproblem"."""
    assert mean(_values(demo_served, key, "union")) > mean(_values(demo_served, key, "manager")) + 1


@pytest.mark.parametrize("key", REASSURING)
def test_managers_are_more_reassured_than_union_representatives(demo_served, key):
    """002: "Det finns en tydlig skillnad i synen på brukarmedverkan i personalrekrytering
    mellan tjänstepersonerna i chefsställning och de tre fackliga företrädare"."""
    assert mean(_values(demo_served, key, "manager")) > mean(_values(demo_served, key, "union")) + 1


@pytest.mark.asyncio
async def test_the_attitudes_page_compares_every_group_on_each_contested_item(demo_served):
    ds = make_datasette(demo_served)
    cookies = actor_cookie(ds, "eva", "evaluator")
    html = (await ds.client.get("/-/medverkan/attitudes?synthetic=1", cookies=cookies)).text
    db = connect(demo_served)
    labels = [row[0] for row in db.execute("select label_sv from respondent_groups order by position")]
    db.conn.close()
    core = load_core()
    for key in CONTESTED:
        heading = f">{core[key].text['sv']}</h2>"
        assert heading in html, key
        section = html.split(heading, 1)[1].split("</section>", 1)[0]
        for label in labels:
            assert f'<th scope="row">{label}' in section, (key, label)
    # Group A vs B comparison covers the contested items too.
    compare = (await ds.client.get("/-/medverkan/attitudes?a=manager&b=union&synthetic=1", cookies=cookies)).text
    table = compare.split('id="compare-h"', 1)[1]
    assert all(core[key].text["sv"] in table for key in CONTESTED)
