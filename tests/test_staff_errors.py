"""Staff form errors work like the respondent's (issue 11 part 7): the error
summary names each field, links to it and takes focus on load without a
script (one macro, ``macros/fields.html`` ``error_summary``, for the whole
collector)."""

import re

from tests.fixtures.coordinator import csrf_from


def _summary(page: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def _links(summary: str) -> list[tuple[str, str]]:
    return [(href, " ".join(text.split())) for href, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary, re.S)]


def test_two_required_fields_are_named_and_linked_in_page_order(coordinator_client):
    token = csrf_from(coordinator_client, "/coordinator/processes/new")
    response = coordinator_client.post(
        "/coordinator/processes/new",
        data={"csrf_token": token, "department": "socialforvaltningen", "post_level": "manager", "instrument_set": "default"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    summary = _summary(page)
    assert _links(summary) == [
        ("post_title", "Tjänst: Det här fältet är obligatoriskt."),
        ("code", "Referenskod: Det här fältet är obligatoriskt."),
    ]
    # Focus moves to the summary on load, with no script (CSP): autofocus on a focusable box.
    opening = summary.split(">", 1)[0]
    assert 'tabindex="-1"' in opening and "autofocus" in opening and 'role="alert"' in opening
    for anchor, _text in _links(summary):
        assert f'id="{anchor}"' in page


def test_row_forms_name_the_row_and_the_field(coordinator_client, make_process):
    process_id = make_process()
    url = f"/coordinator/processes/{process_id}/stages"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(url, data={
        "csrf_token": token,
        "stages-0-label_sv": "Intervju", "stages-0-starts_on": "2017-03-10", "stages-0-ends_on": "2017-03-01",
    })
    assert response.status_code == 400
    assert _links(_summary(response.get_data(as_text=True))) == [
        ("stages-0-ends_on", "Rad 1, Till: Slutdatum kan inte vara före startdatum."),
    ]


def test_sign_in_and_authoring_use_the_same_summary(client, coordinator_client):
    token = csrf_from(client, "/staff/login")
    page = client.post("/staff/login", data={"csrf_token": token, "username": "", "password": ""}).get_data(as_text=True)
    assert "autofocus" in _summary(page).split(">", 1)[0]
    assert _links(_summary(page)) == [("username", "Skriv ditt användarnamn och lösenord.")]

    from tests.test_authoring import upload
    page = upload(coordinator_client, b"survey,,\n,type,name\n,decimal,x\n", "broken.csv").get_data(as_text=True)
    summary = _summary(page)
    assert "autofocus" in summary.split(">", 1)[0] and "Filen publicerades inte" in summary
    assert all(anchor == "workbook" for anchor, _text in _links(summary)) and 'id="workbook"' in page
