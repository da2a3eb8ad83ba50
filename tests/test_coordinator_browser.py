"""The coordinator workspace in a real browser (Debian's Chromium) against
the collector under gunicorn: accessibility (axe, WCAG 2.1 AA), a 360 px
phone, no JavaScript, and the sign-in shared with a real Datasette server."""

from __future__ import annotations

import json
import urllib.request

import pytest

from collector.coordinator import participants as participant_store
from collector.coordinator import processes as process_store
from collector.coordinator import users as user_store
from collector.db import connect
from tests.fixtures.browser import CHROMIUM
from tests.fixtures.browser import CHROMIUM_ARGS
from tests.fixtures.browser import axe_options
from tests.fixtures.servers import TEST_SECRET
from tests.fixtures.servers import start_datasette

PASSWORD = "a long enough password"
WCAG = axe_options(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])


@pytest.fixture
def seeded_server(live_databases, tmp_path):
    from tests.fixtures.servers import start_gunicorn

    served_path, contacts_path = live_databases
    served, contacts = connect(served_path), connect(contacts_path)
    served["departments"].insert({"key": "socialforvaltningen", "name_sv": "Socialförvaltningen", "name_en": "Social services"})
    process_id = process_store.create_process(
        served, {"code": "HBG-2017-GR", "post_title": "Avdelningschef", "department": "socialforvaltningen"}
    )
    served["processes"].update(process_id, {"status": "collecting"})
    served["applicants"].insert({"process_id": process_id, "pseudonym": "Sökande A", "stage_reached": "finalist", "position": 1})
    participant_store.add_participants(
        contacts, process_id, [{"name": "Åsa", "email": "asa@example.se", "group_key": "representative"}]
    )
    user_store.add_user(contacts, "coord", PASSWORD, "coordinator", department="socialforvaltningen")
    served.conn.close()
    contacts.conn.close()
    server = start_gunicorn(served_path, contacts_path, workers=1, log_path=tmp_path / "gunicorn.log")
    yield server, process_id, served_path
    server.kill()  # the tests are done and it is idle: a graceful stop only waited (about a second)


@pytest.mark.browser
@pytest.mark.slow
def test_workspace_in_a_browser(seeded_server):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    server, process_id, served_path = seeded_server
    base = server.url
    pages = [
        "/coordinator/",
        "/coordinator/?q=ingen-sadan&status=closed",
        "/staff/account",
        "/coordinator/processes/new",
        f"/coordinator/processes/{process_id}",
        f"/coordinator/processes/{process_id}/stages",
        f"/coordinator/processes/{process_id}/applicants",
        f"/coordinator/processes/{process_id}/participants",
        f"/coordinator/processes/{process_id}/import",
        f"/coordinator/processes/{process_id}/print",
        f"/coordinator/processes/{process_id}/decision",
        f"/coordinator/processes/{process_id}/feedback",
        f"/coordinator/processes/{process_id}/close",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # Without JavaScript, on a 360 px phone: sign in, add a participant with an error first.
            context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
            page = context.new_page()
            page.goto(base + "/staff/login")
            page.fill("#username", "coord")
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")
            assert page.url.endswith("/coordinator/")
            page.goto(base + f"/coordinator/processes/{process_id}/participants")
            page.fill("#name", "Bo")
            page.fill("#email", "not-an-email")
            with page.expect_navigation():
                page.click("form:has(#email) button[type=submit]")
            assert page.locator(".error-summary a[href='#email']").count() == 1
            assert page.input_value("#name") == "Bo"
            page.fill("#email", "bo@example.se")
            with page.expect_navigation():
                page.click("form:has(#email) button[type=submit]")
            assert page.locator("text=bo@example.se").count() == 1
            cookies = {c["name"]: c for c in context.cookies()}
            assert cookies["session"]["httpOnly"] and cookies["session"]["sameSite"] == "Lax"
            actor_cookie = cookies["ds_actor"]["value"]
            context.close()

            # Accessibility of every page (axe runs as a script, so this context has JS on).
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            page.goto(base + "/staff/login")
            results = Axe().run(page, options=WCAG)
            assert results.violations_count == 0, results.generate_report()
            page.fill("#username", "coord")
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.click("button[type=submit]")
            axe = Axe()
            for path in pages:
                page.goto(base + path)
                results = axe.run(page, options=WCAG)
                assert results.violations_count == 0, (path, results.generate_report())
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
            context.close()
        finally:
            browser.close()

    # The same sign-in lets a real Datasette server know who is signed in.
    datasette = start_datasette(served_path, secret=TEST_SECRET)
    try:
        request = urllib.request.Request(datasette.url + "/-/actor.json", headers={"Cookie": f"ds_actor={actor_cookie}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["actor"] == {"id": "coord", "role": "coordinator"}
    finally:
        datasette.kill()  # idle once the answer is read: a graceful stop only waited
