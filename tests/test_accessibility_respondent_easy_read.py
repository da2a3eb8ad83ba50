"""axe-core (WCAG 2.0/2.1 A and AA) on every page of the easy-to-read
questionnaires (lättläst, issue 16 part 5), in Swedish and English on a
360 px phone, in Chromium against the demo case served by gunicorn with the
production configuration: the start page, every questionnaire page, the
review and the thanks.

Split from tests/test_accessibility_respondent.py (which walks every other
respondent state) so the two chains of Chromium work can run on different
xdist workers; the walk's helpers are shared from there.
"""

from __future__ import annotations

import pytest

from tests.fixtures.browser import PHONE
from tests.test_accessibility_respondent import Visit
from tests.test_accessibility_respondent import answer_visible_questions
from tests.test_accessibility_respondent import click_next


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("group_key, title_sv", [
    ("representative", "Du var med och valde en ny anställd"),
    ("hired_followup", "Ett halvår i ditt nya jobb"),
])
def test_every_page_of_the_easy_to_read_questionnaires_passes_axe(browser, demo_site, language, group_key, title_sv):
    """A participant given the easy-to-read questionnaire: its start page, every page, the review and the thanks."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    visit = Visit(page, language, f"easy to read, {group_key}, {language}, 360 px", screenshots=False)
    try:
        page.goto(f"{demo_site.url}{demo_site.invite(group_key, easy_read=True, language=language)}?lang={language}")
        if language == "sv":
            assert title_sv in page.inner_text("main"), "the link opens the easy-to-read questionnaire"
        visit.check("easy-to-read start page")
        with page.expect_navigation():
            page.click("main a.button")
        for number in range(1, 21):
            if page.locator("form#answers").count() == 0:
                break
            visit.check(f"easy-to-read page {number}")
            answer_visible_questions(page)
            click_next(page)
        visit.check("easy-to-read review page")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        visit.check("easy-to-read thank-you page")
    finally:
        context.close()
    assert len([state for state in visit.checked if state.startswith("easy-to-read page")]) >= 4, visit.checked
