"""A recruitment year on a simulated calendar: the follow-up reaches the hire.

The calendar is the app's ``TODAY`` setting (``collector.clock``); the
daily cron (``medverkan send-due`` then ``medverkan purge``) runs every
simulated day for 13 months; mail goes to a real SMTP server (aiosmtpd);
the coordinator works through the real pages and the hired person answers
through the real respondent link. After every day the contacts database is
checked both ways: nothing still needed is gone, nothing is kept longer
than needed.

The bug this reproduces: the purge (RETENTION_DAYS after closing) deleted
the follow-up link as soon as it had been sent, and the follow-up was
timed from closing instead of the hired person's start date.
"""

from __future__ import annotations

import datetime
import re

from werkzeug.datastructures import MultiDict

from collector.coordinator import participants as participant_store
from collector.ops.cli import cli
from tests.fixtures.coordinator import csrf_from
from tests.http_respondent import answers_for
from tests.http_respondent import read_form

LINK = re.compile(r"https?://[^\s<\"]+(/s/[A-Za-z0-9_\-]+)")
DAY_ZERO = datetime.date(2025, 1, 6)
INVITE, REMIND, DECIDE, FEEDBACK, CLOSE = 0, 10, 30, 35, 40
START = 75  # the hired person starts work on this day


def _day(number: int) -> datetime.date:
    return DAY_ZERO + datetime.timedelta(days=number)


def _link(message) -> str:
    return LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)


def _answer_through_link(client, link_path: str) -> bool:
    """Answer every page of the questionnaire behind ``link_path`` and send it; True when a receipt came back."""
    opened = client.get(link_path)
    assert opened.status_code == 303, opened.status_code
    response = client.get("/svar/sida/1")
    for _ in range(20):
        html = response.get_data(as_text=True)
        reader = read_form(html, "/svar/sida/")
        if reader.action is None:
            break
        response = client.post(reader.action, data=_multi(answers_for(reader) + [("action", "next")]), follow_redirects=True)
        assert response.status_code == 200, response.status_code
    review = read_form(response.get_data(as_text=True), "/svar/skicka")
    assert review.action, "no review page"
    thanks = client.post(review.action, data=_multi(answers_for(review)), follow_redirects=True)
    return thanks.status_code == 200 and 'id="receipt-code"' in thanks.get_data(as_text=True)


def _multi(pairs):
    return MultiDict(pairs)


def _people(contacts_db, process_id):
    return {
        row[0]: row[1]
        for row in contacts_db.execute("select email, group_key from participants where process_id = ?", [process_id])
    }


