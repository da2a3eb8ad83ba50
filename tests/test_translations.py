"""Every interface string is translated: a Swedish-first interface must not
show English to a Swedish reader (issue 15 part 2).

Two checks, one for each way English slips in:

* the catalogue: every message the collector's code and templates pass to
  ``_()`` / ``gettext`` / ``ngettext`` (extracted with Babel, as
  ``pybabel extract`` would) has a Swedish translation in
  ``collector/translations/sv/LC_MESSAGES/*.po`` that is not fuzzy, not
  empty and not the English text itself;
* the pages: every respondent and staff page reachable by following links
  (crawled as a respondent, a coordinator and an admin) is fetched in
  Swedish and in English; a visible text that is the same in both
  languages, and is not data (names, codes, numbers) or a word the two
  languages share, is interface text that bypassed translation.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from tests.fixtures.coordinator import sign_in
from tests.fixtures.respondent import PAGE_POSTS
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import send

COLLECTOR = Path(__file__).resolve().parents[1] / "collector"
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2)}
# Words Swedish writes exactly as English does.
SAME_IN_BOTH = {
    "Pseudonym", "Version", "Process", "Problem", "Status", "Medverkan", "Svenska", "English", "OK", "CSV", "E-post",
    "Variant: %(name)s", "XLSForm", "version", "version %(n)s", "%(num)s person", "%(field)s: %(message)s",
}


def used_messages() -> dict[str | tuple, list[str]]:
    """Every msgid the collector uses, with where it is used."""
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(COLLECTOR),
        method_map=[("**.py", "python"), ("**/templates/**.html", babel_extract)],
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}},
        keywords=KEYWORDS,
    ):
        key = message if isinstance(message, str) else tuple(message)
        if (key[0] if isinstance(key, tuple) else key):
            found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def swedish_catalogue() -> dict:
    catalogue = {}
    for path in sorted((COLLECTOR / "translations" / "sv" / "LC_MESSAGES").glob("*.po")):
        with open(path, "rb") as handle:
            for message in read_po(handle, locale="sv"):
                if message.id:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    catalogue[key] = message
    return catalogue


def test_every_message_the_collector_uses_has_a_swedish_translation():
    catalogue = swedish_catalogue()
    problems = []
    for key, places in sorted(used_messages().items(), key=lambda item: str(item[0])):
        singular = key[0] if isinstance(key, tuple) else key
        message = catalogue.get(singular)
        strings = () if message is None else (message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None or message.fuzzy or not strings or not all(strings):
            problems.append(f"{singular!r} ({places[0]}): no Swedish translation")
        elif singular not in SAME_IN_BOTH and strings[0] == singular:
            problems.append(f"{singular!r} ({places[0]}): the Swedish text is the English text")
    assert not problems, f"{len(problems)} untranslated interface message(s):\n" + "\n".join(problems)


# --- the pages --------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text nodes and the attributes people read or hear (not scripts, styles or values)."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in self.SPOKEN:
            if attributes.get(name):
                self.texts.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


def visible(html: str) -> tuple[set[str], list[str]]:
    parser = _VisibleText()
    parser.feed(html)
    return {" ".join(text.split()) for text in parser.texts}, parser.links


def is_interface_text(text: str, data: set[str]) -> bool:
    """A text with words that is neither data from the database nor shared vocabulary."""
    if text in SAME_IN_BOTH or text in data or text.startswith(SAME_ON_PURPOSE):
        return False
    words = re.findall(r"[^\W\d_]{2,}", text)
    if not words:
        return False  # numbers, dates, codes, punctuation
    return not all(word in data or word in SAME_IN_BOTH for word in words)


def data_words(*databases) -> set[str]:
    """Every text value in the databases, and its words: names, titles, codes."""
    values: set[str] = set()
    for db in databases:
        for table in db.table_names():
            for column in db[table].columns:
                if column.type.upper() != "TEXT":
                    continue
                for (value,) in db.execute(f'select distinct "{column.name}" from "{table}" where "{column.name}" is not null'):
                    if isinstance(value, str) and len(value) < 300:
                        values.add(" ".join(value.split()))
                        values.update(re.findall(r"[^\W\d_]{2,}", value))
    return values


# Texts meant to be identical in both languages, with the reason.
SAME_ON_PURPOSE = (
    "namn;e-post;grupp;språk",  # the participant CSV example: its header row is the file format
)

SKIP_PATHS = re.compile(r"^/(static|logout|staff/logout|svar/skicka)|\.(csv|xlsx|zip|png|svg|pdf)$")


def crawl(client, start: list[str], limit: int = 60) -> dict[str, set[str]]:
    """Follow local links from ``start``; return each page's visible Swedish text (path -> texts)."""
    seen: dict[str, set[str]] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or SKIP_PATHS.search(urlsplit(path).path):
            continue
        response = client.get(path + ("&" if "?" in path else "?") + "lang=sv")
        if response.status_code != 200 or not response.mimetype == "text/html":
            seen[path] = set()
            continue
        texts, links = visible(response.get_data(as_text=True))
        seen[path] = texts
        for link in links:
            target = urlsplit(urljoin("http://localhost" + path, link))
            if target.netloc == "localhost" and not target.query.startswith("lang="):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return seen


