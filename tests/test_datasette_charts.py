"""Charts to bring to a meeting: every chart is an image with a title and its
figures in words (in the page's language) and a table beside it; the
process page draws response rates per group from the collector's invitations."""

from __future__ import annotations

import re
import sqlite3
from html import unescape

import pytest
import sqlite_utils

from datasette_plugins import charts
from tests.fixtures.datasette import actor_cookie

CHART_PAGES = [
    ("/", "management"),
    ("/-/medverkan/attitudes", "management"),
    ("/-/medverkan/attitudes?process=1", "evaluator"),
    ("/-/medverkan/process/1", "evaluator"),
    ("/-/medverkan/influence", "evaluator"),
    ("/-/medverkan/influence?process=1", "evaluator"),
]
SVG = re.compile(r"<svg [^>]*class=\"medverkan-chart\"[^>]*>.*?</svg>", re.S)


async def get(ds, path, role="evaluator", username="eva", lang=None):
    cookies = actor_cookie(ds, username, role)
    if lang:
        cookies["medverkan_lang"] = lang
    return await ds.client.get(path, cookies=cookies)


def chart_parts(svg: str) -> dict:
    opening = svg[: svg.index(">") + 1]
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', opening).group(1).split()
    titles = dict(re.findall(r'<title id="([^"]+)">([^<]*)</title>', svg))
    descs = dict(re.findall(r'<desc id="([^"]+)">([^<]*)</desc>', svg))
    return {"opening": opening, "labelled_by": labelled_by, "titles": titles, "descs": descs}


@pytest.mark.parametrize("path, role", CHART_PAGES)
@pytest.mark.asyncio
async def test_every_chart_is_an_image_named_and_described_by_its_own_title_and_desc(ds, path, role):
    html = (await get(ds, path, role)).text
    svgs = SVG.findall(html)
    assert svgs, f"no chart on {path}"
    for svg in svgs:
        parts = chart_parts(svg)
        assert 'role="img"' in parts["opening"]
        title_id, desc_id = parts["labelled_by"]
        assert parts["titles"].get(title_id, "").strip(), svg[:200]
        assert parts["descs"].get(desc_id, "").strip(), svg[:200]
        # Each id once on the page: aria-labelledby must name this chart's text, not another's.
        assert html.count(f'id="{title_id}"') == 1 and html.count(f'id="{desc_id}"') == 1


@pytest.mark.parametrize("path, role", CHART_PAGES)
@pytest.mark.asyncio
async def test_every_chart_has_a_table_of_its_figures_after_it(ds, path, role):
    html = (await get(ds, path, role)).text
    pieces = SVG.split(html)
    for following in pieces[1:]:
        assert "<table" in following[:4000], f"a chart on {path} has no table right after it"


@pytest.mark.asyncio
async def test_chart_descriptions_speak_the_pages_language_with_its_numbers(ds):
    swedish = unescape((await get(ds, "/-/medverkan/attitudes?process=1")).text)
    english = unescape((await get(ds, "/-/medverkan/attitudes?process=1", lang="en")).text)
    assert "Andelar av svaren på skalan från 1 (instämmer inte) till 5 (instämmer), rad för rad." in swedish
    assert "Shares of the answers on the scale from 1 (disagree) to 5 (agree), row by row." in english
    # Candidates in process 1 answered 4, 5, 5, 3, 9: the same shares in both, in words.
    assert "Sökande: 1: 0 %, 2: 0 %, 3: 20 %, 4: 40 %, 5: 40 %" in swedish
    theme_desc = re.search(r'<desc id="theme-0-desc">([^<]*)</desc>', swedish).group(1)
    assert re.match(r"\d+ staplar\. Högst: .+, \d+ %\. Lägst: .+, \d+ %\. ", theme_desc), theme_desc


def test_describe_values_names_highest_lowest_and_every_bar():
    words = charts.describe_values([("Chefer", 80), ("Fack", 40), ("Sökande", None)], lang="sv", number=lambda v: f"{v} %")
    assert words == "3 staplar. Högst: Chefer, 80 %. Lägst: Fack, 40 %. Chefer: 80 %; Fack: 40 %; Sökande: ingen siffra."
    assert charts.describe_values([], lang="en") == "No figures to show."
    assert charts.describe_values([("A", 1)], lang="en") == "One bar. A: 1."


