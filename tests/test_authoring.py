"""Coordinator authoring pages through the Flask test client: upload, report, preview, publish."""

import dataclasses
import io
import re

from collector.instruments.registry import register_instrument
from forms.definitions import load_builtin_instruments
from forms.model import Page
from forms.xlsform import write_xlsform
from tests.fixtures.coordinator import csrf_from


def xlsx(instrument) -> bytes:
    out = io.BytesIO()
    write_xlsform(instrument, out)
    return out.getvalue()


def upload(client, data: bytes, name: str, group: str = ""):
    token = csrf_from(client, "/coordinator/instruments/")
    return client.post(
        "/coordinator/instruments/",
        data={"csrf_token": token, "workbook": (io.BytesIO(data), name), "group": group},
        content_type="multipart/form-data",
    )


def checked_page(client, data: bytes, name: str, group: str = "") -> tuple[str, str]:
    """Upload a good file; return (checked page URL, its HTML) after the redirect."""
    response = upload(client, data, name, group)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    url = response.headers["Location"]
    assert re.search(r"/coordinator/instruments/checked/[\w-]{20,}$", url), url
    page = client.get(url)
    assert page.status_code == 200
    return url, page.get_data(as_text=True)


def hidden(page: str, name: str) -> str:
    return page.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]


def publish(client, url: str, page: str, **choices):
    return client.post(url + "/publish", data={"csrf_token": hidden(page, "csrf_token"), **choices})


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/coordinator/instruments/").status_code in (302, 303)


def test_upload_preview_and_publish_a_department_variant(coordinator_client, served_db):
    variant = dataclasses.replace(load_builtin_instruments()["union"], key="union_am", department="arbetsmarknad")
    url, page = checked_page(coordinator_client, xlsx(variant), "union_am.xlsx")
    assert "union_am" in page and variant.questions[0].text["sv"] in page and variant.questions[0].text["en"] in page
    response = publish(coordinator_client, url, page)
    assert response.status_code == 303 and response.headers["Location"].endswith("/coordinator/instruments/")
    assert served_db.execute("select department from instruments where key = 'union_am'").fetchone() == ("arbetsmarknad",)


def test_broken_file_shows_rows_in_swedish_page_and_nothing_is_published(coordinator_client, served_db):
    response = upload(coordinator_client, b"survey,,\n,type,name\n,decimal,x\n", "broken.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "error-summary" in page
    assert "survey, rad 2: typen &#39;decimal&#39;: Medverkan sparar bara heltal: använd integer" in page
    assert served_db.execute("select count(*) from instruments where key = 'x'").fetchone()[0] == 0
    # The same report in English for a coordinator who switched language.
    coordinator_client.get("/coordinator/instruments/?lang=en")
    page = upload(coordinator_client, b"survey,,\n,type,name\n,decimal,x\n", "broken.csv").get_data(as_text=True)
    assert "survey, row 2: type &#39;decimal&#39;: Medverkan stores whole numbers only: use integer" in page


def test_every_xlsform_problem_has_a_swedish_translation():
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    import forms.xlsform
    from forms.xlsform import UNSUPPORTED_COLUMNS
    from forms.xlsform import UNSUPPORTED_TYPES

    package = Path(forms.xlsform.__file__).parent
    source = "".join(module.read_text(encoding="utf-8") for module in sorted(package.glob("*.py")))
    templates = set(re.findall(r'(?:fail\([^,]+, [^,]+, |Problem\("file", None, )"((?:[^"\\]|\\.)*)"', source))
    templates |= set(UNSUPPORTED_TYPES.values()) | set(UNSUPPORTED_COLUMNS.values()) | {"%(sheet)s, row %(row)s", "%(where)s: %(message)s"}
    assert len(templates) > 30, "the pattern no longer finds the problem templates"
    po = Path(__file__).parents[1] / "collector" / "translations" / "sv" / "LC_MESSAGES" / "authoring.po"
    with po.open(encoding="utf-8") as handle:
        catalog = read_po(handle)
    missing = sorted(t for t in templates if not (catalog.get(t) and catalog.get(t).string))
    assert not missing, missing


def test_wrong_file_type_and_unknown_upload_ids_are_refused(coordinator_client):
    page = upload(coordinator_client, b"%PDF", "form.pdf").get_data(as_text=True)
    assert "error-summary" in page
    token = csrf_from(coordinator_client, "/coordinator/instruments/")
    response = coordinator_client.post("/coordinator/instruments/checked/forged-id/publish", data={"csrf_token": token})
    assert response.status_code == 404


def test_reworded_core_item_asks_keep_or_break(coordinator_client, served_db):
    old = load_builtin_instruments()["representative"]
    register_instrument(served_db, old)
    key = next(q.key for q in old.questions if q.core)
    pages = tuple(
        Page(
            p.key,
            p.title,
            tuple(dataclasses.replace(q, text={**q.text, "sv": "Ny lydelse"}) if q.key == key else q for q in p.questions),
            p.intro,
        )
        for p in old.pages
    )
    new = dataclasses.replace(old, version=old.version + 1, pages=pages)
    url, page = checked_page(coordinator_client, xlsx(new), "rep.xlsx")
    assert f'name="core-{key}"' in page and "<fieldset>" in page
    # Without the choice: back to the same checked page (no new upload needed), with the message.
    missing = publish(coordinator_client, url, page)
    assert missing.status_code == 303 and missing.headers["Location"] == url
    assert "Välj för varje omformulerad kärnfråga" in coordinator_client.get(url).get_data(as_text=True)
    assert served_db.execute("select count(*) from instruments where key = ? and version = ?", [old.key, new.version]).fetchone()[0] == 0
    publish(coordinator_client, url, page, **{f"core-{key}": "keep"})
    row = served_db.execute("select definition_json from instruments where key = ? and version = ?", [old.key, new.version]).fetchone()
    assert row and f'"{key}"' in row[0]


def test_page_is_swedish_first(coordinator_client):
    page = coordinator_client.get("/coordinator/instruments/").get_data(as_text=True)
    assert "Kontrollera filen" in page and "Publicerade enkäter" in page


def test_preview_renders_each_page_with_the_respondent_field_macros(coordinator_client, served_db):
    instrument = dataclasses.replace(load_builtin_instruments()["representative"], key="rep_draft")
    url, page = checked_page(coordinator_client, xlsx(instrument), "rep.xlsx")
    for number, source_page in enumerate(instrument.pages, start=1):
        for language in ("sv", "en"):
            link = f"{url}/page/{number}/{language}"
            assert f'href="{link}"' in page
            shown = coordinator_client.get(link)
            assert shown.status_code == 200
            html = shown.get_data(as_text=True)
            assert source_page.title[language] in html
            first = source_page.questions[0]
            assert f'id="question-{first.key}"' in html
    assert coordinator_client.get(f"{url}/page/99/sv").status_code == 404
    assert coordinator_client.get(f"{url}/page/1/fi").status_code == 404
    assert served_db.execute("select count(*) from instruments where key = 'rep_draft'").fetchone()[0] == 0
