"""A whole recruitment year from a fresh install, walked as an HR coordinator would.

Real parts only: the ``medverkan`` program in a clean environment (an empty
instance folder, no ``MEDVERKAN_*`` key but the instance path), the
collector under gunicorn with the production configuration, a real SMTP
server (aiosmtpd) on loopback, and Debian's Chromium through Playwright.
Time passes by restarting the server with a later ``TODAY`` setting
(``collector.clock``) and by running the daily cron (``medverkan send-due``
and ``medverkan purge``, on the install's files and settings) on that date.
Helpers: ``tests/fixtures/year_walk.py``.

The walk: init, first admin (CLI); the municipality, departments and a
coordinator account (browser, admin); representatives in the pool, a
process with stages and applicants, representatives picked from the pool,
the other participants from an uploaded CSV file, invitations confirmed and
sent; people answer from their mailed links; reminders a week later, one
answered from the reminder's link; the decision with the hire's start date,
feedback, closing; the purge RETENTION_DAYS later keeps only the hire; the
follow-up FOLLOWUP_DAYS after the start date, its reminder, the hire's
answer from the first follow-up mail; the final purge leaves no contact data
of the process, and the served database holds the answers and nothing that
names anyone.
"""

from __future__ import annotations

import csv
import datetime
import io
import stat

import pytest

from tests.fixtures.coordinator import SmtpRecorder
from tests.fixtures.servers import free_port
from tests.fixtures.year_walk import Install
from tests.fixtures.year_walk import answer
from tests.fixtures.year_walk import by_recipient
from tests.fixtures.year_walk import go
from tests.fixtures.year_walk import mails_since
from tests.fixtures.year_walk import main_text
from tests.fixtures.year_walk import rates_on
from tests.fixtures.year_walk import sign_in
from tests.fixtures.year_walk import subject
from tests.fixtures.year_walk import submit
from tests.fixtures.year_walk import text_values
from tests.fixtures.year_walk import to
from tests.fixtures.year_walk import token_of

ADMIN_PASSWORD = "admin password of the first day"
COORDINATOR_PASSWORD = "coordinator password 2026"

DAY_ONE = datetime.date(2026, 2, 2)
REMINDER_DAY = DAY_ONE + datetime.timedelta(days=8)
DECISION_DAY = DAY_ONE + datetime.timedelta(days=30)
HIRE_STARTS = datetime.date(2026, 4, 1)
RETENTION_DAYS = 90  # collector/settings.py defaults, stated here so the calendar reads plainly
FOLLOWUP_DAYS = 182
REMINDER_MIN_DAYS = 7
PURGE_DAY = DECISION_DAY + datetime.timedelta(days=RETENTION_DAYS)
FOLLOWUP_DAY = HIRE_STARTS + datetime.timedelta(days=FOLLOWUP_DAYS)
FOLLOWUP_REMINDER_DAY = FOLLOWUP_DAY + datetime.timedelta(days=REMINDER_MIN_DAYS)
HIRE_ANSWERS = FOLLOWUP_REMINDER_DAY + datetime.timedelta(days=2)
LAST_DAY = HIRE_ANSWERS + datetime.timedelta(days=REMINDER_MIN_DAYS)

REPRESENTATIVES = [("Åsa Lind", "asa.lind@example.se"), ("Karim Haddad", "karim.haddad@example.se")]
IMPORTED = [
    ("Cecilia Berg", "cecilia.berg@example.se", "sökande", "sv"),
    ("Daniel Ek", "daniel.ek@example.se", "sökande", "sv"),
    ("Eva Holm", "eva.holm@example.se", "chef", "sv"),
    ("Frank Miller", "frank.miller@example.se", "facklig", "en"),
]
HIRE = ("Nora Nyberg", "nora.nyberg@example.se")
PEOPLE = REPRESENTATIVES + [(name, email) for name, email, _group, _lang in IMPORTED] + [HIRE]


@pytest.fixture
def install(tmp_path):
    from aiosmtpd.controller import Controller

    recorder = SmtpRecorder()
    smtp_port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    site = Install(tmp_path, smtp_port)
    site.smtp = recorder
    try:
        yield site
    finally:
        site.stop()
        controller.stop()


