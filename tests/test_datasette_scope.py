"""Department scope in Datasette (issue 10, part 4), played as the attack.

A coordinator of one department got 404 on another department's process in
the collector but 200 with figures at ``/-/medverkan/attitudes?process=1``
and from the vetted canned queries in Datasette. Here process 1 belongs to
"social" and process 2 to "omsorg"; the coordinator of "omsorg" tries every
Datasette path that shows per-process figures for process 1.
"""

import csv
import io
import itertools
import sqlite3

import pytest

from collector.coordinator.processes import may_access as collector_may_access
from datasette_plugins import scope
from tests.fixtures.datasette import actor_cookie

pytestmark = pytest.mark.asyncio

PROCESS_DEPARTMENTS = {1: "social", 2: "omsorg"}
USERS = {  # username -> (role, department)
    "olle": ("coordinator", "omsorg"),
    "nodept": ("coordinator", None),
    "quote": ("coordinator", "o'hara"),
    "chef": ("management", None),
    "eva": ("evaluator", None),
}


@pytest.fixture
def scoped_ds(ds, evaluation_db, monkeypatch):
    served, contacts = evaluation_db
    with sqlite3.connect(served) as conn:
        for key in ("social", "omsorg", "o'hara"):
            conn.execute("insert or ignore into departments values (?, ?, ?)", [key, key, key])
        for pid, department in PROCESS_DEPARTMENTS.items():
            conn.execute("update processes set department = ? where id = ?", [department, pid])
    with sqlite3.connect(contacts) as conn:
        for username, (role, department) in USERS.items():
            conn.execute(
                "insert or ignore into users (username, role, department, password_hash, is_active) values (?, ?, ?, 'x', 1)",
                [username, role, department],
            )
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", contacts)
    return ds


async def get(ds, path, username):
    return await ds.client.get(path, cookies=actor_cookie(ds, username, USERS[username][0]))


async def test_coordinator_gets_404_for_another_departments_process_on_the_attitudes_page(scoped_ds):
    attack = await get(scoped_ds, "/-/medverkan/attitudes?process=1", "olle")
    assert attack.status_code == 404
    assert "HBG-2017-GR" not in attack.text
    assert "medverkan-chart" not in attack.text
    own = await get(scoped_ds, "/-/medverkan/attitudes?process=2", "olle")
    assert own.status_code == 200 and "HBG-2024-XX" in own.text


async def test_coordinator_overview_lists_and_totals_only_their_departments_processes(scoped_ds):
    overview = (await get(scoped_ds, "/-/medverkan/attitudes", "olle")).text
    assert "HBG-2017-GR" not in overview
    assert "HBG-2024-XX" in overview
    own = (await get(scoped_ds, "/-/medverkan/attitudes?process=2", "olle")).text
    # The department total of a one-process department is that process's figures.
    assert _figures(overview) == _figures(own)


def _figures(html):
    start = html.index("medverkan-chart")
    return html[start:]


@pytest.mark.parametrize("query", ["core_items_by_group.json", "responses_by_group.json", "responses_by_group.csv"])
async def test_coordinator_canned_queries_answer_nothing_for_another_department(scoped_ds, query):
    attack = await get(scoped_ds, f"/medverkan/{query}?process_id=1&_shape=array", "olle")
    own = await get(scoped_ds, f"/medverkan/{query}?process_id=2&_shape=array", "olle")
    assert attack.status_code == own.status_code == 200
    if query.endswith(".csv"):
        attack_rows, own_rows = (list(csv.reader(io.StringIO(r.text))) for r in (attack, own))
        assert len(attack_rows) == 1 and len(own_rows) > 1  # header only
    else:
        assert attack.json() == [] and own.json() != []


async def test_coordinator_without_a_department_sees_no_process(scoped_ds):
    assert (await get(scoped_ds, "/-/medverkan/attitudes?process=2", "nodept")).status_code == 404
    overview = (await get(scoped_ds, "/-/medverkan/attitudes", "nodept")).text
    assert "HBG-2017-GR" not in overview and "HBG-2024-XX" not in overview and "medverkan-chart" not in overview
    rows = (await get(scoped_ds, "/medverkan/core_items_by_group.json?process_id=2&_shape=array", "nodept")).json()
    assert rows == []


async def test_a_quote_in_a_department_key_stays_a_value(scoped_ds):
    response = await get(scoped_ds, "/medverkan/core_items_by_group.json?process_id=1&_shape=array", "quote")
    assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize("username", ["chef", "eva"])
async def test_management_and_evaluators_still_work_across_departments(scoped_ds, username):
    for pid in PROCESS_DEPARTMENTS:
        response = await get(scoped_ds, f"/-/medverkan/attitudes?process={pid}", username)
        assert response.status_code == 200 and "medverkan-chart" in response.text
        rows = (await get(scoped_ds, f"/medverkan/core_items_by_group.json?process_id={pid}&_shape=array", username)).json()
        assert rows


async def test_scope_rule_is_the_collectors_rule():
    departments = [None, "", "social", "omsorg"]
    for role, mine, theirs in itertools.product(["admin", "coordinator", "evaluator", "management"], departments, departments):
        expected = collector_may_access({"role": role, "department": mine}, {"department": theirs})
        assert scope.may_access(role, mine, theirs) == expected, (role, mine, theirs)


async def test_a_coordinators_scope_never_sticks_to_the_next_visitor(scoped_ds):
    """Datasette 0.65 keeps canned-query hook answers in its metadata dict: each actor must get its own."""
    path = "/medverkan/core_items_by_group.json?process_id=1&_shape=array"
    assert (await get(scoped_ds, path, "olle")).json() == []
    assert (await get(scoped_ds, path, "chef")).json() != []
    assert "pct_1" in (await get(scoped_ds, path, "eva")).json()[0]
    assert (await get(scoped_ds, path, "olle")).json() == []