def test_a_recruitment_year_the_followup_reaches_the_hire_and_contacts_go_on_time(
    app, coordinator_client, make_process, contacts_db, served_db, smtp_server
):
    config = app.config
    config["TODAY"] = _day(0).isoformat()
    process_id = make_process(status="collecting")
    served_db["applicants"].insert_all(
        [{"process_id": process_id, "pseudonym": p, "stage_reached": "finalist", "position": i} for i, p in enumerate("AB")]
    )
    participant_store.add_participants(contacts_db, process_id, [
        {"name": "Rep Ett", "email": "rep1@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Rep Två", "email": "rep2@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Facket", "email": "union@example.se", "group_key": "union", "language": "en"},
    ])
    runner = app.test_cli_runner()
    url = f"/coordinator/processes/{process_id}"
    followup_due = _day(START + config["FOLLOWUP_DAYS"])
    min_days = config["REMINDER_MIN_DAYS"]
    reminder_days = [followup_due + datetime.timedelta(days=min_days * n) for n in (1, 2)]
    answer_day = followup_due + datetime.timedelta(days=min_days * 2 + 3)
    purge_day = _day(CLOSE + config["RETENTION_DAYS"])
    mail_count_before_followup = None
    followup_answered = False

    for number in range(0, 400):  # 13 months
        today = _day(number)
        config["TODAY"] = today.isoformat()

        if number == INVITE:
            token = csrf_from(coordinator_client, f"{url}/invite")  # the confirmation page
            assert coordinator_client.post(f"{url}/invite", data={"csrf_token": token}).status_code == 302
            assert sorted(m["rcpt"][0] for m in smtp_server.messages) == ["rep1@example.se", "rep2@example.se", "union@example.se"]
            rep1 = next(m["message"] for m in smtp_server.messages if m["rcpt"] == ["rep1@example.se"])
            assert _answer_through_link(app.test_client(), _link(rep1))
        if number == REMIND:
            token = csrf_from(coordinator_client, f"{url}/remind")
            assert coordinator_client.post(f"{url}/remind", data={"csrf_token": token}).status_code == 302
            assert sorted(m["rcpt"][0] for m in smtp_server.messages[3:]) == ["rep2@example.se", "union@example.se"]
        if number == DECIDE:
            participant_store.add_participants(contacts_db, process_id, [
                {"name": "Ny Chef", "email": "chef@example.se", "group_key": "hired_followup", "language": "sv"},
            ])
            decision = f"{url}/decision"
            page = coordinator_client.get(decision).get_data(as_text=True)
            assert "hire_starts_on" in page
            token = csrf_from(coordinator_client, decision)
            response = coordinator_client.post(decision, data={
                "csrf_token": token, "appointed_applicant": "B", "decision_rationale": "Bäst på samtal.",
                "hire_starts_on": _day(START).isoformat(),
            })
            assert response.status_code == 302, response.get_data(as_text=True)
        if number == FEEDBACK:
            feedback = f"{url}/feedback"
            page = coordinator_client.get(feedback).get_data(as_text=True)
            fields = set(re.findall(r'name="(message_[a-z_]+_(?:sv|en))"', page))
            assert fields, "the feedback form has a text per group and language"
            token = csrf_from(coordinator_client, feedback)
            response = coordinator_client.post(feedback, data={"csrf_token": token, **{name: "Beslutet är fattat." for name in fields}})
            assert response.status_code == 302  # to the confirmation page
            confirm = f"{feedback}/confirm"
            token = csrf_from(coordinator_client, confirm)
            assert coordinator_client.post(confirm, data={"csrf_token": token, "action": "send"}).status_code == 302
        if number == CLOSE:
            close = f"{url}/close"
            token = csrf_from(coordinator_client, close)
            assert followup_due.isoformat() in coordinator_client.get(close).get_data(as_text=True)
            assert coordinator_client.post(close, data={"csrf_token": token}).status_code == 302
            assert contacts_db.execute("select due_on from scheduled_followups").fetchall() == [(followup_due.isoformat(),)]
            mail_count_before_followup = len(smtp_server.messages)
        if today == answer_day:
            second_reminder = smtp_server.messages[-1]
            assert second_reminder["rcpt"] == ["chef@example.se"]
            assert _answer_through_link(app.test_client(), _link(second_reminder["message"]))
            followup_answered = True

        # The daily cron.
        sent = runner.invoke(cli, ["send-due"])
        assert sent.exit_code == 0, sent.output
        assert runner.invoke(cli, ["purge"]).exit_code == 0

        people = _people(contacts_db, process_id)
        followup_links = contacts_db.execute(
            "select count(*) from invitations where process_id = ? and is_followup = 1 and status = 'open'", [process_id]
        ).fetchone()[0]
        others = {email for email, group in people.items() if group != "hired_followup"}
        start_kept = contacts_db.execute("select count(*) from hire_starts where process_id = ?", [process_id]).fetchone()[0]

        # Nothing still needed is deleted ...
        if number < CLOSE + config["RETENTION_DAYS"]:
            assert others == {"rep1@example.se", "rep2@example.se", "union@example.se"}, (today, people)
        if DECIDE <= number and not followup_answered:
            assert "chef@example.se" in people, f"the hire's contact data were deleted on {today}"
            assert start_kept == 1
        if followup_due <= today and not followup_answered:
            assert followup_links == 1, f"the follow-up link was deleted on {today}"
        # ... and nothing is kept longer than needed.
        if today >= purge_day:
            assert others == set(), (today, people)
            assert contacts_db.execute(
                "select count(*) from invitations where process_id = ? and is_followup = 0", [process_id]
            ).fetchone()[0] == 0
        if followup_answered:
            assert people == {}, f"the hire's contact data outlived the answered follow-up on {today}"
            assert start_kept == 0
            assert contacts_db.execute("select count(*) from invitations where process_id = ?", [process_id]).fetchone()[0] == 0

        # The follow-up and its reminders go out on exactly their days, to the hire only.
        if mail_count_before_followup is not None:
            after_close = smtp_server.messages[mail_count_before_followup:]
            expected = (today >= followup_due) + sum(today >= day for day in reminder_days)
            assert len(after_close) == expected, (today, [m["message"]["Subject"] for m in after_close])
            assert all(m["rcpt"] == ["chef@example.se"] for m in after_close)

    followup, *reminders = smtp_server.messages[mail_count_before_followup:]
    assert followup["message"]["Subject"].strip().startswith("Sex månader senare")
    assert all(m["message"]["Subject"].strip().startswith("Påminnelse") for m in reminders)
    assert followup_answered
    answered = served_db.execute(
        "select group_key, count(*) from responses where process_id = ? group by group_key order by group_key", [process_id]
    ).fetchall()
    assert answered == [("hired_followup", 1), ("representative", 1)]
    assert contacts_db.execute("select process_id from purged_processes").fetchall() == [(process_id,)]
    assert contacts_db.execute("select count(*) from receipts where process_id = ?", [process_id]).fetchone()[0] == 2


