"""The pool of representatives (collector/brukarbank) through the Flask test
client: register, search, edit, train, pick for a process (they become
participants of group ``representative``), compensation, removal, the
department gate, bad input, and the served counts with their small-cell rule."""

from __future__ import annotations

import datetime
import re

import pytest

from collector.brukarbank import profile
from collector.brukarbank import retention
from collector.ops.cli import cli
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.coordinator import sign_in

POOL = "/coordinator/brukarbank/"


def register(client, name="Åsa Lind", email="asa@example.se", areas=("addiction",), **extra):
    token = csrf_from(client, POOL + "new")
    data = {"csrf_token": token, "name": name, "email": email, "phone": "", "language": "sv",
            "department": "socialforvaltningen", "areas": list(areas), **extra}
    return client.post(POOL + "new", data=data)


def member_id_from(response) -> int:
    return int(re.search(r"/brukarbank/(\d+)$", response.headers["Location"]).group(1))


def pick(client, process_id, member_ids):
    url = f"{POOL}processes/{process_id}/pick"
    token = csrf_from(client, url)
    return client.post(url, data={"csrf_token": token, "pick": "1", "members": [str(i) for i in member_ids]})


def test_registering_a_representative_keeps_contact_data_in_contacts_only(coordinator_client, contacts_db, served_db):
    response = register(coordinator_client, areas=("addiction", "homelessness"), phone="070-123 45 67")
    assert response.status_code == 302
    member = contacts_db["pool_members"].get(member_id_from(response))
    assert (member["name"], member["email"], member["phone"], member["department"]) == (
        "Åsa Lind", "asa@example.se", "070-123 45 67", "socialforvaltningen")
    areas = {row["area_key"] for row in contacts_db["pool_member_areas"].rows}
    assert areas == {"addiction", "homelessness"}
    page = coordinator_client.get(POOL).get_data(as_text=True)
    assert "Åsa Lind" in page and "Missbruk eller beroende" in page and "Hemlöshet" in page


def test_search_finds_by_name_and_area_and_treats_wildcards_as_text(coordinator_client):
    register(coordinator_client, "Åsa Lind", "asa@example.se", ("addiction",))
    register(coordinator_client, "Bo Ek", "bo@example.se", ("disability",))
    by_name = coordinator_client.get(POOL + "?q=lind").get_data(as_text=True)
    assert "Åsa Lind" in by_name and "Bo Ek" not in by_name
    by_area = coordinator_client.get(POOL + "?area=disability").get_data(as_text=True)
    assert "Bo Ek" in by_area and "Åsa Lind" not in by_area
    wildcard = coordinator_client.get(POOL + "?q=%25").get_data(as_text=True)
    assert "Bo Ek" not in wildcard and "Ingen representant matchar" in wildcard


def test_a_missing_name_and_a_bad_email_are_named_in_the_error_summary_and_kept(coordinator_client, contacts_db):
    response = register(coordinator_client, name="", email="not-an-email", areas=("mental_health",))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page
    assert 'href="#name"' in page and 'href="#email"' in page
    assert "Namn:" in page and "E-postadress:" in page
    assert 'value="not-an-email"' in page  # nothing typed is lost
    assert re.search(r'value="mental_health"\s+checked|value="mental_health" checked', page)
    assert contacts_db["pool_members"].count == 0


def test_the_same_email_twice_in_a_department_is_refused(coordinator_client):
    register(coordinator_client)
    response = register(coordinator_client, name="Åsa L")
    assert response.status_code == 400
    assert "redan i brukarbanken" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "field, value",
    [("name", "Åsa\x00Lind"), ("phone", "070\x00123"), ("email", "a\x00@example.se"), ("phone", "ring mig")],
)
def test_nul_bytes_and_nonsense_are_form_errors_not_500(coordinator_client, contacts_db, field, value):
    """Nonsense is a form error; a NUL byte is stripped from every form value
    before any form sees it (collector/input_guard.py), so it never reaches the
    database: either way, never a 500."""
    response = register(coordinator_client, **{field: value})
    if "\x00" in value:
        assert response.status_code in (302, 400)
        for row in contacts_db["pool_members"].rows:
            assert all("\x00" not in str(cell) for cell in row.values())
    else:
        assert response.status_code == 400
        assert contacts_db["pool_members"].count == 0


