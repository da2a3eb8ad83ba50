"""axe-core (WCAG 2.0/2.1 A and AA) on every respondent state, in Swedish and
English, on a 360 px phone and a desktop, in Chromium against the demo case
served by gunicorn with the production configuration.

States: landing page, first page, a middle page, a page with validation
errors, a follow-up question added on the same page, a page opened from
the review, the review page, thank-you (with receipt, copy and print), the
receipt already shown, a resumed page, already answered, an
expired link, an unknown link, the withdrawal form, its confirmation and the
withdrawn page. Screenshots of the phone flow in Swedish go to
docs/screenshots/ when MEDVERKAN_SCREENSHOTS=1. The easy-to-read
questionnaires (lättläst, issue 16 part 5) are checked page by page in
tests/test_accessibility_respondent_easy_read.py: a module of its own, so
that xdist can run it on the other worker (each module with the module-scoped
``browser`` is one xdist group, tests/conftest.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.fixtures.browser import DESKTOP
from tests.fixtures.browser import PHONE
from tests.fixtures.browser import assert_accessible
from tests.fixtures.browser import assert_no_sideways_scroll

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def answer_visible_questions(page) -> None:
    """Give every visible question on the current page a valid answer."""
    page.evaluate(
        """() => {
        const seen = new Set();
        for (const input of document.querySelectorAll('form#answers input[type=radio]')) {
            if (seen.has(input.name)) continue;
            seen.add(input.name);
            input.checked = true;
        }
        for (const input of document.querySelectorAll('form#answers input[type=checkbox]')) {
            if (seen.has(input.name)) continue;
            seen.add(input.name);
            input.checked = true;
        }
        for (const input of document.querySelectorAll('form#answers input.input-number, form#answers input[inputmode=numeric]')) {
            if (!input.value) input.value = '1';
        }
        for (const input of document.querySelectorAll('form#answers textarea, form#answers input[type=text]:not([inputmode=numeric])')) {
            if (!input.value) input.value = 'Bra samtal <b>fetstil?</b> 🙂';
        }
    }"""
    )


def click_next(page) -> None:
    with page.expect_navigation():
        page.click("form#answers button[value=next]")


class Visit:
    """Walks the flow and checks each state as it goes."""

    def __init__(self, page, language, label, screenshots):
        self.page = page
        self.language = language
        self.label = label
        self.screenshots = screenshots
        self.checked: list[str] = []
        self.counter = 0

    def check(self, state: str) -> None:
        name = f"{state} [{self.label}]"
        html_lang = self.page.get_attribute("html", "lang")
        assert html_lang == self.language, f"{name}: html lang is {html_lang}"
        assert_accessible(self.page, name)
        assert_no_sideways_scroll(self.page, name)
        self.checked.append(state)
        if self.screenshots:
            self.counter += 1
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^a-z0-9]+", "-", state.lower()).strip("-")
            self.page.screenshot(path=str(SCREENSHOTS / f"{self.counter:02d}-{slug}.png"), full_page=True)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-360", "desktop"])
def test_every_respondent_state_passes_axe(browser, demo_site, language, viewport):
    screenshots = os.environ.get("MEDVERKAN_SCREENSHOTS") == "1" and language == "sv" and viewport is PHONE
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    visit = Visit(page, language, f"{language}, {viewport['width']} px", screenshots)
    base = demo_site.url
    try:
        page.goto(f"{base}/?lang={language}")
        visit.check("landing page")

        link = demo_site.invite("representative")
        page.goto(f"{base}{link}?lang={language}")
        assert "/s/" not in page.url, "the token stays out of the address bar"
        visit.check("start page")
        with page.expect_navigation():
            page.click("main a.button")
        visit.check("first page")

        # A failed submit: first page with nothing answered.
        click_next(page)
        if page.locator(".error-summary").count():
            visit.check("validation errors")
            assert page.title().startswith("Fel:" if language == "sv" else "Error:")
        answer_visible_questions(page)
        click_next(page)
        visit.check("middle page")
        for _ in range(20):
            if page.locator("form#answers").count() == 0:
                break
            if page.locator(".flash").count() and "follow-up question added" not in visit.checked:
                visit.check("follow-up question added")
            answer_visible_questions(page)
            click_next(page)
        visit.check("review page")
        with page.expect_navigation():
            page.click("main a[href*='granska=1']")
        visit.check("page opened from the review")
        click_next(page)
        assert page.url.endswith("/svar/granska"), page.url
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        page.wait_for_selector("#copy-receipt", state="visible")  # receipt.js revealed copy and print
        visit.check("thank-you page")
        receipt = re.search(r"[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}", page.inner_text("main"))
        assert receipt, "the thank-you page shows a receipt code"
        page.reload()
        assert receipt.group(0) not in page.inner_text("main"), "the receipt code is shown only once"
        visit.check("receipt already shown")

        page.goto(f"{base}{link}?lang={language}")
        visit.check("already answered")

        expired = demo_site.invite("representative", valid_days=-1)
        page.goto(f"{base}{expired}?lang={language}")
        visit.check("expired link")

        page.goto(f"{base}/s/unknown-{language}-link?lang={language}")
        visit.check("unknown link")

        page.goto(f"{base}/withdraw?lang={language}")
        visit.check("withdrawal form")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        visit.check("withdrawal form with errors")
        page.fill("input[name=receipt]", receipt.group(0))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        visit.check("withdrawal confirmation")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        visit.check("withdrawn")

        # Leave after the first page, come back with the link: "Welcome back — page 2 of n".
        later = demo_site.invite("representative")
        page.goto(f"{base}{later}?lang={language}")
        with page.expect_navigation():
            page.click("main a.button")
        for _ in range(5):
            answer_visible_questions(page)
            click_next(page)
            if not page.url.endswith("/svar/sida/1"):
                break
        page.goto(f"{base}{later}")
        assert page.locator(".flash").count() == 1, "resuming says where the person is"
        visit.check("resumed page")
    finally:
        context.close()
    assert len(visit.checked) >= 16, visit.checked
