"""axe-core (WCAG 2.0/2.1 A and AA) on every staff page a signed-in admin can
reach by following links, on the demo case behind gunicorn, in Swedish at 360 px and in English at desktop width
(that crawl in tests/test_accessibility_staff_desktop.py: a module of its own, so xdist can run it on the
other worker; each module with the module-scoped ``browser`` is one xdist group, tests/conftest.py).

The crawl follows same-origin GET links only (never forms), so it changes
nothing; it complements the coordinator area's own browser test by finding
pages through the interface rather than from a list.
"""

from __future__ import annotations

import urllib.parse

import pytest

from tests.fixtures.browser import PHONE
from tests.fixtures.browser import axe_violations
from tests.fixtures.browser import describe_violations

MAX_PAGES = 30
SKIP = ("/logout", "/staff/login", "/s/", "/static/", "/svar", "/withdraw", ".csv", ".xlsx", ".sav", ".pdf", ".png", "/print")


def _sign_in(page, site):
    page.goto(site.url + "/staff/login")
    page.set_default_timeout(10000)
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", site.staff_password)
    with page.expect_navigation():
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    assert "/login" not in page.url, "demo admin could not sign in"


def _links(page, origin):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parsed = urllib.parse.urlparse(href)
        if f"{parsed.scheme}://{parsed.netloc}" != origin:
            continue
        path = parsed.path + (f"?{parsed.query}" if parsed.query and "lang=" not in parsed.query else "")
        if any(part in path for part in SKIP):
            continue
        found.append(path)
    return found


def _seeds(site) -> list[str]:
    """Pages deep in the workspace the crawl's page budget might not reach by links alone:
    the overview filtered, the account page and a participant's edit form."""
    from collector.db import connect

    contacts = connect(site.contacts)
    try:
        participant = contacts.execute("select process_id, id from participants order by id limit 1").fetchone()
    finally:
        contacts.conn.close()
    seeds = ["/coordinator/?status=collecting&q=a", "/staff/account"]
    if participant:
        seeds.append(f"/coordinator/processes/{participant[0]}/participants/{participant[1]}/edit")
    return seeds


def crawl_and_check(browser, demo_site, viewport, language):
    """Sign in as the demo admin, follow links from the workspace (and :func:`_seeds`) up to
    MAX_PAGES, and check each page: no 5xx, ``lang``, axe, no sideways scrolling."""
    assert demo_site.staff_password, "the demo site has a staff account"
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = {}
    sideways = []
    try:
        page.goto(f"{demo_site.url}/?lang={language}")
        _sign_in(page, demo_site)
        queue = [urllib.parse.urlparse(page.url).path, "/coordinator/"] + _seeds(demo_site)
        seen = set()
        while queue and len(seen) < MAX_PAGES:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = page.goto(demo_site.url + path)
            assert response.status < 500, f"{path} answered {response.status}"
            if response.status >= 400:
                continue
            assert page.get_attribute("html", "lang") == language, path
            violations = axe_violations(page)
            if violations:
                problems[path] = describe_violations(violations)
            if page.evaluate("document.documentElement.scrollWidth") > viewport["width"]:
                sideways.append(path)
            queue.extend(link for link in _links(page, demo_site.url) if link not in seen)
    finally:
        context.close()
    assert len(seen) >= 5, f"the crawl found only {sorted(seen)}"
    assert not problems, "\n".join(f"{path}:\n{text}" for path, text in problems.items())
    assert not sideways, f"pages that scroll sideways at {viewport['width']} px: {sideways}"


@pytest.mark.parametrize("viewport, language", [(PHONE, "sv")], ids=["phone-360-sv"])
def test_every_reachable_staff_page_passes_axe(browser, demo_site, viewport, language):
    crawl_and_check(browser, demo_site, viewport, language)


NARROWEST = {"width": 320, "height": 640}


def test_the_overview_reflows_at_320_px_without_sideways_scrolling(browser, demo_site):
    """WCAG 1.4.10: at 320 CSS px the overview's table becomes one block per process, each value under its
    column's name, and the page never scrolls sideways (search and filters included)."""
    context = browser.new_context(viewport=NARROWEST)
    page = context.new_page()
    try:
        page.goto(f"{demo_site.url}/?lang=sv")
        _sign_in(page, demo_site)
        for path in ("/coordinator/", "/coordinator/?status=closed", "/coordinator/?q=HBG"):
            page.goto(demo_site.url + path)
            assert page.evaluate("document.documentElement.scrollWidth") <= NARROWEST["width"], path
            assert page.locator("table.reflow tbody tr").count() >= 1, path
            cell = page.locator("table.reflow td[data-label]").first
            assert cell.evaluate("td => getComputedStyle(td).display") == "block"
            label = cell.evaluate("td => getComputedStyle(td, '::before').content")
            assert label.strip('"') == cell.get_attribute("data-label")
            violations = axe_violations(page)
            assert not violations, describe_violations(violations)
    finally:
        context.close()