def test_editing_changes_details_and_areas(coordinator_client, contacts_db):
    member_id = member_id_from(register(coordinator_client))
    url = f"{POOL}{member_id}"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(url, data={"csrf_token": token, "name": "Åsa Lind-Berg", "email": "ASA@example.se",
                                                  "phone": "", "language": "en", "department": "socialforvaltningen",
                                                  "areas": ["mental_health"]})
    assert response.status_code == 302
    member = contacts_db["pool_members"].get(member_id)
    assert (member["name"], member["email"], member["language"]) == ("Åsa Lind-Berg", "asa@example.se", "en")
    assert [r["area_key"] for r in contacts_db["pool_member_areas"].rows] == ["mental_health"]
    assert "Förvaltning: Socialförvaltningen" in coordinator_client.get(url).get_data(as_text=True)


def test_training_is_recorded_with_course_or_only_a_date(coordinator_client, contacts_db):
    member_id = member_id_from(register(coordinator_client))
    url = f"{POOL}{member_id}/trainings"
    token = csrf_from(coordinator_client, f"{POOL}{member_id}")
    assert (
        coordinator_client.post(url, data={"csrf_token": token, "course": "Introduktion", "completed_on": "2026-03-14"}).status_code == 302
    )
    assert coordinator_client.post(url, data={"csrf_token": token, "course": "", "completed_on": "2026-04-01"}).status_code == 302
    bad = coordinator_client.post(url, data={"csrf_token": token, "course": "", "completed_on": "2026-13-45"})
    assert bad.status_code == 400
    rows = [(r["course"], r["completed_on"]) for r in contacts_db["pool_trainings"].rows]
    assert rows == [("Introduktion", "2026-03-14"), (None, "2026-04-01")]
    assert "Förberedelse mottagen" in coordinator_client.get(f"{POOL}{member_id}").get_data(as_text=True)


def test_picking_makes_participants_of_group_representative_shown_on_the_process_page(
    coordinator_client, contacts_db, make_process
):
    process_id = make_process(status="collecting")
    first = member_id_from(register(coordinator_client, "Åsa Lind", "asa@example.se"))
    second = member_id_from(register(coordinator_client, "Bo Ek", "bo@example.se", language="en"))
    response = pick(coordinator_client, process_id, [first, second])
    assert response.status_code == 302
    participants = {(p["name"], p["email"], p["group_key"], p["language"]) for p in contacts_db["participants"].rows}
    assert participants == {("Åsa Lind", "asa@example.se", "representative", "sv"),
                            ("Bo Ek", "bo@example.se", "representative", "en")}
    assignments = list(contacts_db["pool_assignments"].rows)
    assert {a["member_id"] for a in assignments} == {first, second}
    assert all(a["participant_id"] for a in assignments)
    page = coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)
    assert "Brukarrepresentanter från brukarbanken" in page
    assert "Åsa Lind" in page and "(från brukarbanken)" in page
    # Picking again adds nobody twice.
    assert "redan valda" in coordinator_client.get(f"{POOL}processes/{process_id}/pick").get_data(as_text=True)
    assert contacts_db["participants"].count == 2


def test_picked_representatives_get_the_normal_invitation(coordinator_client, make_process, smtp_server):
    process_id = make_process(status="collecting")
    member_id = member_id_from(register(coordinator_client, "Åsa Lind", "asa@example.se"))
    pick(coordinator_client, process_id, [member_id])
    token = csrf_from(coordinator_client, f"/coordinator/processes/{process_id}/invite")  # the confirmation page
    assert coordinator_client.post(f"/coordinator/processes/{process_id}/invite", data={"csrf_token": token}).status_code == 302
    assert [m["rcpt"] for m in smtp_server.messages] == [["asa@example.se"]]