def _csv_upload() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["namn", "e-post", "grupp", "språk"])
    writer.writerows(IMPORTED)
    writer.writerow(IMPORTED[0])  # a row pasted twice is skipped, not fatal
    return out.getvalue().encode("utf-8")


# --- the year -----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
# About a minute on an idle 2-core machine; 2-4 minutes when many test runs share it.
@pytest.mark.timeout(480)
def test_a_whole_recruitment_year_from_a_fresh_install_in_a_browser(browser, install):
    smtp = install.smtp

    # Day one on a fresh machine: init writes a private key and the databases, then the first admin.
    init = install.medverkan("init")
    assert init.returncode == 0, init.stderr
    config = install.instance / "config.py"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert "medverkan user add admin --role admin" in init.stdout
    added = install.medverkan("user", "add", "admin", "--role", "admin", "--password", ADMIN_PASSWORD)
    assert added.returncode == 0, added.stderr
    assert list(install.home.iterdir()) == []  # nothing written where the user stood

    install.serve_on(DAY_ONE)
    base = install.url
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    page = staff.new_page()
    page.set_default_timeout(15000)
    try:
        # --- the admin: municipality, departments, the coordinator's account
        sign_in(page, base, "admin", ADMIN_PASSWORD)
        go(page, "nav >> text=Förvaltningar")
        assert page.locator("h1").inner_text() == "Kommun och förvaltningar"
        assert "Det finns inga förvaltningar ännu" in main_text(page)
        page.fill("#name", "Helsingborgs stad")
        submit(page, "form[action$='/municipality'] button[type=submit]")
        assert page.input_value("#name") == "Helsingborgs stad"
        for name_sv, name_en, key in [
            ("Socialförvaltningen", "Social services", "socialforvaltningen"),
            ("Arbetsmarknadsförvaltningen", "Labour market", "arbetsmarknad"),
        ]:
            page.fill("#name_sv", name_sv)
            page.fill("#name_en", name_en)
            page.fill("#key", key)
            submit(page, "form[action$='/departments'] button[type=submit]")
            assert "Förvaltningen lades till" in main_text(page), main_text(page)[:400]
        table = page.locator("table").first.inner_text()
        assert "Socialförvaltningen" in table and "Arbetsmarknadsförvaltningen" in table

        go(page, "nav >> text=Konton")
        page.fill("#username", "samordnare")
        page.fill("#display_name", "Sara Samordnare")
        page.fill("#email", "sara@kommun.example.se")
        page.select_option("#role", "coordinator")
        page.select_option("#department", "socialforvaltningen")
        page.fill("#password", COORDINATOR_PASSWORD)
        submit(page)
        assert "Kontot skapades" in main_text(page), main_text(page)[:400]
        assert "samordnare" in page.locator("table").first.inner_text()
        go(page, "nav >> text=Logga ut")

        # --- the coordinator: the pool, the process, participants
        sign_in(page, base, "samordnare", COORDINATOR_PASSWORD)
        go(page, "nav >> text=Brukarbanken")
        for (name, email), areas in zip(REPRESENTATIVES, [("Psykisk ohälsa", "Hemlöshet"), ("Missbruk",)]):
            go(page, "text=Registrera en brukarrepresentant")
            page.fill("#name", name)
            page.fill("#email", email)
            for area in areas:
                page.check(f"label:has-text('{area}')")
            submit(page)
            assert page.locator("h1").inner_text() == name
            go(page, "text=Tillbaka till brukarbanken")
        assert all(name in main_text(page) for name, _email in REPRESENTATIVES)

        go(page, "nav >> text=Processer")
        go(page, "text=Ny process")
        page.fill("#code", "HBG-2026-EC")
        page.fill("#post_title", "Enhetschef, försörjningsstöd")
        page.select_option("#department", "socialforvaltningen")
        page.select_option("#post_level", "manager")  # Chef: a unit head
        page.fill("#opened_on", DAY_ONE.isoformat())
        page.fill("#application_deadline", (DAY_ONE + datetime.timedelta(days=14)).isoformat())
        submit(page)
        assert page.locator("h1").inner_text() == "Enhetschef, försörjningsstöd"
        assert "Socialförvaltningen" in page.locator("dl.facts").inner_text()
        process_url = page.url
        process_id = int(process_url.rstrip("/").rsplit("/", 1)[1])

        go(page, "text=Ändra stegen")
        page.fill("#stages-0-label_sv", "Urval av ansökningar")
        page.check("#stages-0-representatives_took_part")
        page.fill("#stages-1-label_sv", "Intervjuer med brukarrepresentanter")
        page.check("#stages-1-representatives_took_part")
        submit(page, "main form button[type=submit]:not([name])")
        assert "Intervjuer med brukarrepresentanter" in page.locator("h2#stages + div table").inner_text()

        go(page, "text=Ändra de sökandes pseudonymer")
        for row, stage in enumerate(["finalist", "finalist", "interviewed"]):
            page.select_option(f"#applicants-{row}-stage_reached", stage)
        submit(page, "main form button[type=submit]:not([name])")
        assert page.locator("text=Sökande B:").count() == 1

        go(page, "main button:has-text('Börja samla in svar')")
        assert "Samlar in svar" in page.locator("dl.facts").inner_text()

        go(page, "text=Välj brukarrepresentanter från brukarbanken")
        for name, _email in REPRESENTATIVES:
            page.check(f"label:has-text('{name}')")
        submit(page, "button[name=pick]")
        pool_section = page.locator("h2#pool + ul").inner_text()
        assert all(name in pool_section for name, _email in REPRESENTATIVES)

        go(page, "text=Importera en lista (CSV)")
        page.set_input_files("#csv_file", files=[{"name": "deltagare.csv", "mimeType": "text/csv", "buffer": _csv_upload()}])
        submit(page)
        assert "4 deltagare läggs till" in main_text(page), main_text(page)[:600]
        assert "Samma e-postadress som rad 2" in main_text(page)
        submit(page, "main form:has(input[name=confirm]) button[type=submit]")
        assert "4 deltagare importerades" in main_text(page), main_text(page)[:400]
        listed = main_text(page)
        assert all(name in listed for name, *_rest in IMPORTED)

        # --- invitations: the confirmation shows who gets what; nothing goes before "send"
        page.goto(process_url)
        go(page, "a:has-text('Skicka inbjudningar till 6 deltagare')")
        assert "6 personer får" in main_text(page), main_text(page)[:400]
        assert smtp.messages == []
        submit(page, "button[value=test]")
        # One test per group and language, to the coordinator's own address only.
        assert [to(m) for m in smtp.messages] == ["sara@kommun.example.se"] * 4
        tests_sent = len(smtp.messages)
        submit(page, "button[value=send]")
        invitations = by_recipient(mails_since(smtp, tests_sent))
        assert set(invitations) == {email for _name, email in PEOPLE[:-1]}
        assert subject(invitations["asa.lind@example.se"]).startswith("Din syn på rekryteringen")
        assert subject(invitations["frank.miller@example.se"]).startswith("Your view on the recruitment")
        tokens = {email: token_of(mail) for email, mail in invitations.items()}
        assert rates_on(page)["Brukarrepresentant"] == ("2", "0", "0 %")

        # People answer from their mailed links the same day.
        receipts = [
            answer(browser, base, tokens["asa.lind@example.se"], "Bra att vi fick träffa de sökande tidigt."),
            answer(browser, base, tokens["cecilia.berg@example.se"], "Tydlig information om hur urvalet gick till."),
            answer(browser, base, tokens["eva.holm@example.se"], "Brukarnas frågor gav oss ny kunskap."),
            answer(browser, base, tokens["frank.miller@example.se"], "Samverkan med facket fungerade väl.", language="en"),
        ]
        page.goto(process_url)
        rates = rates_on(page)
        assert rates["Brukarrepresentant"] == ("2", "1", "50 %"), rates
        assert rates["Sökande"] == ("2", "1", "50 %"), rates
        assert rates["Chef eller tjänsteperson"] == ("1", "1", "100 %"), rates
        next_reminder = (DAY_ONE + datetime.timedelta(days=REMINDER_MIN_DAYS)).isoformat()
        assert f"Nästa påminnelse kan skickas {next_reminder}" in main_text(page), main_text(page)[:1500]

        # --- eight days on: reminders to the two who have not answered
        install.serve_on(REMINDER_DAY)
        page.goto(process_url)
        go(page, "a:has-text('Påminn 2 personer')")
        assert "Länken i det första meddelandet fortsätter att fungera" in main_text(page), main_text(page)[:600]
        before = len(smtp.messages)
        submit(page, "button[value=send]")
        reminders = by_recipient(mails_since(smtp, before))
        assert set(reminders) == {"karim.haddad@example.se", "daniel.ek@example.se"}
        assert all(subject(m).startswith("Påminnelse") for m in reminders.values())
        receipts.append(answer(browser, base, token_of(reminders["karim.haddad@example.se"]), "Jag kände mig lyssnad på."))
        page.goto(process_url)
        assert rates_on(page)["Brukarrepresentant"] == ("2", "2", "100 %")

        # --- a month in: the decision with the start date, the hire, feedback, closing
        install.serve_on(DECISION_DAY)
        page.goto(process_url)
        assert "Inget beslut registrerat än." in main_text(page)
        go(page, "text=Registrera beslutet")
        page.select_option("#appointed_applicant", "Sökande B")
        page.fill("#decision_rationale", "Störst förmåga att samtala med brukare.")
        page.fill("#hire_starts_on", HIRE_STARTS.isoformat())
        submit(page)
        assert "Anställd: Sökande B." in main_text(page), main_text(page)[:1500]

        go(page, "text=Visa och lägg till deltagare")
        page.fill("#name", HIRE[0])
        page.fill("#email", HIRE[1])
        page.select_option("#group_key", "hired_followup")
        submit(page, "main form:has(#group_key) button[type=submit]")
        assert "Deltagaren lades till" in main_text(page) and HIRE[0] in main_text(page), main_text(page)[:400]

        page.goto(process_url)
        go(page, "text=Skicka återkoppling till deltagarna")
        assert "Sökande A fick" not in main_text(page)
        submit(page)
        assert "/feedback/confirm" in page.url
        assert "6 personer får" in main_text(page), main_text(page)[:400]
        before = len(smtp.messages)
        submit(page, "button[value=send]")
        feedback = by_recipient(mails_since(smtp, before))
        assert set(feedback) == {email for _name, email in PEOPLE[:-1]}  # not the hire: they get the follow-up
        assert all(subject(m).startswith("Resultatet av rekryteringen") for m in feedback.values() if to(m) != "frank.miller@example.se")
        assert "Återkopplingen skickades" in main_text(page)

        go(page, "main a:has-text('Avsluta processen')")
        close_page = main_text(page)
        assert FOLLOWUP_DAY.isoformat() in close_page, close_page
        assert PURGE_DAY.isoformat() in close_page, close_page
        submit(page, "main form button.warning")
        assert "Avslutad" in page.locator("dl.facts").inner_text()
        assert f"Uppföljning efter sex månader för {HIRE[0]}: {FOLLOWUP_DAY.isoformat()}" in main_text(page)

        # --- the purge day: the cron deletes everyone's contact data but the hire's
        assert "Processes purged: 0" in install.cron(PURGE_DAY - datetime.timedelta(days=1))
        assert f"Processes purged: 1 ({process_id})" in install.cron(PURGE_DAY)
        with install.contacts() as contacts:
            left = contacts.execute("select name, email, group_key from participants where process_id = ?", [process_id]).fetchall()
            assert left == [(HIRE[0], HIRE[1], "hired_followup")]
            assert contacts.execute("select due_on from scheduled_followups").fetchall() == [(FOLLOWUP_DAY.isoformat(),)]
            assert contacts.execute("select count(*) from invitations where process_id = ?", [process_id]).fetchone()[0] == 0
        install.serve_on(PURGE_DAY)
        page.goto(process_url)
        closing = page.locator("h2#closing ~ p").all_inner_texts()
        assert any("utom den anställdas" in text for text in closing), closing
        assert not any(f"raderas {PURGE_DAY.isoformat()}" in text for text in closing), closing
        assert rates_on(page)["Brukarrepresentant"] == ("2", "2", "100 %"), "the purge took the response rates"
        page.goto(f"{process_url}/participants")
        listed = main_text(page)
        assert HIRE[0] in listed and not any(name in listed for name, _email in PEOPLE[:-1])
        gone = page.request.get(f"{base}/s/{tokens['asa.lind@example.se']}", max_redirects=0)
        assert gone.status == 404, gone.status  # a purged link is unknown, not merely closed

        # --- six months after the start date: the follow-up, a reminder, the hire answers
        before = len(smtp.messages)
        out = install.cron(FOLLOWUP_DAY - datetime.timedelta(days=1))
        assert "Follow-up invitations sent: 0" in out and len(smtp.messages) == before
        out = install.cron(FOLLOWUP_DAY)
        assert "Follow-up invitations sent: 1" in out, out
        followup = by_recipient(mails_since(smtp, before))
        assert set(followup) == {HIRE[1]}
        assert subject(followup[HIRE[1]]).startswith("Sex månader senare")
        followup_token = token_of(followup[HIRE[1]])

        before = len(smtp.messages)
        out = install.cron(FOLLOWUP_REMINDER_DAY)
        assert "reminders sent: 1" in out, out
        assert [(to(m), subject(m)[:11]) for m in mails_since(smtp, before)] == [(HIRE[1], "Påminnelse:")]
        with install.contacts() as contacts:
            assert contacts.execute(
                "select count(*) from invitations where process_id = ? and is_followup = 1 and status = 'open'", [process_id]
            ).fetchone()[0] >= 1, "the purge deleted the follow-up link"

        install.serve_on(HIRE_ANSWERS)
        page.goto(process_url)
        assert f"skickad {FOLLOWUP_DAY.isoformat()}" in main_text(page), main_text(page)[-1200:]
        receipts.append(answer(browser, base, followup_token, "Introduktionen motsvarade vad som lovades."))

        # --- the final purge: nothing of the contacts is left
        before = len(smtp.messages)
        install.cron(LAST_DAY)
        assert len(smtp.messages) == before, "no reminder after the follow-up was answered"
        with install.contacts() as contacts:
            for table in ("participants", "invitations", "scheduled_followups", "hire_starts"):
                count = contacts.execute(f"select count(*) from {table} where process_id = ?", [process_id]).fetchone()[0]
                assert count == 0, f"{count} rows of {table} outlived the final purge"
            for table in ("drafts", "pending_submissions", "earlier_links"):
                count = contacts.execute(f"select count(*) from {table}").fetchone()[0]
                assert count == 0, f"{count} rows of {table} outlived the final purge"
            assert contacts.execute("select count(*) from purged_processes where process_id = ?", [process_id]).fetchone()[0] == 1
            # No name or address of the process's people anywhere; the pool keeps its own members' registrations.
            for table, column, value in text_values(contacts):
                for name, email in PEOPLE:
                    if table == "pool_members" and (name, email) in REPRESENTATIVES:
                        continue
                    assert name not in value and email not in value, f"{name} is still in the contacts {table}.{column}"
        install.serve_on(LAST_DAY)
        page.goto(process_url)
        assert "Kontaktuppgifterna raderades" in main_text(page), main_text(page)[-1200:]
        rates = rates_on(page)
        assert rates["Anställd, uppföljning efter sex månader"] == ("1", "1", "100 %"), rates
        assert rates["Sökande"] == ("2", "1", "50 %") and rates["Facklig företrädare"] == ("1", "1", "100 %"), rates
        page.goto(f"{process_url}/participants")
        assert HIRE[0] not in main_text(page)
    finally:
        staff.close()

    # --- the served database: the answers, and nothing that names anyone or opens a link
    with install.served() as served:
        groups = served.execute(
            "select group_key, count(*) from responses where process_id = ? group by group_key order by group_key", [process_id]
        ).fetchall()
        assert groups == [("candidate", 1), ("hired_followup", 1), ("manager", 1), ("representative", 2), ("union", 1)]
        texts = {row[0] for row in served.execute("select value_text from answers where value_text is not null")}
        assert "Introduktionen motsvarade vad som lovades." in texts and "Jag kände mig lyssnad på." in texts
        secrets = [part for person in PEOPLE for part in person] + ["sara@kommun.example.se"]
        secrets += list(tokens.values()) + [followup_token, *receipts]
        secrets += [token_of(m) for m in reminders.values()]
        for table, column, value in text_values(served):
            for secret in secrets:
                assert secret.lower() not in value.lower(), f"{secret!r} is in the served {table}.{column}"
