"""Guards on the final submission that each used to be removable without a
failing test (issue 15 part 2): CSRF on ``POST /svar/skicka``, the server's
own check for unanswered required questions, one transaction per response,
and writers that wait for each other instead of failing ("database is
locked") when withdrawals and submissions run at the same time."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from flask_wtf.csrf import CSRFError

from collector.db import connect
from collector.respondent import submission
from tests.fixtures.respondent import PAGE_POSTS
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import post_page
from tests.test_submission import ANSWERS
from tests.test_submission import assert_counts_consistent


def stored(survey) -> tuple[int, int, int]:
    served = survey.served
    return (
        served.execute("select count(*) from responses").fetchone()[0],
        served.execute("select count(*) from answers").fetchone()[0],
        survey.contacts.execute("select count(*) from receipts").fetchone()[0],
    )


# --- CSRF ------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "forged.token.value"], ids=["missing", "empty", "forged"])
def test_final_submit_without_a_valid_csrf_token_stores_nothing(app, survey, token):
    client = app.test_client()
    link = survey.invite()
    assert answer_everything(client, link).status_code == 200
    data = {} if token is None else {"csrf_token": token}
    response = client.post("/svar/skicka", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar/granska")
    assert stored(survey) == (0, 0, 0)
    assert survey.invitation(link)["status"] != "answered"


def test_a_token_from_another_session_cannot_submit(app, survey):
    """A cross-site page can make a browser post, but not with the victim's token."""
    attacker, victim = app.test_client(), app.test_client()
    answer_everything(victim, survey.invite())
    attacker_review = answer_everything(attacker, survey.invite()).get_data(as_text=True)
    response = victim.post("/svar/skicka", data={"csrf_token": csrf_token(attacker_review)})
    assert response.status_code == 303
    assert stored(survey) == (0, 0, 0)


def test_every_post_endpoint_checks_the_csrf_token(app):
    """No POST view is exempt: a POST without a token is refused before the view runs."""
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        values = {name: 1 for name in rule.arguments}
        path = app.url_map.bind("localhost").build(rule.endpoint, values, method="POST")
        with app.test_request_context(path, method="POST", data={}):
            with pytest.raises(CSRFError):
                app.preprocess_request()
        checked.append(rule.endpoint)
    assert "respondent.send" in checked and "respondent.page" in checked and len(checked) >= 10


# --- required questions are checked by the server, not only the pages ------------


def test_submit_with_an_unanswered_required_question_is_sent_back_to_its_page(app, survey):
    """Answer everything, go back, clear a required answer with "save for later"
    (which skips required checks on purpose), then post the final submit
    directly: the server must refuse to store it and show the page."""
    client = app.test_client()
    link = survey.invite()
    review = answer_everything(client, link)
    assert review.status_code == 200
    first = dict(PAGE_POSTS[0])
    del first["attitude"]  # a required core question
    assert post_page(client, 1, first, action="save").status_code in (200, 303)
    token = csrf_token(client.get("/svar/sida/1").get_data(as_text=True))
    response = client.post("/svar/skicka", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/svar/sida/1")
    assert stored(survey) == (0, 0, 0)
    assert survey.invitation(link)["status"] != "answered"


# --- one transaction per response --------------------------------------------------


def test_a_failure_midway_through_storing_leaves_no_response_behind(survey):
    """A trigger makes the last insert of the response fail: nothing of it may remain."""
    served = survey.served
    served.execute(
        "create temp trigger fail_response_counts before insert on response_counts "
        "begin select raise(abort, 'injected failure'); end"
    )
    before = {table: served.execute(f"select count(*) from {table}").fetchone()[0]
              for table in ("responses", "answers", "answer_counts", "response_counts")}
    with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
        submission.store_response(
            served, process_id=survey.process_id, group_key="representative", instrument_id=survey.instrument_id,
            answers=ANSWERS, language="sv", submitted_on="2026-11-30", response_id=4242,
        )
    after = {table: served.execute(f"select count(*) from {table}").fetchone()[0] for table in before}
    assert after == before
    assert not served.conn.in_transaction
    served.execute("drop trigger fail_response_counts")
    assert submission.store_response(
        served, process_id=survey.process_id, group_key="representative", instrument_id=survey.instrument_id,
        answers=ANSWERS, language="sv", submitted_on="2026-11-30", response_id=4242,
    ) == 4242
    assert served.execute("select count(*) from answers where response_id = 4242").fetchone()[0] > 0
    assert_counts_consistent(served)


def test_a_bad_answer_row_stores_nothing_of_the_response(survey):
    """The answers insert fails on one row (the ranking of Sökande D): the response row goes too."""
    served = survey.served
    served.execute(
        "create temp trigger fail_last_answer before insert on answers when new.item = 'Sökande D' "
        "begin select raise(abort, 'injected failure'); end"
    )
    with pytest.raises(sqlite3.IntegrityError):
        submission.store_response(
            served, process_id=survey.process_id, group_key="representative", instrument_id=survey.instrument_id,
            answers=ANSWERS, language="sv", submitted_on="2026-11-30", response_id=4343,
        )
    assert served.execute("select count(*) from responses where id = 4343").fetchone()[0] == 0
    assert served.execute("select count(*) from answers where response_id = 4343").fetchone()[0] == 0
    assert_counts_consistent(served)


# --- writers wait for each other -------------------------------------------------


def test_withdrawals_and_submissions_at_the_same_time_all_succeed(survey, db_paths):
    """Four threads, each on its own connections: two submit, two withdraw.

    With a deferred ``BEGIN`` a withdrawal (which reads before it writes)
    cannot upgrade its lock while a submission commits and fails at once
    with "database is locked"; ``BEGIN IMMEDIATE`` makes it wait its turn.
    """
    served_path, contacts_path = db_paths
    rounds = 25
    receipts = []
    for _ in range(2 * rounds):
        invitation = survey.invitation(survey.invite())
        receipts.append(submission.submit(survey.served, survey.contacts, invitation["id"], ANSWERS, "sv"))
    new_invitations = [survey.invitation(survey.invite())["id"] for _ in range(2 * rounds)]
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def run(work):
        served, contacts = connect(served_path), connect(contacts_path)
        try:
            barrier.wait()
            for item in work:
                work_item(served, contacts, item)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            served.conn.close()
            contacts.conn.close()

    def work_item(served, contacts, item):
        kind, value = item
        if kind == "withdraw":
            assert submission.withdraw(served, contacts, value)
        else:
            assert submission.submit(served, contacts, value, ANSWERS, "sv")

    plans = [
        [("withdraw", code) for code in receipts[:rounds]],
        [("withdraw", code) for code in receipts[rounds:]],
        [("submit", invitation_id) for invitation_id in new_invitations[:rounds]],
        [("submit", invitation_id) for invitation_id in new_invitations[rounds:]],
    ]
    threads = [threading.Thread(target=run, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, f"{len(errors)} writer(s) failed, first: {errors[0]!r}"
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 2 * rounds
    assert survey.contacts.execute("select count(*) from receipts where withdrawn_on is not null").fetchone()[0] == 2 * rounds
    assert_counts_consistent(survey.served)
