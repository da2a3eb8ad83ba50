"""Every page each role reaches in Datasette — its own table, row, query and
canned-query pages as well as ours — passes axe (WCAG 2.0/2.1 A and AA and
2.2 AA) and does not scroll sideways at 320 px, in a real browser.

The crawl starts where a person starts (``/`` and the role's landing page)
plus the pages a person gets to by typing into a form (a filtered table, a
custom SQL query, a canned query with its parameter), then follows every
same-origin link. Datasette links every table many times over (sort orders,
facets, pagination); one page per kind of page is enough to judge the
templates, so links are reduced to a "kind" (a table page, a row page of
that table, a canned query) before they are queued.
"""

from __future__ import annotations

import dataclasses
import urllib.parse

import pytest
from datasette.app import Datasette

from datasette_plugins.launch import datasette_command
from datasette_plugins.launch import datasette_environment
from tests.fixtures.browser import axe_violations
from tests.fixtures.browser import describe_violations
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.datasette import start_process
from tests.fixtures.datasette import stop_process
from tests.fixtures.datasette import wait_for
from tests.fixtures.servers import TEST_SECRET
from tests.fixtures.servers import free_port

NARROW = {"width": 320, "height": 720}
WCAG_22_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MAX_PAGES = 200  # a safety net only: the crawl must end with nothing left to visit
# Typed, not linked: what a person reaches through a form.
FORM_PAGES = {
    "evaluator": [
        "/medverkan?sql=select+key%2C+label_sv+from+respondent_groups",
        "/medverkan/responses_by_group?process_id=1",
        "/medverkan/answers?_facet=group_key&group_key__exact=manager",
        "/medverkan/processes?_search=x&code__contains=HBG",
        "/-/medverkan/search?q=återkoppling",
        # Found through an inflection, filtered by process, group and theme; and a word that matches nothing.
        "/-/medverkan/search?q=samtalen&process=1&group=manager&theme=overall",
        "/-/medverkan/search?q=brukarrepresentant+zzzqqq",
        "/-/medverkan/attitudes?process=1",
        "/-/medverkan/attitudes?year=2017&post_level=manager",
        "/-/medverkan/trends?post_level=manager",
        "/medverkan/no_such_table",  # Datasette's 404
        "/-/medverkan/process/999",  # ours
    ],
    "management": [
        "/medverkan/responses_by_group?process_id=1",
        "/medverkan/core_items_by_group?process_id=1",
        "/-/medverkan/attitudes?process=1",
        "/-/medverkan/trends?post_level=social_worker",
        "/medverkan/answers",  # Datasette's 403
        "/-/medverkan/search?q=x",  # ours
    ],
    "coordinator": [
        "/medverkan/responses_by_group?process_id=1",
        "/-/medverkan/attitudes?process=1",
        "/-/medverkan/exports",  # a 403
    ],
    None: ["/-/medverkan-login?next=/"],
}
SKIPPED_SUFFIXES = (".json", ".csv", ".tsv", ".db", ".md", ".sps", ".R")


@dataclasses.dataclass
class Site:
    url: str


@pytest.fixture(scope="module")
def datasette_site(evaluation_db, tmp_path_factory):
    """Datasette through the launcher, its output in a file.

    Not tests.fixtures.servers.start_datasette: that pipes the output and
    never reads it, and Datasette prints a long traceback for every 404 the
    crawl meets, so the pipe fills and the server stops answering.
    """
    port = free_port()
    log_path = tmp_path_factory.mktemp("crawl") / "datasette.log"
    process = start_process(datasette_command(evaluation_db[0], port=port), log_path, env=datasette_environment(TEST_SECRET))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/-/versions.json", process, log_path)
        yield Site(url)
    finally:
        stop_process(process)


def page_kind(path: str, query: dict) -> tuple:
    """What a page is, for the crawl: two links of one kind show the same templates."""
    parts = [p for p in path.split("/") if p]
    if path.startswith("/-/"):
        # Our pages: one per path, and one per query shape (a process chosen, a search).
        return ("plugin", path.rsplit("/", 1)[0] if "/process/" in path else path, tuple(sorted(query)))
    if "sql" in query:
        return ("query",)
    if len(parts) >= 3:
        return ("row", parts[0], parts[1])
    return ("page", *parts[:2], bool(set(query) - {"_next", "_sort", "_sort_desc", "_size"}))


def same_origin_pages(page, origin: str) -> list[tuple[str, tuple]]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        parsed = urllib.parse.urlparse(href)
        if f"{parsed.scheme}://{parsed.netloc}" != origin:
            continue
        if parsed.path.endswith(SKIPPED_SUFFIXES) or "/export/" in parsed.path or "/research/" in parsed.path or "_format=" in parsed.query:
            continue
        if parsed.path == "/-/medverkan/language":  # a redirect back to the page, in the other language
            continue
        query = urllib.parse.parse_qs(parsed.query)
        query.pop("lang", None)
        path = parsed.path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
        found.append((path, page_kind(parsed.path, query)))
    return found


