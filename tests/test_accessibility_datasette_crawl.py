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

The walk itself is made over plain HTTP (:func:`discover`, once per run);
the browser then opens every page found, the evaluator's ~100 in four
shards that xdist can run on different workers, and fails if a page it
opens links to a kind of page the walk did not find.
"""

from __future__ import annotations

import fcntl
import html.parser
import json
import os
import urllib.error
import urllib.parse
import urllib.request

import pytest
from datasette.app import Datasette

from tests.fixtures.browser import axe_violations
from tests.fixtures.browser import describe_violations
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.servers import TEST_SECRET

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


@pytest.fixture
def datasette_site(evaluation_site):
    """The worker's shared read-only Datasette (tests/fixtures/datasette.py)."""
    return evaluation_site


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


def link_target(href: str, origin: str) -> tuple[str, tuple] | None:
    """The page an absolute link leads to, as (path to open, kind); None if the crawl skips it."""
    parsed = urllib.parse.urlparse(href)
    if f"{parsed.scheme}://{parsed.netloc}" != origin:
        return None
    if parsed.path.endswith(SKIPPED_SUFFIXES) or "/export/" in parsed.path or "/research/" in parsed.path or "_format=" in parsed.query:
        return None
    if parsed.path == "/-/medverkan/language":  # a redirect back to the page, in the other language
        return None
    query = urllib.parse.parse_qs(parsed.query)
    query.pop("lang", None)
    path = parsed.path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else "")
    return path, page_kind(parsed.path, query)


def same_origin_pages(page, origin: str) -> list[tuple[str, tuple]]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return [found for found in (link_target(href, origin) for href in hrefs) if found]


def role_cookies(site, role, language) -> dict[str, str]:
    cookies = {"medverkan_lang": language}
    if role:
        signer = Datasette([], secret=TEST_SECRET)
        cookies["ds_actor"] = actor_cookie(signer, f"crawl-{role}", role)["ds_actor"]
    return cookies


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href is not None:
            self.hrefs.append(href)


# The characters a browser leaves as they are in a URL's path and query (it
# percent-encodes the rest as UTF-8, as ``element.href`` shows).
_URL_SAFE = "/%:@!$&'()*+,;=-._~?#[]"


def _http_links(body: str, url: str, origin: str) -> list[tuple[str, tuple]]:
    parser = _Links()
    parser.feed(body)
    absolute = (urllib.parse.quote(urllib.parse.urljoin(url, href.strip()), safe=_URL_SAFE) for href in parser.hrefs)
    return [found for found in (link_target(href, origin) for href in absolute) if found]