def test_purge_keeps_a_sent_followup_link_until_it_is_answered_or_expires(app, make_process, contacts_db, served_db, smtp_server):
    """The bug in isolation, through the cron commands only: closed long ago, follow-up sent
    today, purged today. The link must survive until its expiry, then go with the hire's row."""
    process_id = make_process(status="collecting")
    participant_store.add_participants(contacts_db, process_id, [
        {"name": "Ny Chef", "email": "chef@example.se", "group_key": "hired_followup", "language": "sv"},
        {"name": "Rep", "email": "rep@example.se", "group_key": "representative", "language": "sv"},
    ])
    closed_on = datetime.date(2025, 2, 1)
    served_db.execute("update processes set status = 'closed', closed_on = ? where id = ?", [closed_on.isoformat(), process_id])
    due = closed_on + datetime.timedelta(days=app.config["FOLLOWUP_DAYS"])
    contacts_db.execute(
        "insert into scheduled_followups (process_id, participant_id, due_on) values (?, 1, ?)", [process_id, due.isoformat()]
    )
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["send-due", "--today", due.isoformat()]).exit_code == 0
    assert [m["rcpt"] for m in smtp_server.messages] == [["chef@example.se"]]
    assert runner.invoke(cli, ["purge", "--today", due.isoformat()]).exit_code == 0

    assert set(_people(contacts_db, process_id)) == {"chef@example.se"}
    expires_on = contacts_db.execute("select expires_on from invitations where is_followup = 1").fetchone()
    assert expires_on is not None, "the purge deleted the follow-up link the day it was sent"
    link = _link(smtp_server.messages[0]["message"])
    app.config["TODAY"] = expires_on[0]
    assert app.test_client().get(link).status_code == 303  # still opens on its last day
    assert runner.invoke(cli, ["purge", "--today", expires_on[0]]).exit_code == 0
    assert set(_people(contacts_db, process_id)) == {"chef@example.se"}

    day_after = (datetime.date.fromisoformat(expires_on[0]) + datetime.timedelta(days=1)).isoformat()
    assert runner.invoke(cli, ["purge", "--today", day_after]).exit_code == 0
    assert _people(contacts_db, process_id) == {}
    assert contacts_db.execute("select count(*) from invitations").fetchone()[0] == 0


def test_hire_start_dates_migration_upgrades_a_database_of_the_previous_version(tmp_path):
    """k004 on a contacts database made before it: every row kept, the new table added."""
    from collector.coordinator import migrations as coordinator_migrations
    from collector.db import connect
    from collector.migrations import migrate_contacts
    from collector.migrations_contacts import contacts as core_contacts

    db = connect(str(tmp_path / "contacts.db"))
    core_contacts.apply(db)
    coordinator_migrations.migrations.apply(db, stop_before="k004_hire_start_dates")
    assert "hire_starts" not in db.table_names()
    participant_store.add_participants(db, 1, [{"name": "Ny Chef", "email": "chef@example.se", "group_key": "hired_followup"}])
    db.execute("insert into scheduled_followups (process_id, participant_id, due_on) values (1, 1, '2025-09-01')")

    migrate_contacts(db)
    assert "hire_starts" in db.table_names()
    assert db.execute("select email from participants").fetchall() == [("chef@example.se",)]
    assert db.execute("select due_on from scheduled_followups").fetchall() == [("2025-09-01",)]
    db.conn.close()
