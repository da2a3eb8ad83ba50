"""Sending safely and staff form errors in a real browser (Debian Chromium via
Playwright) against gunicorn with a real SMTP server (aiosmtpd): the
confirmation pages show the real messages, "send a test to myself" and the
send go out once each, focus lands on the staff error summary, and axe finds
no WCAG 2.1 AA problem on the new pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from collector.coordinator import participants as participant_store
from collector.coordinator import processes as process_store
from collector.coordinator import users as user_store
from collector.db import connect
from tests.fixtures.browser import assert_accessible
from tests.fixtures.browser import assert_no_sideways_scroll
from tests.fixtures.coordinator import SmtpRecorder
from tests.fixtures.servers import free_port
from tests.fixtures.servers import start_gunicorn

PASSWORD = "a long enough password"


@pytest.fixture
def sending_site(live_databases, tmp_path):
    from aiosmtpd.controller import Controller

    served_path, contacts_path = live_databases
    served, contacts = connect(served_path), connect(contacts_path)
    served["departments"].insert({"key": "socialforvaltningen", "name_sv": "Socialförvaltningen", "name_en": "Social services"})
    collecting = process_store.create_process(
        served, {"code": "HBG-2017-GR", "post_title": "Avdelningschef", "department": "socialforvaltningen"}
    )
    served["processes"].update(
        collecting, {"status": "collecting", "appointed_applicant": "Sökande A", "decision_rationale": "Bäst på samtal."}
    )
    planning = process_store.create_process(
        served, {"code": "PLAN-1", "post_title": "Enhetschef", "department": "socialforvaltningen"}
    )
    participant_store.add_participants(contacts, collecting, [
        {"name": "Åsa", "email": "asa@example.se", "group_key": "representative", "language": "sv"},
        {"name": "Sam", "email": "sam@example.se", "group_key": "union", "language": "en"},
    ])
    user_store.add_user(contacts, "coord", PASSWORD, "coordinator", department="socialforvaltningen", email="coord@kommun.se")
    served.conn.close()
    contacts.conn.close()
    recorder = SmtpRecorder()
    smtp_port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server = start_gunicorn(served_path, contacts_path, workers=1, log_path=tmp_path / "gunicorn.log", env={
        "MEDVERKAN_SMTP_HOST": "127.0.0.1", "MEDVERKAN_SMTP_PORT": str(smtp_port),
        "MEDVERKAN_SMTP_STARTTLS": "false", "MEDVERKAN_MAIL_FROM": "medverkan@example.se",
    })
    try:
        yield server.url, collecting, planning, recorder
    finally:
        server.kill()  # the tests are done and it is idle: a graceful stop only waited (about a second)
        controller.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_confirm_test_send_and_error_focus_in_a_browser(browser, sending_site):
    base, collecting, planning, smtp = sending_site
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(base + "/staff/login")
        page.fill("#username", "coord")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

        # The process page links to the confirmation; GET sends nothing.
        page.goto(f"{base}/coordinator/processes/{collecting}")
        with page.expect_navigation():
            page.click(f"a[href='/coordinator/processes/{collecting}/invite']")
        assert page.locator("h1").inner_text() == "Kontrollera inbjudningarna innan du skickar"
        assert page.locator(".mail-html[lang=sv]").inner_text().startswith("Hej Åsa!")
        assert "Hello Sam," in page.locator(".mail-html[lang=en]").inner_text()
        assert smtp.messages == []
        assert_accessible(page, "invitation confirmation")
        assert_no_sideways_scroll(page, "invitation confirmation")

        with page.expect_navigation():
            page.click("button[value=test]")
        assert page.url.endswith("/invite")
        assert [m["rcpt"] for m in smtp.messages] == [["coord@kommun.se"], ["coord@kommun.se"]]
        with page.expect_navigation():
            page.click("button[value=send]")
        assert page.url.endswith(f"/processes/{collecting}")
        assert sorted(m["rcpt"][0] for m in smtp.messages[2:]) == ["asa@example.se", "sam@example.se"]
        page.reload()
        assert len(smtp.messages) == 4  # PRG: a reload sends nothing

        # Reminders: not yet, and the page says when.
        page.goto(f"{base}/coordinator/processes/{collecting}/remind")
        assert page.locator("text=Nästa påminnelse kan skickas").count() == 1
        assert_accessible(page, "reminder confirmation")

        # Feedback per group, then its confirmation.
        page.goto(f"{base}/coordinator/processes/{collecting}/feedback")
        assert "Sökande A" not in page.content()
        assert_accessible(page, "feedback form")
        page.fill("#message_representative_sv", "")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.locator(".error-summary")).to_be_focused()
        assert (
            page.locator(".error-summary a[href='#message_representative_sv']")
            .inner_text()
            .startswith("Brukarrepresentant: meddelande på svenska:")
        )
        page.fill("#message_representative_sv", "Tjänsten är tillsatt. Tack för att du var med!")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url.endswith("/feedback/confirm")
        assert "Tjänsten är tillsatt. Tack för att du var med!" in page.locator(".mail-text").first.inner_text()
        assert_accessible(page, "feedback confirmation")

        # A staff form's error summary takes focus and names the fields.
        page.goto(f"{base}/coordinator/processes/new")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.locator(".error-summary")).to_be_focused()
        links = page.locator(".error-summary a").all_inner_texts()
        assert "Tjänst: Det här fältet är obligatoriskt." in links and "Referenskod: Det här fältet är obligatoriskt." in links
        page.click(".error-summary a[href='#code']")
        expect(page.locator("#code")).to_be_focused()
        assert_accessible(page, "process form with errors")

        # Deleting asks for the code; a wrong code is an error with focus on the summary.
        page.goto(f"{base}/coordinator/processes/{planning}/delete")
        assert_accessible(page, "delete confirmation")
        page.fill("#code", "HBG-2017-GR")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.locator(".error-summary")).to_be_focused()
        page.fill("#code", "plan-1")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url.endswith("/coordinator/")
    finally:
        context.close()