def english_texts(client, paths) -> dict[str, set[str]]:
    pages = {}
    for path in paths:
        response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
        pages[path] = visible(response.get_data(as_text=True))[0] if response.status_code == 200 else set()
    client.get("/", query_string={"lang": "sv"})
    return pages


def untranslated(client, start, data, *, at_least: int) -> dict[str, list[str]]:
    swedish = crawl(client, start)
    pages = [path for path, texts in swedish.items() if texts]
    assert len(pages) >= at_least, f"the crawl reached only {pages}"
    english = english_texts(client, [path for path, texts in swedish.items() if texts])
    found = {}
    for path, texts in swedish.items():
        same = sorted(text for text in texts & english.get(path, set()) if is_interface_text(text, data))
        if same:
            found[path] = same
    return found


def test_respondent_pages_show_no_untranslated_text(app, survey):
    client = app.test_client()
    link = survey.invite()
    answer_everything(client, link)
    typed = {value for page in PAGE_POSTS for value in page.values() if isinstance(value, str)}
    data = data_words(survey.served, survey.contacts) | instrument_texts(survey) | typed
    before = ["/", "/withdraw", "/svar/sida/1", "/svar/sida/2", "/svar/sida/3", "/svar/granska"]
    found = untranslated(client, before, data, at_least=6)
    assert send(client).status_code == 303
    # After sending: the thank-you page, then the states of links (used, unknown).
    found.update(untranslated(client, ["/svar/tack"], data, at_least=1))
    other = app.test_client()
    other.get(f"/s/{link}")
    found.update(untranslated(other, ["/svar"], data, at_least=1))
    stranger = app.test_client()
    stranger.get("/s/not-a-real-token-at-all")
    found.update(untranslated(stranger, ["/svar"], data, at_least=1))
    assert not found, "English shown on Swedish respondent pages:\n" + "\n".join(f"{p}: {t}" for p, t in found.items())


def instrument_texts(survey) -> set[str]:
    """Questionnaire wording is bilingual in the definition, not the catalogue: its texts are data."""
    texts: set[str] = set()
    for page in survey.instrument.pages:
        for question in page.questions:
            for value in (question.text or {}).values():
                texts.add(" ".join(value.split()))
    return texts


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_staff_pages_show_no_untranslated_text(app, make_user, make_process, served_db, contacts_db, role):
    make_user("staffer", role, "socialforvaltningen" if role == "coordinator" else None)
    process_id = make_process(status="collecting")
    client = app.test_client()
    assert client.get("/staff/login", query_string={"lang": "sv"}).status_code == 200
    assert sign_in(client, "staffer").status_code == 302
    start = ["/staff/login", "/staff", f"/staff/processes/{process_id}"]
    found = untranslated(client, start, data_words(served_db, contacts_db), at_least=8)
    assert not found, "English shown on Swedish staff pages:\n" + "\n".join(f"{p}: {t}" for p, t in found.items())
