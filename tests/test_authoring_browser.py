"""Authoring pages in real Chromium: upload, report and preview pass axe at
360 px, and the browser's Back button after a preview returns to the checked
upload (it used to answer ERR_CACHE_MISS: the preview was a POST)."""

import dataclasses

from forms.definitions import load_builtin_instruments
from forms.xlsform import write_xlsform
from tests.fixtures.browser import PHONE
from tests.fixtures.browser import axe_violations
from tests.fixtures.browser import describe_violations


def test_upload_report_and_preview_pass_axe_on_a_phone(browser, demo_site, tmp_path):
    good = tmp_path / "variant.xlsx"
    write_xlsform(dataclasses.replace(load_builtin_instruments()["manager"], key="manager_draft"), good)
    bad = tmp_path / "bad.csv"
    bad.write_text("survey,,\n,type,name\n,decimal,x\n", encoding="utf-8")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10000)
    problems = {}
    try:
        page.goto(demo_site.url + "/staff/login")
        page.fill("input[name=username]", "demo")
        page.fill("input[name=password]", demo_site.staff_password)
        with page.expect_navigation():
            with page.expect_navigation():
                page.click("main form button[type=submit]")
        for name, path in (("report", bad), ("checked", good)):
            page.goto(demo_site.url + "/coordinator/instruments/")
            page.set_input_files("#workbook", str(path))
            with page.expect_navigation():
                with page.expect_navigation():
                    page.click("main form[enctype] button[type=submit]")
            problems[name] = axe_violations(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        assert "manager_draft" in page.content()
        checked_url = page.url
        assert "/coordinator/instruments/checked/" in checked_url
        with page.expect_navigation():
            page.click("ul.preview-pages a")
        assert page.locator(".question").count() > 0
        problems["preview"] = axe_violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "preview"
        response = page.go_back()
        assert page.url == checked_url and response is not None and response.ok
        assert "manager_draft" in page.content() and page.locator("form[action$='/publish']").count() == 1
    finally:
        context.close()
    found = {name: describe_violations(v) for name, v in problems.items() if v}
    assert not found, found
