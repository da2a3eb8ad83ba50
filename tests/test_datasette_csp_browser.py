"""Datasette's pages still work in a real browser under the new CSP (issue 10, part 9).

Chromium opens every kind of page an evaluator and management use, from a
real Datasette process started by the launcher, and the test fails on any
Content-Security-Policy report in the console or any script error: the
hashed inline scripts (menus, the SQL editor, facets) must run, nothing
else inline may. The SQL editor is checked to have come up (CodeMirror).
"""

from __future__ import annotations

import urllib.parse

import pytest
from datasette.app import Datasette

from tests.fixtures.datasette import actor_cookie
from tests.fixtures.servers import TEST_SECRET

pytestmark = pytest.mark.slow

PAGES = {
    "evaluator": [
        "/",
        "/medverkan",
        "/medverkan?sql=select+key+from+respondent_groups",
        "/medverkan/answers",
        "/medverkan/free_text_answers",
        "/medverkan/processes/1",
        "/medverkan/core_items_by_group?process_id=1",
        "/-/medverkan/attitudes?process=1",
        "/-/medverkan/process/1",
        "/-/medverkan/search?q=Fontänhuset",
        "/-/medverkan/exports",
    ],
    "management": ["/-/medverkan/attitudes", "/medverkan/responses_by_group?process_id=1"],
    None: ["/-/medverkan-login?next=/"],
}


@pytest.fixture
def site(evaluation_site):
    """The worker's shared read-only Datasette (tests/fixtures/datasette.py)."""
    return evaluation_site


def _open(browser, site, role):
    context = browser.new_context()
    if role:
        value = actor_cookie(Datasette([], secret=TEST_SECRET), f"csp-{role}", role)["ds_actor"]
        context.add_cookies([{"name": "ds_actor", "value": value, "domain": urllib.parse.urlparse(site.url).hostname, "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.mark.parametrize("role", list(PAGES), ids=lambda r: r or "anonymous")
def test_pages_run_under_the_csp_without_violations(browser, site, role):
    context, page = _open(browser, site, role)
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    try:
        for path in PAGES[role]:
            response = page.goto(site.url + path)
            assert response.status == 200, (path, response.status)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
            if "sql=" in path:
                # The SQL box is a plain labelled textarea (no CodeMirror: it needs
                # inline styles); it must be there and hold the query.
                box = page.get_by_label("SQL")
                assert box.count() == 1, "no labelled SQL box"
                assert "respondent_groups" in box.input_value()
        assert problems == []
    finally:
        context.close()


def test_an_injected_inline_script_is_refused(browser, site):
    """The CSP is not decorative: a script the templates do not hold is blocked."""
    context, page = _open(browser, site, "evaluator")
    reports = []
    page.on("console", lambda m: reports.append(m.text))
    try:
        page.goto(site.url + "/medverkan")
        page.evaluate(
            """() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1'; document.body.appendChild(s); }"""
        )
        assert page.evaluate("() => window.pwned") is None
        assert any("Content Security Policy" in r for r in reports)
    finally:
        context.close()
