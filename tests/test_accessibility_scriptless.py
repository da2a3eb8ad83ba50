"""The axe helper works on pages opened without JavaScript (axe itself needs
scripts, so the helper checks a scripted twin of the same HTML) and still
finds real problems there."""

from tests.fixtures.browser import axe_violations


def test_axe_checks_pages_opened_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(demo_site.url + "/")
        assert axe_violations(page) == []
        page.set_content('<html lang="sv"><title>t</title><main><input type="text"></main></html>')
        assert "label" in [violation["id"] for violation in axe_violations(page)]
    finally:
        context.close()
