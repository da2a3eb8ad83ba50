"""Datasette in Swedish with an English switch, figures as Swedes write them,
theme names, whole chart labels, export links that say what they are; the
start page per role and friendly 403/404 pages (issue 13, parts 1 and 2).

Through ``datasette.client`` on the fixture database: every page here is
rendered by the real templates, Datasette's own overridden ones included.
"""

import re
from html import unescape

import pytest

from datasette_plugins import charts
from datasette_plugins.i18n import SWEDISH
from datasette_plugins.i18n import format_number
from tests.fixtures.datasette import actor_cookie


@pytest.fixture
def ds(shared_ds):
    """One Datasette instance for the module: its tests only send requests."""
    return shared_ds


pytestmark = pytest.mark.asyncio
THIN = "\u202f"


async def get(ds, path, role="evaluator", lang=None):
    cookies = actor_cookie(ds, "eva", role) if role else {}
    if lang:
        cookies["medverkan_lang"] = lang
    return await ds.client.get(path, cookies=cookies)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


DATASETTE_PAGES = {
    "table": "/medverkan/answers?_facet=group_key",
    "row": "/medverkan/processes/1",
    "query": "/medverkan?sql=select+key+from+respondent_groups",
    "canned query": "/medverkan/responses_by_group?process_id=1",
    "database": "/medverkan",
}
# Datasette's English chrome that must not reach a Swedish page.
ENGLISH_CHROME = [
    "Apply",
    "Run SQL",
    "Custom SQL query",
    "This data as",
    "Log out",
    "Suggested facets",
    "Powered by",
    "Advanced export",
    "rows",
]


@pytest.mark.parametrize("kind", DATASETTE_PAGES)
async def test_datasette_own_pages_speak_swedish_with_lang_sv(ds, kind):
    response = await get(ds, DATASETTE_PAGES[kind])
    assert response.status_code == 200
    assert '<html lang="sv">' in response.text
    text = visible_text(response.text)
    for english in ENGLISH_CHROME:
        assert not re.search(rf"\b{english}\b", text), f"{kind} page shows {english!r}"
    assert "Drivs med" in text


@pytest.mark.parametrize("kind", DATASETTE_PAGES)
async def test_english_switch_turns_datasette_pages_english(ds, kind):
    response = await get(ds, DATASETTE_PAGES[kind], lang="en")
    assert '<html lang="en">' in response.text
    assert "Powered by" in visible_text(response.text)


async def test_filters_and_buttons_are_swedish_and_labelled(ds):
    html = (await get(ds, "/medverkan/answers")).text
    assert 'value="Använd filtren"' in html
    assert 'aria-label="Filtrera på kolumn"' in html and 'aria-label="Villkor"' in html
    assert ">innehåller</option>" in html and ">saknar värde</option>" in html
    assert "<script>" not in html and "<style>" not in html and " style=" not in html  # CSP


async def test_language_switch_remembers_the_choice_and_returns_to_the_page(ds):
    response = await ds.client.get("/-/medverkan/language?lang=en&next=/medverkan/answers%3F_facet%3Dgroup_key")
    assert response.status_code == 302
    assert response.headers["location"] == "/medverkan/answers?_facet=group_key"
    assert "medverkan_lang=en" in response.headers["set-cookie"]
    stale = await ds.client.get("/-/medverkan/language?lang=en&next=/-/medverkan/attitudes%3Fprocess%3D1%26lang%3Dsv")
    assert stale.headers["location"] == "/-/medverkan/attitudes?process=1"  # the old lang= would win over the cookie
    elsewhere = await ds.client.get("/-/medverkan/language?lang=en&next=//evil.example/")
    assert elsewhere.headers["location"] == "/"


async def test_figures_have_decimal_comma_and_thin_space_thousands(ds):
    assert format_number(1234567.25, "sv", 2) == f"1{THIN}234{THIN}567,25"
    assert format_number(1234567.25, "en", 2) == "1,234,567.25"
    html = (await get(ds, "/medverkan?sql=select+1234567.25+as+amount%2C+12345+as+n")).text
    assert f">1{THIN}234{THIN}567,25</td>" in html
    assert f">12{THIN}345</td>" in html
    english = (await get(ds, "/medverkan?sql=select+1234567.25+as+amount", lang="en")).text
    assert ">1,234,567.25</td>" in english


async def test_keys_and_ids_are_not_formatted_as_figures(ds):
    html = (await get(ds, "/medverkan/responses")).text
    assert re.search(r'data-label="id"><a href="/medverkan/responses/1\d{6}">1\d{6}</a></td>', html), "ids keep their digits"


async def test_themes_are_named_not_keyed(ds):
    text = visible_text((await get(ds, "/-/medverkan/attitudes")).text)
    assert "Tema: Inställning till brukarmedverkan vid anställning" in text
    assert "Tema: attitude" not in text
    english = visible_text((await get(ds, "/-/medverkan/attitudes", lang="en")).text)
    assert "Theme: Attitude to user involvement in hiring" in english


