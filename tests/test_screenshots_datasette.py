"""The start pages of management and evaluators on the 2017 demo case, in a
real browser at 360 px and at desktop width: they pass axe (WCAG 2.2 AA),
do not scroll sideways, and say the right thing first. With
``MEDVERKAN_SCREENSHOTS=1`` the test also saves them to docs/screenshots/:

    MEDVERKAN_SCREENSHOTS=1 python -m pytest -q -n 0 tests/test_screenshots_datasette.py
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest
from datasette.app import Datasette

from tests.fixtures.browser import DESKTOP
from tests.fixtures.browser import PHONE
from tests.fixtures.browser import describe_violations
from tests.fixtures.databases import demo_copy
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.servers import TEST_SECRET
from tests.fixtures.servers import start_datasette
from tests.test_accessibility_datasette_crawl import axe_violations_22

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
# Tall pages are cut at this height: enough to show what comes first.
MAX_HEIGHT = 1600
FIRST_WORDS = {"management": "Vad varje grupp tycker", "evaluator": "Utvärderingen: vägar in"}


@pytest.fixture(scope="module")
def demo_datasette(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-datasette")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    demo_copy(served, contacts)
    server = start_datasette(served, secret=TEST_SECRET)
    yield server
    server.stop()


@pytest.mark.parametrize("role", ["management", "evaluator"])
@pytest.mark.parametrize("viewport, width_name", [(PHONE, "360"), (DESKTOP, "desktop")], ids=["360", "desktop"])
def test_start_page_reads_first_what_the_role_needs(browser, demo_datasette, role, viewport, width_name):
    context = browser.new_context(viewport=viewport)
    host = urllib.parse.urlparse(demo_datasette.url).hostname
    cookie = actor_cookie(Datasette([], secret=TEST_SECRET), f"shot-{role}", role)["ds_actor"]
    context.add_cookies([{"name": "ds_actor", "value": cookie, "domain": host, "path": "/"}])
    try:
        page = context.new_page()
        response = page.goto(demo_datasette.url + "/")
        assert response.status == 200
        assert page.locator("h1").inner_text() == FIRST_WORDS[role]
        assert page.locator("html").get_attribute("lang") == "sv"
        violations = axe_violations_22(page)
        assert not violations, describe_violations(violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        if os.environ.get("MEDVERKAN_SCREENSHOTS"):
            height = min(MAX_HEIGHT, page.evaluate("document.documentElement.scrollHeight"))
            path = SCREENSHOTS / f"datasette-start-{role}-{width_name}.png"
            page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": viewport["width"], "height": height}, full_page=True)
    finally:
        context.close()
