"""Pages management brings to a meeting print cleanly on A4.

Chromium prints the management start page and the attitudes page of the
2017 demo case to PDF (``page.pdf(format="A4")``, as "Save as PDF" does);
pypdf reads the file back. The PDF must name the page and the date of its
figures, carry every chart's title and every table cell, leave out
navigation and forms, and stay a handful of pages. Laid out for print
(``emulate_media``), nothing may stick out past the page's width and no box
may scroll: a PDF keeps the text a scroll box clips, so clipping is checked
in the layout, not in the extracted text. The process page's response rates
(Datasette given the contacts database, as ``medverkan serve`` runs it)
also pass axe and print whole.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import sqlite3
import urllib.parse
from pathlib import Path

import pytest
from datasette.app import Datasette

from tests.fixtures.browser import describe_violations
from tests.fixtures.databases import demo_copy
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.servers import TEST_SECRET
from tests.fixtures.servers import start_datasette
from tests.test_accessibility_datasette_crawl import axe_violations_22

pypdf = pytest.importorskip("pypdf")

# A4 at 96 CSS px per inch, less the stylesheet's 12 mm side margins.
A4_CONTENT_WIDTH = round((210 - 24) / 25.4 * 96)
PAGES = [
    # role, path, first heading, most pages a meeting handout may take. The demo's
    # answers are synthetic: the pages show them (marked) only when asked.
    ("management", "/?synthetic=1", "Vad varje grupp tycker", 6),
    ("management", "/-/medverkan/attitudes?synthetic=1", "Attityder per svarsgrupp", 16),
    ("evaluator", "/-/medverkan/influence?synthetic=1", "Spelade det roll?", 8),
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
A4_PAGE = {"width": round(210 / 25.4 * 96), "height": round(297 / 25.4 * 96)}


@pytest.fixture(scope="module")
def demo_datasette(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print-datasette")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    demo_copy(served, contacts)
    # With the contacts database, as `medverkan serve` runs it: accounts are
    # re-checked there (so the test's accounts exist) and invitations counted.
    with sqlite3.connect(contacts) as conn:
        for role in ("management", "evaluator"):
            conn.execute(
                "insert into users (username, role, is_active, password_hash) values (?, ?, 1, 'not-a-hash')",
                [f"print-{role}", role],
            )
    conn.close()
    server = start_datasette(served, secret=TEST_SECRET, contacts=contacts)
    server.served = served
    yield server
    server.stop()


@pytest.fixture
def signed_in(browser, demo_datasette):
    """A page signed in with ``role`` (a fresh browser context per call)."""
    contexts = []

    def open_page(role):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        host = urllib.parse.urlparse(demo_datasette.url).hostname
        cookie = actor_cookie(Datasette([], secret=TEST_SECRET), f"print-{role}", role)["ds_actor"]
        context.add_cookies([{"name": "ds_actor", "value": cookie, "domain": host, "path": "/"}])
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def squeeze(text: str) -> str:
    """Text without any whitespace: PDF extraction breaks lines and spaces where the layout did."""
    return re.sub(r"\s+", "", text)


def page_contents(page) -> dict:
    """What the printed page must carry, read from the page itself."""
    return page.evaluate(
        """() => ({
            charts: [...document.querySelectorAll('svg.medverkan-chart > title')].map(t => t.textContent),
            cells: [...document.querySelectorAll('.content table th, .content table td')].map(c => c.innerText),
            nav: document.querySelector('header nav').innerText,
        })"""
    )


def print_layout_problems(page) -> list[str]:
    """Laid out as for paper: anything wider than the page, or a chart or row cut by a page break."""
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    problems = page.evaluate(
        """(width) => {
            const out = [];
            if (document.documentElement.scrollWidth > width) out.push('page wider than A4: ' + document.documentElement.scrollWidth);
            for (const el of document.querySelectorAll('.content table, svg.medverkan-chart')) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 1) out.push('sticks out: ' + el.outerHTML.slice(0, 80));
            }
            // A scroll box on paper cuts what does not fit (the PDF still holds the hidden text).
            for (const el of document.querySelectorAll('.content *')) {
                if (getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1)
                    out.push('clipped: ' + el.outerHTML.slice(0, 80));
            }
            for (const el of document.querySelectorAll('header, form, footer, .medverkan-contents')) {
                if (el.getBoundingClientRect().height > 0) out.push('printed: ' + el.outerHTML.slice(0, 80));
            }
            return out;
        }""",
        A4_CONTENT_WIDTH,
    )
    return problems


@pytest.mark.parametrize("role, path, heading, most_pages", PAGES, ids=["start", "attitudes", "influence"])
def test_page_prints_on_a4_with_title_date_charts_and_every_table_cell(signed_in, demo_datasette, role, path, heading, most_pages):
    page = signed_in(role)
    assert page.goto(demo_datasette.url + path).status == 200
    assert page.locator("h1").inner_text() == heading
    contents = page_contents(page)
    assert contents["charts"] and contents["cells"]

    pdf_bytes = page.pdf(format="A4")
    if os.environ.get("MEDVERKAN_PRINT_DIR"):  # to look at the pages by eye
        name = path.split("?")[0].strip("/").replace("/", "-") or "start"
        (Path(os.environ["MEDVERKAN_PRINT_DIR"]) / f"print-{name}.pdf").write_bytes(pdf_bytes)
    pdf = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    pages = [p.extract_text() for p in pdf.pages]
    text = "\n".join(pages)
    flat = squeeze(text)
    assert 1 <= len(pages) <= most_pages, f"{len(pages)} pages"
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, f"not A4: {width} x {height} pt"
    # The print header: what this is and when its figures were read.
    assert heading in pages[0] and f"Siffror per {datetime.date.today().isoformat()}" in pages[0]
    # Every chart's title is printed (as the heading it carries on the page).
    missing_charts = [title for title in contents["charts"] if squeeze(title) not in flat]
    assert not missing_charts, missing_charts
    # No cell clipped: every table cell's text is on paper.
    missing_cells = [cell for cell in contents["cells"] if squeeze(cell) not in flat]
    assert not missing_cells, missing_cells
    # Navigation (menu, language switch, sign-out) stays on screen.
    assert "English" in contents["nav"] and "English" not in text
    # Laid out for paper, nothing sticks out past the page's width.
    assert not print_layout_problems(page)
    if os.environ.get("MEDVERKAN_SCREENSHOTS") and path.startswith("/?"):
        # The first printed page of the management start page, as paper shows it.
        page.set_viewport_size(A4_PAGE)
        page.emulate_media(media="print")
        page.screenshot(path=str(SCREENSHOTS / "datasette-start-management-print.png"), clip={"x": 0, "y": 0, **A4_PAGE})


def test_process_page_response_rates_pass_axe_and_print_whole(signed_in, demo_datasette):
    with sqlite3.connect(f"file:{demo_datasette.served}?mode=ro", uri=True) as conn:
        process_id = conn.execute("select id from processes order by id limit 1").fetchone()[0]
    conn.close()
    page = signed_in("evaluator")
    assert page.goto(f"{demo_datasette.url}/-/medverkan/process/{process_id}").status == 200
    rates = page.locator("#response-rates-title")
    assert rates.count() == 1, "the demo's invitations give a response-rate chart"
    rows = page.evaluate(
        "() => [...document.querySelectorAll('#rates-caption ~ tbody tr')].map(r => r.innerText)"
    )
    assert rows
    violations = axe_violations_22(page)
    assert not violations, describe_violations(violations)
    flat = squeeze("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(page.pdf(format="A4"))).pages))
    assert squeeze(rates.text_content()) in flat
    assert not [row for row in rows if squeeze(row) not in flat]
