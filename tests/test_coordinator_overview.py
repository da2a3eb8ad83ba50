"""The coordinator's overview (issue 11 part 4): every process the account may
see, with status, stage, deadlines, response rates and what needs action,
lived through on a simulated calendar (the ``TODAY`` setting) with the real
pages, a real SMTP server (aiosmtpd) and both databases; search and filters
as a plain GET form; department scoping played as an attack."""

from __future__ import annotations

import datetime
import html
import re

from collector import invitations
from collector.coordinator import participants as participant_store
from collector.coordinator import processes as process_store
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.coordinator import sign_in

DAY0 = datetime.date(2026, 3, 2)


def _day(offset: int) -> str:
    return (DAY0 + datetime.timedelta(days=offset)).isoformat()


def _row(page: str, code: str) -> str:
    """The overview's table row of the process with ``code`` (its visible text, tags removed)."""
    rows = [row for row in page.split("<tr>") if f">{code}" in row or f"{code} ·" in row or f"{code}<" in row]
    assert len(rows) == 1, f"{code} is in {len(rows)} rows"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rows[0].split("</tr>")[0])).split())


def _overview(client, query: str = "") -> str:
    response = client.get("/coordinator/" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _people(contacts_db, process_id, group_key, count, prefix):
    participant_store.add_participants(contacts_db, process_id, [
        {"name": f"{prefix}{i}", "email": f"{prefix.lower()}{i}@example.se", "group_key": group_key, "language": "sv"}
        for i in range(count)
    ])


def test_overview_follows_a_process_through_its_states_and_actions(
    app, coordinator_client, make_process, served_db, contacts_db, smtp_server
):
    app.config["TODAY"] = _day(0)
    process_id = make_process("SOC-2026-1", opened_on=_day(0), application_deadline=_day(20))
    process_store.replace_stages(served_db, process_id, [
        {"label_sv": "Annonsering", "label_en": "Advertising", "starts_on": _day(0), "ends_on": _day(20)},
        {"label_sv": "Intervjuer", "label_en": "Interviews", "starts_on": _day(25), "ends_on": _day(30)},
    ])
    _people(contacts_db, process_id, "representative", 4, "Rep")
    _people(contacts_db, process_id, "manager", 1, "Chef")

    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Planering" in row and "Steg: Annonsering" in row and "Nästa: Intervjuer från 2026-03-27" in row
    assert "Ansökan senast 2026-03-22" in row
    assert "Inga inbjudningar än" in row and "Inget just nu" in row  # planning: nothing is due yet

    served_db["processes"].update(process_id, {"status": "collecting"})
    token = csrf_from(coordinator_client, "/coordinator/processes/new")
    assert coordinator_client.post(f"/coordinator/processes/{process_id}/invite",
                                   data={"csrf_token": token, "action": "send"}).status_code == 302
    assert len(smtp_server.messages) == 5

    app.config["TODAY"] = _day(6)  # REMINDER_MIN_DAYS (7) not yet passed
    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Samlar in svar" in row
    assert "Nästa påminnelse möjlig 2026-03-09" in row and "Påminnelse möjlig" not in row
    assert "Beslut inte registrerat" in row
    assert "Brukarrepresentant: 0 av 4 (0 %)" in row and "Chef eller tjänsteperson: 0 av 1 (0 %)" in row
    assert f"Länkarna fungerar till {_day(60)}" in row

    first = contacts_db.execute("select id from invitations where group_key = 'representative' order by id").fetchone()[0]
    invitations.mark_answered(contacts_db, first, _day(6))
    app.config["TODAY"] = _day(7)
    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Påminnelse möjlig: 4 personer" in row  # the three representatives and the manager who have not answered
    assert "Brukarrepresentant: 1 av 4 (25 %)" in row
    assert "Steg: Annonsering" in row

    token = csrf_from(coordinator_client, "/coordinator/processes/new")
    coordinator_client.post(f"/coordinator/processes/{process_id}/remind", data={"csrf_token": token, "action": "send"})
    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Påminnelse möjlig" not in row and "Nästa påminnelse möjlig 2026-03-16" in row

    app.config["TODAY"] = _day(26)
    process_store.record_decision(served_db, process_id, "Sökande A", "Bäst.", DAY0 + datetime.timedelta(days=26))
    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Steg: Intervjuer" in row
    assert "Beslut inte registrerat" not in row and "Återkoppling inte skickad" in row

    served_db["processes"].update(process_id, {"feedback_sent_on": _day(27), "status": "closed", "closed_on": _day(27)})
    hired = participant_store.add_participants(contacts_db, process_id, [
        {"name": "Nyanställd", "email": "ny@example.se", "group_key": "hired_followup", "language": "sv"}])
    assert hired == 1
    hired_id = contacts_db.execute("select id from participants where group_key = 'hired_followup'").fetchone()[0]
    contacts_db["scheduled_followups"].insert({"process_id": process_id, "participant_id": hired_id, "due_on": _day(209)})
    app.config["TODAY"] = _day(208)
    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Stängd 2026-03-29" in row and "Uppföljning senast" not in row
    assert "Uppföljningen ska skickas 2026-09-27" in row and "Inget just nu" in row
    app.config["TODAY"] = _day(209)
    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Uppföljningen skulle skickas 2026-09-27 och har inte gått ut" in row
    contacts_db.execute("update scheduled_followups set sent_on = ?", [_day(209)])
    row = _row(_overview(coordinator_client), "SOC-2026-1")
    assert "Inget just nu" in row and "Uppföljning" not in row


def test_feedback_is_not_due_when_no_one_would_get_it(app, coordinator_client, make_process, served_db):
    """A decision on a process whose links were all printed: nobody has an address, so nothing to send."""
    app.config["TODAY"] = _day(0)
    process_id = make_process("SOC-PAPER", status="collecting", opened_on=_day(0))
    row = _row(_overview(coordinator_client), "SOC-PAPER")
    assert "Beslut inte registrerat" in row
    served_db["processes"].update(process_id, {"appointed_applicant": "Sökande B"})
    row = _row(_overview(coordinator_client), "SOC-PAPER")
    assert "Återkoppling inte skickad" not in row and "Beslut inte registrerat" not in row


def _scoping_setup(make_process, contacts_db):
    own = make_process("SOC-2025-Ö", opened_on="2025-05-01", post_title="Enhetschef Öresund")
    other = make_process("ARB-2025-HEMLIG", department="arbetsmarknadsforvaltningen", opened_on="2025-06-01",
                         post_title="Hemlig chef Öresund")
    _people(contacts_db, other, "representative", 2, "Annan")
    return own, other


def test_a_coordinator_never_sees_another_departments_process_in_overview_search_or_filters(coordinator_client, make_process, contacts_db):
    _scoping_setup(make_process, contacts_db)
    for query in ("", "?q=ARB", "?q=hemlig", "?q=öresund", "?department=arbetsmarknadsforvaltningen",
                  "?department=arbetsmarknadsforvaltningen&year=2025&status=planning", "?year=2025"):
        page = _overview(coordinator_client, query)
        assert "ARB-2025-HEMLIG" not in page and "Hemlig" not in page and "Arbetsmarknadsförvaltningen" not in page, query
    assert "SOC-2025-Ö" in _overview(coordinator_client, "?q=öresund")


def test_an_admin_sees_every_department_and_filters_by_one(admin_client, make_process, contacts_db):
    _scoping_setup(make_process, contacts_db)
    page = _overview(admin_client)
    assert "SOC-2025-Ö" in page and "ARB-2025-HEMLIG" in page
    page = _overview(admin_client, "?department=arbetsmarknadsforvaltningen")
    assert "SOC-2025-Ö" not in page and "ARB-2025-HEMLIG" in page
    assert "Brukarrepresentant" not in _row(page, "ARB-2025-HEMLIG")  # participants but no invitations yet


def test_search_and_filters_narrow_the_overview(coordinator_client, make_process):
    make_process("SOC-2024-A", opened_on="2024-02-01", post_title="Enhetschef Ängelholm", status="closed")
    make_process("SOC-2025-B", opened_on="2025-02-01", post_title="Avdelningschef barn", status="collecting")
    make_process("SOC-2025-C", opened_on="2025-09-01", post_title="Enhetschef vuxen")
    page = _overview(coordinator_client)
    assert all(code in page for code in ("SOC-2024-A", "SOC-2025-B", "SOC-2025-C"))
    assert '<option value="2025">' in page and '<option value="2024">' in page

    def codes(query):
        return {code for code in ("SOC-2024-A", "SOC-2025-B", "SOC-2025-C") if code in _overview(coordinator_client, query)}

    assert codes("?year=2025") == {"SOC-2025-B", "SOC-2025-C"}
    assert codes("?status=closed") == {"SOC-2024-A"}
    assert codes("?q=ÄNGELHOLM") == {"SOC-2024-A"}  # case-insensitive beyond ASCII
    assert codes("?q=enhetschef&year=2025") == {"SOC-2025-C"}
    assert codes("?q=soc-2025-b") == {"SOC-2025-B"}
    page = _overview(coordinator_client, "?q=finns-inte")
    assert "Ingen process matchar sökningen och filtren" in page
    # The form keeps what was typed and chosen.
    page = _overview(coordinator_client, "?q=barn&year=2025&status=collecting")
    assert 'value="barn"' in page and '<option value="2025" selected>' in page and '<option value="collecting" selected>' in page


def test_unusable_filter_values_are_ignored_not_errors(coordinator_client, make_process):
    make_process("SOC-2025-X", opened_on="2025-02-01")
    for query in ("?year=abc", "?year=99999", "?status=deleted", "?department=%3Cscript%3E", "?q=" + "x" * 5000,
                  "?q=%00", "?year=2025&year=2024"):
        response = coordinator_client.get("/coordinator/" + query)
        assert response.status_code == 200, query
        assert "<script>" not in response.get_data(as_text=True)
    assert "SOC-2025-X" in _overview(coordinator_client, "?year=abc&status=deleted")


def test_the_overview_is_in_english_too(app, coordinator_client, make_process):
    app.config["TODAY"] = _day(0)
    make_process("SOC-EN", status="collecting", opened_on=_day(0))
    coordinator_client.get("/?lang=en")
    page = _overview(coordinator_client, "?lang=en")
    row = _row(page, "SOC-EN")
    assert "Collecting answers" in row and "Decision not recorded" in row
    assert "Search by code or post" in page


def test_management_and_evaluators_have_no_overview(app, make_user, departments):
    make_user("eva", "evaluator", None)
    client = app.test_client()
    sign_in(client, "eva")
    assert client.get("/coordinator/").status_code in (302, 403)
