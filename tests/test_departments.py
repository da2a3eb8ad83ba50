"""The municipality and its departments: admin pages and CLI on a fresh install.

A fresh install has no departments, so the process form must say what to
do; the admin adds them (pages or ``medverkan department``), sees which
questionnaire each group gets in each department, and cannot remove a
department that processes, accounts or variants still refer to.
"""

from __future__ import annotations

import re

import pytest

from collector.coordinator import processes as process_store
from collector.instruments.registry import register_instrument
from collector.ops.cli import cli
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.coordinator import sign_in
from tests.test_registry import sample


@pytest.fixture
def fresh_admin(app, make_user):
    """An admin signed in on an install without any department (no ``departments`` fixture)."""
    make_user("boss", "admin", None)
    client = app.test_client()
    assert sign_in(client, "boss").status_code == 302
    return client


def _add(client, **data):
    token = csrf_from(client, "/coordinator/departments")
    return client.post("/coordinator/departments", data={"csrf_token": token, **data})


def test_a_fresh_install_says_how_to_add_a_department_before_the_first_process(fresh_admin, served_db):
    page = fresh_admin.get("/coordinator/processes/new").get_data(as_text=True)
    assert "Lägg till en förvaltning först" in page
    assert 'href="/coordinator/departments"' in page

    response = _add(fresh_admin, key="socialforvaltningen", name_sv="Socialförvaltningen", name_en="Social services")
    assert response.status_code == 302
    assert served_db.execute("select key, name_sv, name_en from departments").fetchall() == [
        ("socialforvaltningen", "Socialförvaltningen", "Social services")
    ]
    page = fresh_admin.get("/coordinator/processes/new").get_data(as_text=True)
    assert "Lägg till en förvaltning först" not in page
    token = csrf_from(fresh_admin, "/coordinator/processes/new")
    created = fresh_admin.post("/coordinator/processes/new", data={
        "csrf_token": token, "code": "HBG-2026-1", "post_title": "Enhetschef", "department": "socialforvaltningen",
        "post_level": "manager", "instrument_set": "default",
    })
    assert created.status_code == 302, created.get_data(as_text=True)


def test_a_coordinator_without_a_department_is_told_to_ask_an_admin(app, make_user):
    make_user("coord", "coordinator", "finns-inte")
    client = app.test_client()
    assert sign_in(client, "coord").status_code == 302
    page = client.get("/coordinator/processes/new").get_data(as_text=True)
    assert "Be en administratör att lägga till din förvaltning" in page
    assert client.get("/coordinator/departments").status_code == 403


def test_bad_department_input_is_named_in_the_error_summary_and_kept(fresh_admin, served_db):
    response = _add(fresh_admin, key="Social Förvaltning", name_sv="Socialförvaltningen", name_en="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and 'href="#key"' in page
    assert "Använd 2–40 små bokstäver" in page
    assert 'value="Socialförvaltningen"' in page  # nothing typed is lost
    assert served_db.execute("select count(*) from departments").fetchone()[0] == 0

    assert _add(fresh_admin, key="social", name_sv="Social").status_code == 302
    again = _add(fresh_admin, key="social", name_sv="Annan")
    assert again.status_code == 400
    assert "Det finns redan en förvaltning med den här beteckningen." in again.get_data(as_text=True)
    # The English name falls back to the Swedish one.
    assert served_db.execute("select name_en from departments where key = 'social'").fetchone() == ("Social",)


def test_department_changes_need_the_csrf_token(fresh_admin, served_db):
    response = fresh_admin.post("/coordinator/departments", data={"key": "social", "name_sv": "Social"})
    assert response.status_code == 400
    assert served_db.execute("select count(*) from departments").fetchone()[0] == 0


def test_admin_sets_the_municipality_renames_and_removes_only_unused_departments(fresh_admin, served_db, make_user):
    token = csrf_from(fresh_admin, "/coordinator/departments")
    assert fresh_admin.post("/coordinator/municipality", data={"csrf_token": token, "name": "  "}).status_code == 400
    assert fresh_admin.post("/coordinator/municipality", data={"csrf_token": token, "name": "Helsingborgs stad"}).status_code == 302
    assert served_db.execute("select municipality_name from municipality").fetchall() == [("Helsingborgs stad",)]
    assert 'value="Helsingborgs stad"' in fresh_admin.get("/coordinator/departments").get_data(as_text=True)

    _add(fresh_admin, key="social", name_sv="Social", name_en="Social")
    _add(fresh_admin, key="skola", name_sv="Skol- och fritid", name_en="School")
    token = csrf_from(fresh_admin, "/coordinator/departments/social")
    renamed = fresh_admin.post("/coordinator/departments/social", data={
        "csrf_token": token, "name_sv": "Socialförvaltningen", "name_en": "Social services",
    })
    assert renamed.status_code == 302
    assert served_db.execute("select name_sv, name_en from departments where key = 'social'").fetchone() == (
        "Socialförvaltningen", "Social services",
    )

    process_store.create_process(served_db, {"code": "P-1", "post_title": "Chef", "department": "social"})
    make_user("coord", "coordinator", "skola")
    for key, reason in (("social", "1 processer"), ("skola", "1 personalkonton")):
        page = fresh_admin.get(f"/coordinator/departments/{key}").get_data(as_text=True)
        assert reason in page
        refused = fresh_admin.post(f"/coordinator/departments/{key}/remove", data={"csrf_token": token}, follow_redirects=True)
        assert "kan inte tas bort" in refused.get_data(as_text=True) or "flytta dem" in refused.get_data(as_text=True)
    assert served_db.execute("select count(*) from departments").fetchone()[0] == 2

    _add(fresh_admin, key="tom", name_sv="Tom")
    removed = fresh_admin.post("/coordinator/departments/tom/remove", data={"csrf_token": token})
    assert removed.status_code == 302
    assert served_db.execute("select key from departments order by key").fetchall() == [("skola",), ("social",)]
    assert fresh_admin.get("/coordinator/departments/tom").status_code == 404


def test_the_admin_sees_which_questionnaire_each_group_gets_in_each_department(fresh_admin, served_db):
    _add(fresh_admin, key="labour", name_sv="Arbetsmarknad", name_en="Labour market")
    _add(fresh_admin, key="social", name_sv="Social", name_en="Social services")
    register_instrument(served_db, sample(key="sample_labour", department="labour"))
    page = fresh_admin.get("/coordinator/departments").get_data(as_text=True)
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r'<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S)
    }
    assert "Prov, version 1 (förvaltningens egen variant)" in rows["Arbetsmarknad"]
    assert "förvaltningens egen variant" not in rows["Social"]
    assert rows["Social"].count("(standard)") == 5
    assert rows["Arbetsmarknad"].count("(standard)") == 4  # the other groups fall back to the default


