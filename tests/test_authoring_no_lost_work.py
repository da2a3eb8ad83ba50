"""Authoring that does not lose work (issue 16 part 3), through the Flask test
client: the checked upload lives server-side behind GET pages (Back works),
a changed file under an answered version is refused at the check in the
author's language, the change list reads as sentences, .xls files and a
chosen respondent group, and XLSForm downloads.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from collector.instruments.registry import register_instrument
from forms.definitions import load_builtin_instruments
from forms.model import Page
from forms.xlsform import read_xlsform
from tests.fixtures.coordinator import sign_in
from tests.test_authoring import checked_page
from tests.test_authoring import publish
from tests.test_authoring import upload
from tests.test_authoring import xlsx

DATA = Path(__file__).parent / "data" / "xlsforms"


def reworded(instrument, key: str, sv: str, version: int):
    pages = tuple(
        Page(p.key, p.title, tuple(dataclasses.replace(q, text={**q.text, "sv": sv}) if q.key == key else q for q in p.questions), p.intro)
        for p in instrument.pages
    )
    return dataclasses.replace(instrument, version=version, pages=pages)


def test_preview_is_a_get_page_so_back_returns_to_it_without_uploading_again(coordinator_client, served_db):
    draft = dataclasses.replace(load_builtin_instruments()["manager"], key="manager_draft")
    url, page = checked_page(coordinator_client, xlsx(draft), "manager_draft.xlsx")
    preview = coordinator_client.get(f"{url}/page/1/sv")
    assert preview.status_code == 200 and f'href="{url}"' in preview.get_data(as_text=True)
    # "Back": the browser simply GETs the checked page again; it is all still there.
    again = coordinator_client.get(url)
    without_token = lambda html: re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", html)  # noqa: E731
    assert again.status_code == 200 and without_token(again.get_data(as_text=True)) == without_token(page)
    # Preview pages are links, not form buttons (they used to be white-on-white buttons posting the file).
    assert 'name="page_language"' not in page and "link-button" not in page
    assert served_db.execute("select count(*) from instruments where key = 'manager_draft'").fetchone()[0] == 0


def test_a_checked_upload_belongs_to_the_account_that_uploaded_it(app, coordinator_client, make_user):
    url, _page = checked_page(coordinator_client, xlsx(dataclasses.replace(load_builtin_instruments()["union"], key="union_x")), "u.xlsx")
    make_user("other", "evaluator", None)
    other = app.test_client()
    sign_in(other, "other")
    assert other.get(url).status_code == 404
    assert other.get(url + "/page/1/sv").status_code == 404


def test_changed_file_with_an_answered_version_is_refused_at_the_check_in_swedish(coordinator_client, served_db):
    published = load_builtin_instruments()["representative"]
    instrument_id = register_instrument(served_db, published)
    served_db.execute("update instruments set frozen_on = '2026-01-01' where id = ?", [instrument_id])
    key = published.questions[1].key
    changed = reworded(published, key, "En helt ny lydelse", published.version)
    response = upload(coordinator_client, xlsx(changed), "rep.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" in page
    assert f"Version {published.version} av representative är redan publicerad och har besvarats" in page
    assert f"ge filen version {published.version + 1}" in page
    assert "Instrument " not in page and "cannot change" not in page  # no developer message


def test_an_identical_file_says_there_is_nothing_to_publish(coordinator_client, served_db):
    published = load_builtin_instruments()["union"]
    register_instrument(served_db, published)
    _url, page = checked_page(coordinator_client, xlsx(published), "union.xlsx")
    assert "det finns inget nytt att publicera" in page and "/publish" not in page


def test_an_older_version_is_refused_at_the_check(coordinator_client, served_db):
    published = load_builtin_instruments()["union"]
    register_instrument(served_db, dataclasses.replace(published, version=3))
    page = upload(coordinator_client, xlsx(dataclasses.replace(published, version=2)), "union.xlsx").get_data(as_text=True)
    assert "Version 2 är äldre än den publicerade versionen 3 av union. Ge filen version 4" in page


def test_change_list_is_plain_language(coordinator_client, served_db):
    old = load_builtin_instruments()["representative"]
    register_instrument(served_db, old)
    core = next(q for q in old.questions if q.core)
    _url, page = checked_page(coordinator_client, xlsx(reworded(old, core.key, "Ny lydelse", old.version + 1)), "rep.xlsx")
    changes = page.split('<ul class="change-list">')[1].split("</ul>")[0]
    assert f"Ny formulering: ”{core.text['sv']}” lyder nu ”Ny lydelse”." in changes
    assert "Det är en kärnfråga, som jämförs mellan förvaltningar." in changes
    assert "~" not in changes and "[core]" not in changes and "reworded" not in changes


def test_xls_file_with_the_group_chosen_on_the_page(coordinator_client, served_db):
    data = (DATA / "yes_or_no_question.xls").read_bytes()
    refused = upload(coordinator_client, data, "yes_or_no_question.xls").get_data(as_text=True)
    assert "error-summary" in refused and "medverkan_group" in refused
    url, page = checked_page(coordinator_client, data, "yes_or_no_question.xls", group="manager")
    assert "Svarsgrupp: Chef eller tjänsteperson" in page
    assert publish(coordinator_client, url, page).status_code == 303
    assert served_db.execute("select group_key from instruments where key = 'yes_or_no_question'").fetchone() == ("manager",)


def test_template_and_published_versions_download_as_xlsforms_that_import(coordinator_client, served_db):
    template = coordinator_client.get("/coordinator/instruments/template.xlsx")
    assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]
    assert "enkatmall.xlsx" in template.headers["Content-Disposition"]
    assert read_xlsform(template.data, filename="t.xlsx").pages
    published = load_builtin_instruments()["manager"]
    instrument_id = register_instrument(served_db, published)
    listing = coordinator_client.get("/coordinator/instruments/").get_data(as_text=True)
    assert f'href="/coordinator/instruments/{instrument_id}/xlsform.xlsx"' in listing
    download = coordinator_client.get(f"/coordinator/instruments/{instrument_id}/xlsform.xlsx")
    assert download.status_code == 200 and f"manager-v{published.version}.xlsx" in download.headers["Content-Disposition"]
    assert dataclasses.replace(read_xlsform(download.data, filename="m.xlsx"), source=None) == dataclasses.replace(published, source=None)
    assert coordinator_client.get("/coordinator/instruments/999999/xlsform.xlsx").status_code == 404
    assert coordinator_client.get("/coordinator/instruments/99999999999999999999999/xlsform.xlsx").status_code == 404