def test_accessible_svg_escapes_title_and_desc():
    svg = str(charts.accessible_svg("", width=10, height=10, title="<script>", desc="a & b", chart_id="x"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg
    assert 'role="img" aria-labelledby="x-title x-desc"' in svg


# --- response rates --------------------------------------------------------------------

# group -> (invited, answered, withdrawn) in process 1
INVITATIONS = {"manager": (10, 8, 1), "candidate": (6, 3, 0), "representative": (4, 0, 0)}


@pytest.fixture
def contacts_with_invitations(evaluation_db, monkeypatch):
    contacts = evaluation_db[1]
    conn = sqlite3.connect(contacts)
    with conn:
        conn.execute("delete from invitations")
        conn.execute("delete from receipts")
        conn.execute("delete from users where username = 'eva'")
        conn.execute("insert into users (username, role, is_active, password_hash) values ('eva', 'evaluator', 1, 'x')")
        number = 0
        for group, (invited, answered, withdrawn) in INVITATIONS.items():
            for i in range(invited):
                number += 1
                conn.execute(
                    "insert into invitations (process_id, group_key, token_hash, status, expires_on) values (1, ?, ?, ?, '2099-01-01')",
                    [group, f"hash-{number}", "answered" if i < answered else "open"],
                )
            for i in range(withdrawn):
                conn.execute(
                    "insert into receipts values (?, ?, 1, ?, '2024-05-03')", [f"receipt-{group}-{i}", 1_000_000 + i, group]
                )
    conn.close()
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", contacts)
    return contacts


@pytest.mark.asyncio
async def test_process_page_draws_response_rates_per_group_with_their_table(ds, contacts_with_invitations):
    html = unescape((await get(ds, "/-/medverkan/process/1")).text)
    assert "<h2 id=\"rates-h\">Svarsfrekvens</h2>" in html
    assert 'id="response-rates-desc">3 staplar. Högst: Chef eller tjänsteperson, 80 %. Lägst: Brukarrepresentant, 0 %.' in html
    row = re.search(r'<th scope="row">Chef eller tjänsteperson</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]+)</td>', html)
    assert row.groups() == ("10", "8", "1", "80 %")


@pytest.mark.asyncio
async def test_response_rates_are_the_coordinators_figures(ds, contacts_with_invitations):
    from collector.coordinator import outreach

    coordinator = outreach.response_rates(sqlite_utils.Database(contacts_with_invitations), 1)
    html = unescape((await get(ds, "/-/medverkan/process/1")).text)
    table = html[html.index('id="rates-caption"'):]
    table = table[: table.index("</table>")]
    shown = re.findall(r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+) %</td>", table)
    assert shown == [(str(r["invited"]), str(r["answered"]), str(r["withdrawn"]), str(r["rate"])) for r in coordinator]


@pytest.mark.asyncio
async def test_without_invitations_the_process_page_says_so(ds, evaluation_db, monkeypatch):
    without = (await get(ds, "/-/medverkan/process/1")).text
    assert "Svarsfrekvenser kräver antal inbjudna" in without and 'id="response-rates-title"' not in without
    conn = sqlite3.connect(evaluation_db[1])
    with conn:
        conn.execute("delete from users where username = 'eva'")
        conn.execute("insert into users (username, role, is_active, password_hash) values ('eva', 'evaluator', 1, 'x')")
    conn.close()
    monkeypatch.setenv("MEDVERKAN_DS_CONTACTS", evaluation_db[1])
    empty = (await get(ds, "/-/medverkan/process/2")).text
    assert "Inga inbjudningar finns för den här rekryteringen" in empty


def test_centre_line_marks_bars_only_never_a_note():
    svg = str(charts.diverging_bars(
        [("Drawn", [((1, 2), 0.5), ((4, 5), 0.5)]), ("Hidden", None), ("Withheld", "too few per answer")],
        title="t", chart_id="c", suppressed_text="fewer than 5",
    ))
    assert svg.count("<line ") == 1


def test_chart_labels_are_never_cut():
    label = "Enhetschef inom myndighetsutövning för barn och unga, familjevåld, uppföljning och återrapportering"
    svg = str(charts.diverging_bars([(label, [((v,), 0.2) for v in (1, 2, 3, 4, 5)])], title="t", chart_id="c", suppressed_text="-"))
    lines = re.findall(r'<text x="0" y="[\d.]+" font-size="12">([^<]*)</text>', svg)
    assert " ".join(lines) == label
    assert all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert 'text-anchor="end"' not in svg  # nothing right-aligned against the left edge
    bars = str(charts.horizontal_bars([(label, 55.0)], title="t", chart_id="h"))
    assert " ".join(re.findall(r'<text x="0" y="[\d.]+" font-size="12">([^<]*)</text>', bars)) == label