def crawl(browser, site, role, language="sv", follow=True, start=None):
    """Visit every kind of page ``role`` reaches; return (pages seen, problems).

    ``follow=False`` checks only the ``start`` pages (default: ``/`` and the typed ones)."""
    context = browser.new_context(viewport=NARROW)
    host = urllib.parse.urlparse(site.url).hostname
    cookies = [{"name": "medverkan_lang", "value": language, "domain": host, "path": "/"}]
    if role:
        signer = Datasette([], secret=TEST_SECRET)
        cookies.append({"name": "ds_actor", "value": actor_cookie(signer, f"crawl-{role}", role)["ds_actor"], "domain": host, "path": "/"})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(20000)
    queue = [(p, ("typed", p)) for p in (start or ["/"] + FORM_PAGES[role])]
    kinds_seen, seen, problems = set(), [], []
    try:
        while queue and len(seen) < MAX_PAGES:
            path, kind = queue.pop(0)
            if kind in kinds_seen:
                continue
            kinds_seen.add(kind)
            response = page.goto(site.url + path)
            status = response.status if response else None
            seen.append((path, status))
            if status not in (200, 403, 404):
                problems.append(f"{path} answered {status}")
            violations = [v for v in axe_violations_22(page)]
            if violations:
                problems.append(f"{path} (lang={language}, {status}):\n" + describe_violations(violations))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                problems.append(f"{path} is {width} px wide at {NARROW['width']} px")
            lang = page.locator("html").get_attribute("lang")
            if lang != language:
                problems.append(f"{path}: <html lang={lang!r}>, expected {language!r}")
            if status == 200 and follow:
                queue.extend(link for link in same_origin_pages(page, site.url) if link[1] not in kinds_seen)
    finally:
        context.close()
    unvisited = {kind for _, kind in queue} - kinds_seen
    if unvisited:
        problems.append(f"stopped at {MAX_PAGES} pages with {len(unvisited)} kinds of page unvisited")
    return seen, problems


def axe_violations_22(page):
    """axe with the WCAG 2.2 AA tag added to the project's default set."""
    from tests.fixtures import browser as browser_fixtures

    saved = browser_fixtures.WCAG_TAGS
    browser_fixtures.WCAG_TAGS = WCAG_22_TAGS
    try:
        return axe_violations(page)
    finally:
        browser_fixtures.WCAG_TAGS = saved


# The whole crawl takes minutes on a busy machine: longer than the suite's default timeout.
@pytest.mark.timeout(1200)
@pytest.mark.parametrize(
    "role", ["evaluator", "management", "coordinator", None], ids=["evaluator", "management", "coordinator", "anonymous"]
)
def test_every_page_a_role_reaches_passes_axe_and_reflows_at_320px(browser, datasette_site, role):
    seen, problems = crawl(browser, datasette_site, role)
    paths = [p for p, _ in seen]
    if role == "evaluator":
        # Datasette's own pages are in the crawl, not only ours.
        assert any(p.startswith("/medverkan/") and p.count("/") >= 3 for p in paths), paths  # a row page
        assert any("sql=" in p for p in paths), paths  # the query page
        assert "/medverkan" in paths, paths  # the database page
    if role in ("management", "evaluator"):
        assert ("/", 200) in seen, seen  # the start page, not a redirect elsewhere
    statuses = {status for _, status in seen}
    assert role is None or statuses & {403, 404}, "a friendly error page is in the crawl"
    summary = "\n".join(f"  {status} {path}" for path, status in seen)
    assert not problems, f"{len(seen)} pages checked:\n{summary}\n" + "\n".join(problems)


ONE_OF_EACH_TEMPLATE = [
    "/", "/medverkan", "/medverkan/answers", "/medverkan/processes/1", "/medverkan/wide_manager_v1",
    "/medverkan/no_such_table", "/-/medverkan/exports", "/-/medverkan/process/1",
    "/-/medverkan/influence?process=1", "/-/medverkan-login?next=/", "/-/medverkan/trends",
]


@pytest.mark.timeout(600)
def test_english_pages_pass_too(browser, datasette_site):
    """The English switch changes every word: one page of every template, in English."""
    start = ONE_OF_EACH_TEMPLATE + FORM_PAGES["evaluator"]
    seen, problems = crawl(browser, datasette_site, "evaluator", language="en", follow=False, start=start)
    assert len(seen) == len(set(start)), seen
    assert not problems, "\n".join(problems)