@pytest.fixture(scope="session")
def walks(tmp_path_factory):
    """``walks(site, role)``: :func:`discover`, done once per test run.

    The walk renders every page once on the server (a good part of a
    minute on a busy machine), and every worker's evaluation site holds the
    same data, so the first worker to need a role's walk makes it and writes
    it to the run's shared temporary folder (under a lock) and the others
    read it; each shard still checks in its own browser that every page
    answers as the walk found.
    """
    # Under xdist each worker's base folder is inside the run's; without it there is one.
    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else tmp_path_factory.getbasetemp()

    def walk(site, role, language="sv"):
        path = shared / f"datasette-crawl-{role or 'anonymous'}-{language}.json"
        with open(shared / "datasette-crawl.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                found = discover(site.url, role, language)
                path.write_text(json.dumps(found), encoding="utf-8")
        return tuple((p, _as_tuple(kind), status) for p, kind, status in json.loads(path.read_text(encoding="utf-8")))

    return walk


def _as_tuple(value):
    """A kind read back from JSON (lists) as the tuple :func:`page_kind` makes."""
    return tuple(_as_tuple(item) for item in value) if isinstance(value, list) else value


def discover(site_url: str, role: str | None, language: str) -> tuple[tuple[str, tuple, int], ...]:
    """Every kind of page ``role`` reaches, found over plain HTTP: (path, kind, status) each.

    The same breadth-first walk the browser crawl made (``/`` and the typed
    pages first, then every same-origin link reduced to its kind, following
    links only from pages that answered 200), but without rendering or axe,
    so the browser checks can be split into shards that run on different
    workers. The shards check every link they see in the browser against
    this set (see :func:`check_pages`), so a link only scripts add cannot be
    missed.
    """
    origin = site_url
    header = "; ".join(f"{name}={value}" for name, value in role_cookies(site_url, role, language).items())
    queue = [(p, ("typed", p)) for p in ["/"] + FORM_PAGES[role]]
    kinds_seen, found = set(), []
    while queue and len(found) < MAX_PAGES:
        path, kind = queue.pop(0)
        if kind in kinds_seen:
            continue
        kinds_seen.add(kind)
        request = urllib.request.Request(origin + urllib.parse.quote(path, safe=_URL_SAFE), headers={"Cookie": header})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, final_url, body = response.status, response.geturl(), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            status, final_url, body = error.code, error.geturl(), ""
        found.append((path, kind, status))
        if status == 200:
            queue.extend(link for link in _http_links(body, final_url, origin) if link[1] not in kinds_seen)
    unvisited = {kind for _, kind in queue} - kinds_seen
    assert not unvisited, f"stopped at {MAX_PAGES} pages with {len(unvisited)} kinds of page unvisited"
    return tuple(found)


def check_pages(browser, site, role, paths, language="sv"):
    """Open each of ``paths`` as ``role`` at 320 px: axe, reflow, <html lang>, status.

    Returns (pages seen with their status, problems, the kinds of every
    same-origin page linked from a page that answered 200)."""
    context = browser.new_context(viewport=NARROW)
    host = urllib.parse.urlparse(site.url).hostname
    context.add_cookies([
        {"name": name, "value": value, "domain": host, "path": "/"} for name, value in role_cookies(site.url, role, language).items()
    ])
    page = context.new_page()
    page.set_default_timeout(20000)
    seen, problems, linked = [], [], set()
    try:
        for path in paths:
            response = page.goto(site.url + path)
            status = response.status if response else None
            seen.append((path, status))
            if status not in (200, 403, 404):
                problems.append(f"{path} answered {status}")
            violations = axe_violations_22(page)
            if violations:
                problems.append(f"{path} (lang={language}, {status}):\n" + describe_violations(violations))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                problems.append(f"{path} is {width} px wide at {NARROW['width']} px")
            lang = page.locator("html").get_attribute("lang")
            if lang != language:
                problems.append(f"{path}: <html lang={lang!r}>, expected {language!r}")
            if status == 200:
                linked.update(kind for _, kind in same_origin_pages(page, site.url))
    finally:
        context.close()
    return seen, problems, linked


def axe_violations_22(page):
    """axe with the WCAG 2.2 AA tag added to the project's default set."""
    from tests.fixtures import browser as browser_fixtures

    saved = browser_fixtures.WCAG_TAGS
    browser_fixtures.WCAG_TAGS = WCAG_22_TAGS
    try:
        return axe_violations(page)
    finally:
        browser_fixtures.WCAG_TAGS = saved


ROLES = {"evaluator": "evaluator", "management": "management", "coordinator": "coordinator", "anonymous": None}
# The evaluator reaches ~100 kinds of page: checked in shards that xdist can
# run on different workers. Shard i takes every SHARDS-th page from the i-th;
# together the shards check every discovered page exactly once.
SHARDS = {"evaluator": 4}
CRAWL_PARTS = [(name, shard) for name in ROLES for shard in range(SHARDS.get(name, 1))]


@pytest.mark.parametrize("role_name", list(ROLES))
def test_the_crawl_reaches_the_pages_each_role_should(datasette_site, walks, role_name):
    """The walk the shards share: it ends, and holds the pages the old single crawl asserted on."""
    role = ROLES[role_name]
    found = walks(datasette_site, role)
    paths = [path for path, _, _ in found]
    if role == "evaluator":
        # Datasette's own pages are in the crawl, not only ours.
        assert any(p.startswith("/medverkan/") and p.count("/") >= 3 for p in paths), paths  # a row page
        assert any("sql=" in p for p in paths), paths  # the query page
        assert "/medverkan" in paths, paths  # the database page
    seen = [(path, status) for path, _, status in found]
    if role in ("management", "evaluator"):
        assert ("/", 200) in seen, seen  # the start page, not a redirect elsewhere
    statuses = {status for _, status in seen}
    assert role is None or statuses & {403, 404}, "a friendly error page is in the crawl"
    shards = [found[shard :: SHARDS.get(role_name, 1)] for shard in range(SHARDS.get(role_name, 1))]
    assert sorted(entry for part in shards for entry in part) == sorted(found), "the shards together check every page once"


# A shard takes a minute or more on a busy machine: longer than the suite's default timeout.
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("role_name, shard", CRAWL_PARTS, ids=[f"{name}-{shard + 1}of{SHARDS.get(name, 1)}" for name, shard in CRAWL_PARTS])
def test_every_page_a_role_reaches_passes_axe_and_reflows_at_320px(browser, datasette_site, walks, role_name, shard):
    role = ROLES[role_name]
    found = walks(datasette_site, role)
    part = found[shard :: SHARDS.get(role_name, 1)]
    seen, problems, linked = check_pages(browser, datasette_site, role, [path for path, _, _ in part])
    expected = [(path, status) for path, _, status in part]
    assert seen == expected, "the browser got the statuses the walk got"
    missed = linked - {kind for _, kind, _ in found}
    assert not missed, f"the browser sees links to kinds of page the walk did not find: {sorted(missed)}"
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
    start = list(dict.fromkeys(ONE_OF_EACH_TEMPLATE + FORM_PAGES["evaluator"]))
    seen, problems, _ = check_pages(browser, datasette_site, "evaluator", start, language="en")
    assert len(seen) == len(start), seen
    assert not problems, "\n".join(problems)
