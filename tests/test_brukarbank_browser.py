"""The pool of representatives in a real browser (Debian's Chromium) against
the collector under gunicorn: a coordinator registers a representative
(first with a mistake: the error summary names the field and keeps what was
typed), records their training, picks them for a process from the process
page and sees them there as from the pool; every pool page passes axe
(WCAG 2.1 AA) at 360 px in Swedish, without JavaScript."""

from __future__ import annotations

import pytest

from collector.coordinator import processes as process_store
from collector.coordinator import users as user_store
from collector.db import connect
from tests.fixtures.browser import PHONE
from tests.fixtures.browser import assert_accessible
from tests.fixtures.browser import assert_no_sideways_scroll

PASSWORD = "a long enough password"


@pytest.fixture
def pool_server(live_databases, tmp_path):
    from tests.fixtures.servers import start_gunicorn

    served_path, contacts_path = live_databases
    served, contacts = connect(served_path), connect(contacts_path)
    served["departments"].insert({"key": "socialforvaltningen", "name_sv": "Socialförvaltningen", "name_en": "Social services"})
    process_id = process_store.create_process(
        served, {"code": "HBG-2026-EC", "post_title": "Enhetschef", "department": "socialforvaltningen"}
    )
    user_store.add_user(contacts, "coord", PASSWORD, "coordinator", department="socialforvaltningen")
    served.conn.close()
    contacts.conn.close()
    server = start_gunicorn(served_path, contacts_path, workers=1, log_path=tmp_path / "gunicorn.log")
    yield server, process_id, contacts_path
    server.kill()  # the tests are done and it is idle: a graceful stop only waited (about a second)


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.browser
@pytest.mark.slow
def test_a_coordinator_registers_a_representative_and_picks_them_for_a_process(browser, pool_server):
    server, process_id, contacts_path = pool_server
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(server.url + "/staff/login")
    page.fill("#username", "coord")
    page.fill("#password", PASSWORD)
    _submit(page, "main button[type=submit]")

    _submit(page, "nav >> text=Brukarbanken")
    assert page.locator("h1").inner_text() == "Brukarbanken"
    assert_accessible(page, "the empty pool")
    _submit(page, "text=Registrera en brukarrepresentant")
    assert_accessible(page, "the registration form")

    # A mistake first: the summary names the field, links to it, and nothing typed is lost.
    page.fill("#name", "Åsa Lind")
    page.fill("#email", "asa-at-example.se")
    page.check("label:has-text('Psykisk ohälsa')")
    page.check("label:has-text('Hemlöshet')")
    _submit(page, "main form button[type=submit]")
    summary = page.locator(".error-summary a[href='#email']")
    assert summary.count() == 1 and "E-postadress" in summary.inner_text()
    assert page.input_value("#name") == "Åsa Lind"
    assert page.is_checked("label:has-text('Hemlöshet') >> xpath=preceding-sibling::input")
    assert_accessible(page, "the registration form with errors")
    assert_no_sideways_scroll(page, "the registration form with errors")
    page.fill("#email", "asa@example.se")
    _submit(page, "main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Åsa Lind"

    # Preparation: the introduction course on a date.
    page.fill("#course", "Introduktionskurs")
    page.fill("#completed_on", "2026-02-03")
    _submit(page, "form:has(#course) button[type=submit]")
    trainings = page.locator("h2#training + ul > li")
    assert trainings.count() == 1 and "Introduktionskurs, 2026-02-03" in trainings.inner_text()
    assert_accessible(page, "the member page")

    # Pick her for the process from the process page.
    page.goto(server.url + f"/coordinator/processes/{process_id}")
    # Wait for the pick page to load: axe on a page still loading finds no <title>.
    _submit(page, "text=Välj brukarrepresentanter från brukarbanken")
    assert_accessible(page, "the pick page")
    page.check("label:has-text('Åsa Lind')")
    _submit(page, "button[name=pick]")
    assert f"/coordinator/processes/{process_id}" in page.url
    section = page.locator("h2#pool + ul")
    assert "Åsa Lind" in section.inner_text() and "från brukarbanken" in section.inner_text()
    assert_accessible(page, "the process page with a representative from the pool")

    # The arvode, with a negative amount refused first.
    section.locator("a").first.click()
    page.wait_for_load_state()
    page.fill("#hours", "4,5")
    page.fill("#amount_sek", "-100")
    _submit(page, "main form button[type=submit]")
    assert page.locator(".error-summary a[href='#amount_sek']").count() == 1
    assert page.input_value("#hours") == "4,5"
    assert_accessible(page, "the assignment page with errors")
    page.fill("#amount_sek", "1200")
    _submit(page, "main form button[type=submit]")
    assert page.locator("td", has_text="1200.00").count() == 1
    context.close()

    contacts = connect(contacts_path)
    try:
        row = contacts.execute("select group_key, name, email from participants").fetchone()
        assert tuple(row) == ("representative", "Åsa Lind", "asa@example.se")
    finally:
        contacts.conn.close()