def test_pick_without_a_choice_is_an_error_summary(coordinator_client, make_process):
    process_id = make_process()
    register(coordinator_client)
    response = pick(coordinator_client, process_id, [])
    assert response.status_code == 400
    assert 'href="#members-0"' in response.get_data(as_text=True)


def test_compensation_is_saved_and_bad_numbers_are_form_errors(coordinator_client, contacts_db, make_process):
    process_id = make_process()
    pick(coordinator_client, process_id, [member_id_from(register(coordinator_client))])
    assignment_id = next(contacts_db["pool_assignments"].rows)["id"]
    url = f"{POOL}assignments/{assignment_id}"
    token = csrf_from(coordinator_client, url)
    for hours, amount in (("-1", "100"), ("2", "-5"), ("NaN", "1"), ("2", "Infinity"), ("1e999", "1"), ("två", "1")):
        response = coordinator_client.post(url, data={"csrf_token": token, "assignment": "x", "hours": hours, "amount_sek": amount})
        assert response.status_code == 400, (hours, amount)
        assert 'class="error-summary"' in response.get_data(as_text=True)
    ok = coordinator_client.post(url, data={"csrf_token": token, "assignment": "Intervjupanel", "hours": "4,5",
                                            "amount_sek": "1200", "paid_on": "2026-05-02"})
    assert ok.status_code == 302
    row = contacts_db["pool_assignments"].get(assignment_id)
    assert (row["assignment"], row["hours"], row["amount_sek"], row["paid_on"]) == ("Intervjupanel", 4.5, 1200.0, "2026-05-02")
    member_page = coordinator_client.get(f"{POOL}{row['member_id']}").get_data(as_text=True)
    assert "Avdelningschef HBG-2017-GR (HBG-2017-GR)" in member_page and "1200.00" in member_page


@pytest.mark.parametrize("path", [
    "99999999999999999999999", "9223372036854775808", "0",
    "processes/99999999999999999999999/pick", "assignments/99999999999999999999999",
])
def test_huge_and_missing_ids_are_404(coordinator_client, path):
    assert coordinator_client.get(POOL + path).status_code == 404


def test_another_departments_coordinator_gets_404_everywhere(app, coordinator_client, make_user, make_process, contacts_db):
    process_id = make_process()
    member_id = member_id_from(register(coordinator_client))
    pick(coordinator_client, process_id, [member_id])
    assignment_id = next(contacts_db["pool_assignments"].rows)["id"]
    make_user("other", "coordinator", "arbetsmarknadsforvaltningen")
    other = app.test_client()
    sign_in(other, "other")
    for path in (f"{member_id}", f"{member_id}/remove", f"processes/{process_id}/pick", f"assignments/{assignment_id}"):
        assert other.get(POOL + path).status_code == 404, path
    token = csrf_from(other, POOL + "new")
    assert other.post(f"{POOL}{member_id}/remove", data={"csrf_token": token}).status_code == 404
    assert "Åsa Lind" not in other.get(POOL + "?q=asa").get_data(as_text=True)
    assert contacts_db["pool_members"].count == 1


def test_evaluators_cannot_open_the_pool(app, make_user, departments):
    make_user("eva", "evaluator", None)
    client = app.test_client()
    sign_in(client, "eva")
    assert client.get(POOL).status_code in (302, 403)


def test_posts_without_csrf_are_refused(coordinator_client, contacts_db):
    response = coordinator_client.post(POOL + "new", data={"name": "X", "email": "x@example.se", "language": "sv",
                                                          "department": "socialforvaltningen"})
    assert response.status_code == 400
    assert contacts_db["pool_members"].count == 0


