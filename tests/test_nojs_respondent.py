"""The whole questionnaire with JavaScript disabled, in Chromium against the
demo case behind gunicorn: start, a refused page that keeps what was typed,
every page, review, send, receipt, then withdrawal with the receipt."""

from __future__ import annotations

import re

RECEIPT = re.compile(r"[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}")


def fill_page_without_js(page) -> None:
    """Answer every visible question with Playwright's native actions (no page scripts)."""
    done = set()
    for box in page.locator("form#answers input[type=radio], form#answers input[type=checkbox]").all():
        name = box.get_attribute("name")
        if name in done or not box.is_visible():  # a follow-up not revealed by the answer above
            continue
        done.add(name)
        box.check()
    for field in page.locator("form#answers textarea, form#answers input[type=text]").all():
        if field.input_value() or not field.is_visible():
            continue
        numeric = field.get_attribute("inputmode") == "numeric"
        field.fill("3" if numeric else "Utan JavaScript")


def test_complete_questionnaire_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(demo_site.url + demo_site.invite("candidate"))
        assert page.evaluate is not None
        with page.expect_navigation():
            page.click("main a.button")
        assert "/svar/sida/1" in page.url

        # Type into a free-text or number field, leave a required question out:
        # the refused page must keep what was typed.
        text_fields = page.locator("form#answers textarea, form#answers input[type=text]")
        typed = None
        if text_fields.count():
            typed = "Sparat trots fel"
            if text_fields.first.get_attribute("inputmode") == "numeric":
                typed = "4"
            text_fields.first.fill(typed)
        with page.expect_navigation():
            page.click("form#answers button[value=next]")
        if page.locator(".error-summary").count() and typed is not None:
            assert page.locator("form#answers textarea, form#answers input[type=text]").first.input_value() == typed

        pages = 0
        for _ in range(20):
            if page.locator("form#answers").count() == 0:
                break
            fill_page_without_js(page)
            with page.expect_navigation():
                page.click("form#answers button[value=next]")
            assert page.locator(".error-summary").count() == 0, page.inner_text(".error-summary")
            pages += 1
        assert pages >= 2
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        receipt = RECEIPT.search(page.inner_text("main"))
        assert receipt, page.inner_text("main")[:400]

        import sqlite3

        def stored():
            conn = sqlite3.connect(demo_site.served)
            try:
                return conn.execute("select count(*) from responses").fetchone()[0]
            finally:
                conn.close()

        before = stored()
        page.goto(demo_site.url + "/withdraw")
        page.fill("input[name=receipt]", receipt.group(0))
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert stored() == before - 1, "the withdrawn response is deleted"
        assert RECEIPT.search(page.url) is None, "the receipt code never goes into a URL"
    finally:
        context.close()


def test_a_follow_up_appears_with_its_answer_and_goes_with_another_without_javascript(browser, demo_site):
    """The conditional reveal is CSS only (collector/respondent/reveal.py): with scripts off,
    "Should the model continue?" = Yes shows "At which levels?" at once, No hides it, and the
    page is sent once (no round trip to show the follow-up)."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(demo_site.url + demo_site.invite("representative"))
        with page.expect_navigation():
            page.click("main a.button")
        follow_up = page.locator("input[name=continue_levels]").first
        assert follow_up.count() == 1 and not follow_up.is_visible()
        page.check("input[name=should_continue][value='1']")
        assert follow_up.is_visible()
        page.check("input[name=should_continue][value='2']")
        assert not follow_up.is_visible()
        page.check("input[name=should_continue][value='1']")
        fill_page_without_js(page)
        with page.expect_navigation():
            page.click("form#answers button[value=next]")
        assert "/svar/sida/2" in page.url
    finally:
        context.close()