def test_cli_manages_the_municipality_and_departments(runner, served_db, contacts_db, make_user):
    def run(*args):
        return runner.invoke(cli, list(args))

    assert run("municipality", "set", "Helsingborgs stad").exit_code == 0
    assert run("municipality", "show").output.strip() == "Helsingborgs stad"
    assert "No departments yet" in run("department", "list").output

    added = run("department", "add", "socialforvaltningen", "--name-sv", "Socialförvaltningen", "--name-en", "Social services")
    assert added.exit_code == 0, added.output
    bad = run("department", "add", "Bad Key", "--name-sv", "X")
    assert bad.exit_code == 1 and "lower-case letters" in bad.output
    assert run("department", "add", "socialforvaltningen", "--name-sv", "X").exit_code == 1

    assert run("department", "rename", "socialforvaltningen", "--name-en", "Social care").exit_code == 0
    assert served_db.execute("select name_sv, name_en from departments").fetchone() == ("Socialförvaltningen", "Social care")
    assert run("department", "rename", "nope", "--name-sv", "X").exit_code == 1

    make_user("coord", "coordinator", "socialforvaltningen")
    refused = run("department", "remove", "socialforvaltningen")
    assert refused.exit_code == 1 and "Staff accounts belong to the department" in refused.output
    contacts_db.execute("update users set department = null")
    process_store.create_process(served_db, {"code": "P-1", "post_title": "Chef", "department": "socialforvaltningen"})
    refused = run("department", "remove", "socialforvaltningen")
    assert refused.exit_code == 1 and "has processes" in refused.output
    listed = run("department", "list").output
    assert "socialforvaltningen\tSocialförvaltningen\tSocial care\t1 processes\t0 accounts" in listed

    assert run("department", "add", "tom", "--name-sv", "Tom").exit_code == 0
    assert run("department", "remove", "tom").exit_code == 0
    assert served_db.execute("select key from departments").fetchall() == [("socialforvaltningen",)]
    actions = [row[0] for row in contacts_db.execute("select action from audit_log order by id")]
    assert actions.count("department_add") == 2 and "department_remove" in actions and "municipality_set" in actions


def test_municipality_migration_upgrades_a_served_database_of_the_previous_version(tmp_path):
    from collector.db import connect
    from collector.migrations import migrate_served
    from collector.migrations_served import served as core_served

    db = connect(str(tmp_path / "medverkan.db"))
    core_served.apply(db, stop_before="m005_municipality")
    assert "municipality" not in db.table_names()
    db["departments"].insert({"key": "social", "name_sv": "Social", "name_en": "Social"})
    process_store.create_process(db, {"code": "P-1", "post_title": "Chef", "department": "social"})

    migrate_served(db)
    assert db.execute("select key from departments").fetchall() == [("social",)]
    assert db.execute("select code from processes").fetchall() == [("P-1",)]
    assert db.execute("select count(*) from municipality").fetchone() == (0,)
    db.conn.close()