async def test_export_links_say_what_each_file_is(ds):
    html = (await get(ds, "/-/medverkan/exports")).text
    first_instrument = re.search(r"<td><ul>(.*?)</ul>", html, re.S).group(1)
    labels = [unescape(t) for t in re.findall(r"<a [^>]*>([^<]+)</a>", first_instrument)]
    assert len(labels) >= 6 and len(set(labels)) == len(labels)
    assert any("koder" in label and "CSV" in label for label in labels)
    assert any("svarsetiketter" in label for label in labels)
    table = visible_text((await get(ds, "/medverkan/answers")).text)
    assert "Tabellen som CSV" in table and "Tabellen som JSON" in table


async def test_every_template_string_has_a_swedish_translation():
    from pathlib import Path

    templates = Path(charts.__file__).with_name("templates")
    missing = set()
    for path in templates.glob("*.html"):
        source = path.read_text(encoding="utf-8")
        for msgid in re.findall(r'_m\("((?:[^"\\]|\\.)*)"', source) + re.findall(r"_m\('((?:[^'\\]|\\.)*)'", source):
            text = msgid.replace('\\"', '"')
            if text not in SWEDISH:
                missing.add((path.name, text))
    assert not missing, sorted(missing)


# --- part 1: the start page per role, friendly errors -----------------------


async def test_home_shows_management_what_each_group_thinks(ds):
    response = await get(ds, "/", role="management")
    assert response.status_code == 200
    text = visible_text(response.text)
    assert "Vad varje grupp tycker" in text
    assert "Inställning till brukarmedverkan vid anställning" in text
    assert "<svg" in response.text and "<table" in response.text
    assert "Det som inte visas, och varför" in text and "färre än 5" in text
    assert "HBG-2024-XX" in text  # the latest processes
    assert 'href="/-/medverkan/attitudes"' in response.text


async def test_home_suppresses_small_groups_for_management(ds):
    """Representatives in process 1 answered 3 times (< k): management's start page
    shows them only pooled without that process, and says so."""
    text = visible_text((await get(ds, "/", role="management")).text)
    assert "Visas utan de rekryteringar där de har för få svar:" in text


async def test_home_gives_evaluators_every_way_in(ds):
    response = await get(ds, "/")
    assert response.status_code == 200
    for href in ("/-/medverkan/attitudes", "/-/medverkan/process/1", "/-/medverkan/influence", "/-/medverkan/influence?process=1",
                 "/-/medverkan/search", "/-/medverkan/exports", "/medverkan/questions", "/medverkan"):
        assert f'href="{href}"' in response.text, href


async def test_home_sends_anonymous_visitors_to_sign_in(ds):
    response = await get(ds, "/", role=None)
    assert response.status_code == 302
    assert response.headers["location"].startswith("/-/medverkan-login")


@pytest.mark.parametrize("path", ["/-/medverkan/search", "/-/medverkan/exports", "/medverkan/answers", "/medverkan?sql=select+1"])
async def test_forbidden_pages_say_so_in_swedish_with_a_way_back(ds, path):
    response = await get(ds, path, role="management")
    assert response.status_code == 403
    text = visible_text(response.text)
    assert "Ingen behörighet" in text and "Forbidden" not in text
    assert '<a class="medverkan-button" href="/">Tillbaka till startsidan</a>' in response.text
    english = await get(ds, path, role="management", lang="en")
    assert "No access" in visible_text(english.text) and '<html lang="en">' in english.text


@pytest.mark.parametrize(
    "path", ["/medverkan/no_such_table", "/-/medverkan/process/999", "/-/medverkan/export/1/nothing.csv", "/-/no-such-page"]
)
async def test_missing_pages_say_so_in_swedish_with_a_way_back(ds, path):
    response = await get(ds, path)
    assert response.status_code == 404
    text = visible_text(response.text)
    assert "Sidan finns inte" in text
    assert 'href="/">Tillbaka till startsidan' in response.text
    english = await get(ds, path, lang="en")
    assert english.status_code == 404
    assert "Page not found" in visible_text(english.text) and '<html lang="en">' in english.text


async def test_bilingual_metadata_shows_the_readers_half(ds):
    """metadata.yml says "Svar / Answers"; a Swedish page says "Svar", an English one "Answers"."""
    swedish = (await get(ds, "/medverkan/answers")).text
    english = (await get(ds, "/medverkan/answers", lang="en")).text
    title_sv = re.search(r"<h1>(.*?)</h1>", swedish, re.S).group(1).strip()
    title_en = re.search(r"<h1>(.*?)</h1>", english, re.S).group(1).strip()
    assert " / " not in title_sv and " / " not in title_en
    assert title_sv != title_en
    database = visible_text((await get(ds, "/medverkan")).text)
    assert "Utvärderingsdata" in database and "Evaluation data" not in database
