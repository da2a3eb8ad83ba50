"""axe-core (WCAG 2.0/2.1 A and AA) on Medverkan's Datasette pages in a real
browser: the sign-in page for an anonymous visitor, the attitudes page as
management sees it, and every plugin page an evaluator reaches by following
links from the attitudes page (process pages, free-text search, exports),
in Swedish at 360 px and in English at desktop width.

Datasette runs as its own process (``datasette_plugins.launch``) on a served
database with respondents in every group; the browser carries the signed
``ds_actor`` cookie the collector sets on staff sign-in.
"""

from __future__ import annotations

import urllib.parse

import pytest
from datasette.app import Datasette

from tests.fixtures.browser import DESKTOP
from tests.fixtures.browser import PHONE
from tests.fixtures.browser import assert_no_sideways_scroll
from tests.fixtures.browser import axe_violations
from tests.fixtures.browser import describe_violations
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.servers import TEST_SECRET

PLUGIN_PREFIX = "/-/medverkan/"
MAX_PAGES = 12
VIEWS = [(PHONE, "sv"), (DESKTOP, "en")]
VIEW_IDS = ["phone-360-sv", "desktop-en"]


@pytest.fixture
def datasette_site(evaluation_site):
    """The worker's shared read-only Datasette (tests/fixtures/datasette.py)."""
    return evaluation_site


def _context(browser, site, viewport, language, role=None):
    context = browser.new_context(viewport=viewport)
    host = urllib.parse.urlparse(site.url).hostname
    cookies = [{"name": "medverkan_lang", "value": language, "domain": host, "path": "/"}]
    if role:
        signer = Datasette([], secret=TEST_SECRET)
        value = actor_cookie(signer, f"a11y-{role}", role)["ds_actor"]
        cookies.append({"name": "ds_actor", "value": value, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _check(page, url, name, problems):
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{name}: {url} answered {response and response.status}"
    violations = axe_violations(page)
    if violations:
        problems.append(f"{name} ({url}):\n" + describe_violations(violations))
    try:
        assert_no_sideways_scroll(page, name)
    except AssertionError as error:
        problems.append(str(error))


def _plugin_links(page, origin):
    found = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        parsed = urllib.parse.urlparse(href)
        if f"{parsed.scheme}://{parsed.netloc}" != origin or not parsed.path.startswith(PLUGIN_PREFIX):
            continue
        if "/export/" in parsed.path:  # files, not pages
            continue
        query = urllib.parse.parse_qs(parsed.query)
        query.pop("lang", None)
        path = parsed.path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
        found.append(path)
    return found


def _check_one_page(browser, site, viewport, language, role, path, name) -> tuple[str | None, int]:
    """Open ``path`` as ``role``, assert axe and reflow; return <html lang> and the number of figures/tables."""
    context, page = _context(browser, site, viewport, language, role=role)
    problems: list[str] = []
    try:
        _check(page, site.url + path, name, problems)
        assert not problems, "\n".join(problems)
        return page.locator("html").get_attribute("lang"), page.locator("svg, figure, table").count()
    finally:
        context.close()


@pytest.mark.parametrize("viewport, language", VIEWS, ids=VIEW_IDS)
def test_sign_in_page_for_anonymous_visitors_passes_axe(browser, datasette_site, viewport, language):
    html_lang, _ = _check_one_page(browser, datasette_site, viewport, language, None, "/-/medverkan-login?next=/", "sign-in page")
    assert html_lang == language


@pytest.mark.parametrize("viewport, language", VIEWS, ids=VIEW_IDS)
def test_management_attitudes_page_passes_axe(browser, datasette_site, viewport, language):
    _, figures = _check_one_page(
        browser, datasette_site, viewport, language, "management", "/-/medverkan/attitudes", "attitudes (management)"
    )
    assert figures > 0, "the attitudes page shows figures"


@pytest.mark.parametrize("viewport, language", VIEWS, ids=VIEW_IDS)
def test_every_plugin_page_an_evaluator_reaches_passes_axe(browser, datasette_site, viewport, language):
    context, page = _context(browser, datasette_site, viewport, language, role="evaluator")
    origin = datasette_site.url
    problems: list[str] = []
    try:
        # One process chosen (its page is linked from there) and one search with hits.
        queue = ["/-/medverkan/attitudes", "/-/medverkan/attitudes?process=1", "/-/medverkan/search?q=återkoppling"]
        seen: set[str] = set()
        while queue and len(seen) < MAX_PAGES:
            path = urllib.parse.unquote(queue.pop(0))
            if path in seen:
                continue
            seen.add(path)
            _check(page, origin + path, path, problems)
            queue.extend(link for link in _plugin_links(page, origin) if link not in seen)
        assert any(p.startswith("/-/medverkan/process/") for p in seen), seen
        assert any(p.startswith("/-/medverkan/exports") for p in seen), seen
    finally:
        context.close()
    assert not problems, f"{len(seen)} pages checked:\n" + "\n".join(problems)
