"""Issue 10 part 7: no input a user can type gets a 500.

Each case is one found by trying (huge numbers, malformed addresses, CR/LF,
an XLSForm version of 10^30, NUL bytes), then every staff route with an id
is fuzzed with the same values. A failure names the route and the answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re

import pytest

import tests.fixtures.respondent as flow
from forms.model import Instrument
from tests.fixtures.coordinator import csrf_from
from tests.fixtures.datasette import actor_cookie
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import send

HUGE_IDS = ["99999999999999999999", "9223372036854775808", "9223372036854775807", "0", "00000000000000000000001"]
HUGE_NUMBERS = ["99999999999999999999999", "-99999999999999999999999", "1" * 400, "1000000000"]


def test_every_staff_route_with_an_id_answers_4xx_to_huge_ids(app, admin_client, make_process):
    make_process()
    from werkzeug.routing import IntegerConverter

    routes = [rule for rule in app.url_map.iter_rules() if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]
    assert len(routes) > 10
    failures = []
    for rule in routes:
        for value in HUGE_IDS:
            url = re.sub(r"<int:[a-z_]+>", value, rule.rule)
            url = re.sub(r"<[^>]+>", "x", url)
            for method in sorted(rule.methods & {"GET", "POST"}):
                response = admin_client.open(url, method=method, data={"csrf_token": "x"})
                if response.status_code >= 500:
                    failures.append((method, url, response.status_code))
    assert failures == []


def test_a_huge_process_id_is_a_swedish_404_page(admin_client):
    response = admin_client.get("/coordinator/processes/99999999999999999999")
    assert response.status_code == 404
    assert 'lang="sv"' in response.get_data(as_text=True)


@pytest.fixture
def unbounded_survey(survey, registry):
    """The survey's instrument with ``meetings`` having no maximum, as XLSForm allows."""
    questions_page = survey.instrument.pages[0]
    meetings = dataclasses.replace(questions_page.question("meetings") if hasattr(questions_page, "question") else next(
        q for q in questions_page.questions if q.key == "meetings"), maximum=None, minimum=None)
    page = dataclasses.replace(questions_page, questions=tuple(meetings if q.key == "meetings" else q for q in questions_page.questions))
    instrument: Instrument = dataclasses.replace(survey.instrument, version=2, pages=(page, *survey.instrument.pages[1:]))
    survey.instrument_id = registry.register_instrument(survey.served, instrument)
    survey.instrument = instrument
    return survey


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_a_huge_whole_number_answer_is_a_message_and_nothing_typed_is_lost(app, unbounded_survey, monkeypatch, number):
    client = app.test_client()
    assert client.get(f"/s/{unbounded_survey.invite()}").status_code == 303
    page = client.get("/svar/sida/1").get_data(as_text=True)
    data = dict(flow.PAGE_POSTS[0], meetings=number, csrf_token=csrf_token(page), action="next")
    response = client.post("/svar/sida/1", data=data)
    assert response.status_code in (200, 400, 422), response.status_code
    html = response.get_data(as_text=True)
    assert "error-summary" in html or "Skriv" in html
    assert number[:20] in html  # what was typed is shown again


def test_a_huge_number_that_reached_the_draft_cannot_break_submission(app, unbounded_survey, monkeypatch):
    """Even a value past the page check (an old draft) must not raise at submit."""
    from forms.validators import WholeNumberInRange

    monkeypatch.setattr(WholeNumberInRange, "__call__", lambda self, form, field: None)  # the old, unchecked page
    client = app.test_client()
    pages = [dict(p) for p in flow.PAGE_POSTS]
    pages[0]["meetings"] = "99999999999999999999999"
    monkeypatch.setattr(flow, "PAGE_POSTS", pages)
    answer_everything(client, unbounded_survey.invite())
    monkeypatch.undo()
    response = send(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar/sida/1")
    page = client.get("/svar/sida/1")
    assert page.status_code < 500
    assert unbounded_survey.served.execute("select count(*) from responses").fetchone()[0] == 0


def test_crlf_in_next_is_not_a_500(client):
    for value in ("/%0D%0ASet-Cookie:%20x=1", "%0D%0A", "/coordinator/%0A"):
        response = client.get(f"/staff/login?next={value}")
        assert response.status_code == 200
        assert "\n" not in response.headers.get("Location", "")


def test_xlsform_with_a_version_of_ten_to_the_thirty_is_a_swedish_error(coordinator_client, served_db):
    from forms.definitions import load_builtin_instruments
    from forms.xlsform import write_xlsform

    out = io.BytesIO()
    write_xlsform(dataclasses.replace(load_builtin_instruments()["union"], key="union_big", version=10**30), out)
    token = csrf_from(coordinator_client, "/coordinator/instruments/")
    response = coordinator_client.post(
        "/coordinator/instruments/",
        data={"csrf_token": token, "workbook": (io.BytesIO(out.getvalue()), "big.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    page = response.get_data(as_text=True)
    assert "error-summary" in page
    assert "måste vara ett heltal från 1 till 999999999" in page
    assert served_db.execute("select count(*) from instruments where key = 'union_big'").fetchone()[0] == 0


def test_nul_bytes_never_reach_names_emails_or_free_text(app, coordinator_client, make_process, contacts_db, survey):
    process_id = make_process()
    url = f"/coordinator/processes/{process_id}/participants"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(
        url, data={"csrf_token": token, "name": "Å\x00sa", "email": "asa\x00@example.se", "group_key": "representative", "language": "sv"}
    )
    assert response.status_code < 500
    stored = contacts_db.execute("select name, email from participants").fetchall()
    assert all("\x00" not in value for row in stored for value in row)

    client = app.test_client()
    pages = [dict(p) for p in flow.PAGE_POSTS]
    pages[2]["comments"] = "Bra\x00 möte"
    import tests.fixtures.respondent as module

    original, module.PAGE_POSTS = module.PAGE_POSTS, pages
    try:
        answer_everything(client, survey.invite())
    finally:
        module.PAGE_POSTS = original
    assert send(client).status_code == 303
    texts = [
        r[0]
        for r in survey.served.execute(
            "select value_text from answers where value_text is not null union all select value_text from free_text_waiting"
        )
    ]
    assert texts and all("\x00" not in text for text in texts)


DATASETTE_PATHS = [
    "/-/medverkan/process/99999999999999999999",
    "/-/medverkan/process/9223372036854775808",
    "/-/medverkan/export/99999999999999999999/data.csv",
    "/-/medverkan/attitudes?process=99999999999999999999",
    "/-/medverkan/attitudes?process=-9999999999999999999",
    "/medverkan/answers/1",
    "/medverkan/answers/1,2",
    "/medverkan/answer_counts/1",
    "/medverkan/responses/99999999999999999999",
    "/medverkan/answers?response_id=99999999999999999999",
]


def test_datasette_answers_4xx_in_swedish_to_malformed_addresses(ds):
    async def probe():
        cookies = actor_cookie(ds, "eva", "evaluator")
        return [(path, await ds.client.get(path, cookies=cookies)) for path in DATASETTE_PATHS]

    failures = [(path, r.status_code) for path, r in asyncio.run(probe()) if r.status_code >= 500]
    assert failures == []
    answers = asyncio.run(ds.client.get("/medverkan/answers/1", cookies=actor_cookie(ds, "eva", "evaluator")))
    assert answers.status_code == 404 and "Det finns ingen sådan rad" in answers.text