def test_removal_deletes_contact_data_and_keeps_only_counts(coordinator_client, contacts_db, served_db, make_process):
    process_id = make_process()
    member_id = member_id_from(register(coordinator_client, areas=("addiction",)))
    pick(coordinator_client, process_id, [member_id])
    before = profile.raw_counts(contacts_db)
    token = csrf_from(coordinator_client, f"{POOL}{member_id}/remove")
    assert coordinator_client.post(f"{POOL}{member_id}/remove", data={"csrf_token": token}).status_code == 302
    for table in ("pool_members", "pool_member_areas", "pool_trainings", "pool_assignments"):
        assert contacts_db[table].count == 0, table
    assert profile.raw_counts(contacts_db) == before
    assert {r["characteristic"] for r in contacts_db["pool_retired_counts"].rows} >= {"addiction", "prepared"}
    assert not any("member" in c for c in contacts_db["pool_retired_counts"].columns_dict)


def test_inactive_members_are_purged_on_time(contacts_db, served_db, runner, app):
    from collector.brukarbank import members

    old = members.register_member(contacts_db, {"department": "d", "name": "Old", "email": "old@example.se",
                                                "areas": ["other"]}, datetime.date(2020, 1, 1))
    recent = members.register_member(contacts_db, {"department": "d", "name": "New", "email": "new@example.se"},
                                     datetime.date(2026, 1, 1))
    members.add_training(contacts_db, old, "Kurs", "2021-06-01", datetime.date(2021, 6, 1))
    assert retention.inactive_members(contacts_db, datetime.date(2023, 5, 31), 730) == []
    assert retention.inactive_members(contacts_db, datetime.date(2023, 6, 2), 730) == [old]
    result = runner.invoke(cli, ["brukarbank", "purge", "--today", "2026-06-01"])
    assert result.exit_code == 0, result.output
    assert [m["id"] for m in contacts_db["pool_members"].rows] == [recent]


def test_taking_a_representative_off_a_process_removes_the_participant_but_not_the_member(
    coordinator_client, contacts_db, served_db, make_process
):
    process_id = make_process()
    member_id = member_id_from(register(coordinator_client))
    pick(coordinator_client, process_id, [member_id])
    assignment_id = next(contacts_db["pool_assignments"].rows)["id"]
    token = csrf_from(coordinator_client, f"{POOL}assignments/{assignment_id}")
    response = coordinator_client.post(f"{POOL}assignments/{assignment_id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert contacts_db["pool_assignments"].count == 0 and contacts_db["participants"].count == 0
    assert contacts_db["pool_members"].count == 1
    assert served_db["representative_profile"].count == 0


def test_closed_processes_take_no_new_representatives(coordinator_client, contacts_db, make_process):
    process_id = make_process(status="closed")
    member_id = member_id_from(register(coordinator_client))
    response = pick(coordinator_client, process_id, [member_id])
    assert response.status_code == 302 and contacts_db["participants"].count == 0


def test_the_pool_speaks_english_when_asked(coordinator_client):
    register(coordinator_client, areas=("child_welfare_parent",))
    page = coordinator_client.get(POOL + "?lang=en").get_data(as_text=True)
    assert "Pool of representatives" in page and "Child welfare as a parent" in page
    assert 'lang="en"' in page


def test_every_interface_string_of_the_pool_has_a_swedish_translation():
    from pathlib import Path

    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    files = [(p, "python") for p in (root / "collector/brukarbank").glob("*.py")]
    files += [(p, "jinja2.ext:babel_extract") for p in (root / "collector/templates/brukarbank").glob("*.html")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    wanted = set()
    for path, method in files:
        for _line, message, _comments, _context in extract_from_file(method, str(path), keywords=keywords):
            wanted.add(message if isinstance(message, str) else message[0])
    translated = set()
    for po in (root / "collector/translations/sv/LC_MESSAGES").glob("*.po"):
        with open(po, "rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not message.fuzzy:
                    translated.add(message.id if isinstance(message.id, str) else message.id[0])
    assert len(wanted) > 50
    assert sorted(wanted - translated) == []
