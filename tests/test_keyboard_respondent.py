"""A whole questionnaire completed with the keyboard only (Tab, Space, arrow
keys, typing, Enter), in Chromium against the demo case behind gunicorn.

After a failed submit, focus must land on the error summary, and its links
must move focus to the field in question.
"""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

FOCUSED = """() => {
    const el = document.activeElement;
    return {
        tag: el.tagName.toLowerCase(), type: (el.type || '').toLowerCase(), name: el.name || '',
        value: el.value || '', id: el.id || '', cls: el.className || '', checked: !!el.checked,
        action: el.getAttribute('value') || '', inForm: !!el.closest('form#answers, main form'),
    };
}"""


def tab_to(page, predicate, limit=200):
    """Press Tab until ``predicate(focused)`` holds; return the focused element's description."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if predicate(focused):
            return focused
    raise AssertionError("Tab never reached the expected element")


def answer_page_by_keyboard(page, press_next: bool = True) -> None:
    """Tab through the form once, answering each group and field, then press Enter on Next.

    With ``press_next=False`` it stops on reaching Next, without pressing it.
    """
    answered = set()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.focus("main")
    for _ in range(300):
        page.keyboard.press("Tab")
        el = page.evaluate(FOCUSED)
        if el["tag"] == "button" and el["action"] == "next":
            if not press_next:
                return
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        if not el["inForm"] or el["name"] in answered:
            continue
        if el["type"] == "radio":
            # One tab stop per group; arrow keys move and select, Space selects.
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowUp")
            page.keyboard.press("Space")
            answered.add(el["name"])
        elif el["type"] == "checkbox":
            page.keyboard.press("Space")
            answered.add(el["name"])
        elif el["tag"] == "textarea" or (el["tag"] == "input" and el["type"] == "text"):
            is_number = "number" in el["cls"] or page.evaluate("document.activeElement.inputMode") == "numeric"
            page.keyboard.type("2" if is_number else "Skrivet med tangentbordet")
            answered.add(el["name"])
    raise AssertionError("never reached the Next button")


def test_complete_questionnaire_with_keyboard_only(browser, demo_site):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    try:
        page.goto(demo_site.url + demo_site.invite("representative"))
        # Start: Tab to the start button, Enter.
        tab_to(page, lambda el: el["tag"] == "a" and "button" in el["cls"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/svar/sida/1" in page.url

        # Failed submit: Tab straight to Next and press Enter.
        tab_to(page, lambda el: el["tag"] == "button" and el["action"] == "next")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # ``autofocus`` is applied by the browser once the page is ready, which
        # can be just after the load event: wait for it (no script involved).
        try:
            page.wait_for_function("document.activeElement && document.activeElement.classList.contains('error-summary')", timeout=5000)
        except PlaywrightTimeout:
            pass  # the assertion below says where focus is instead
        focused = page.evaluate(FOCUSED)
        assert "error-summary" in focused["cls"], f"focus after a failed submit is on {focused}"
        # The summary's first link takes focus to the field it names.
        page.keyboard.press("Tab")
        link = page.evaluate("document.activeElement.getAttribute('href')")
        assert link and link.startswith("#"), link
        page.keyboard.press("Enter")
        try:
            page.wait_for_function("document.activeElement && document.activeElement.id !== ''", timeout=5000)
        except PlaywrightTimeout:
            pass  # the assertion below says where focus is instead
        target = page.evaluate("document.activeElement.id")
        assert target and link[1:].startswith(target.split("-")[0]), (link, target)

        for _ in range(20):
            if page.locator("form#answers").count() == 0:
                break
            before = page.url
            answer_page_by_keyboard(page)
            assert page.locator(".error-summary").count() == 0 or page.url != before, (
                f"keyboard answers were refused on {before}: " + page.inner_text(".error-summary")
            )
        assert page.locator("form#answers").count() == 0, "still on a questions page"
        # Review page: Tab to the send button, Enter.
        tab_to(page, lambda el: el["tag"] == "button" and el["inForm"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        text = page.inner_text("main")
        assert re.search(r"[A-HJ-NP-Z2-9]{4}(?:-[A-HJ-NP-Z2-9]{4}){3}", text), text[:500]
    finally:
        context.close()


def test_enter_on_a_radio_button_moves_on_to_the_next_page(browser, demo_site):
    """Enter in a radio group submits with the form's default button: Next.

    It used to be the language switch (the form's first submit button), so
    Enter turned the questionnaire into English and stayed on the page.
    """
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    try:
        page.goto(demo_site.url + demo_site.invite("representative"))
        tab_to(page, lambda el: el["tag"] == "a" and "button" in el["cls"])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/svar/sida/1")
        for _ in range(5):  # an answer may bring a follow-up question onto the same page
            answer_page_by_keyboard(page, press_next=False)
            page.focus("main")
            radio = tab_to(page, lambda el: el["type"] == "radio" and el["inForm"])
            assert radio["checked"], radio
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.evaluate("document.documentElement.lang") == "sv", "Enter switched the language"
            assert page.locator(".error-summary").count() == 0, page.inner_text(".error-summary")
            if not page.url.endswith("/svar/sida/1"):
                break
        assert page.url.endswith("/svar/sida/2"), page.url
    finally:
        context.close()
