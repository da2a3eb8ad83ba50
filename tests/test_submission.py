"""collector.respondent.submission: one response per invitation, exact counts, no identifiers."""

from __future__ import annotations

import random
import threading

import pytest

from collector import create_app
from collector.db import connect
from collector.respondent import submission
from collector.tokens import hash_secret
from tests.fixtures.respondent import GROUP
from tests.fixtures.respondent import answer_everything
from tests.fixtures.respondent import csrf_token
from tests.fixtures.respondent import receipt_from

ANSWERS = {
    "attitude": 4,
    "had_intro": 1,
    "meetings": 2,
    "role": 2,
    "intro_useful": 9,
    "levels": [1, 3],
    "wants_more": 1,
    "wants_more_what": "Mer om beslutet",
    "screening": {"Sökande A": 1, "Sökande B": 3},
    "ranking": {"Sökande B": 2, "Sökande C": 1, "Sökande D": 3},
}


def invitation_id(survey, token):
    return survey.invitation(token)["id"]


def counts(db, sql):
    return sorted(tuple(row) for row in db.execute(sql).fetchall())


def assert_counts_consistent(served):
    assert counts(served, "select process_id, group_key, question_id, item, value_int, n from answer_counts") == counts(
        served,
        "select process_id, group_key, question_id, item, value_int, count(*) from answers "
        "where value_int is not null group by 1, 2, 3, 4, 5",
    )
    assert counts(served, "select process_id, group_key, n from response_counts") == counts(
        served, "select process_id, group_key, count(*) from responses group by 1, 2"
    )
    assert_summaries_consistent(served)


def assert_summaries_consistent(served):
    """The over-all-processes summaries of core questions equal GROUP BYs over the raw answers."""
    core = "question_id in (select id from questions where core = 1)"
    assert counts(served, "select question_id, group_key, item, value_int, n from core_answer_totals") == counts(
        served,
        "select question_id, group_key, item, value_int, count(*) from answers "
        f"where value_int is not null and {core} group by 1, 2, 3, 4",
    )
    assert counts(served, "select process_id, group_key, question_id, item, n from core_answer_cells") == counts(
        served,
        "select process_id, group_key, question_id, item, count(*) from answers "
        f"where value_int is not null and {core} group by 1, 2, 3, 4",
    )


def test_double_submit_in_one_browser_gives_one_response(app, survey):
    client = app.test_client()
    review = answer_everything(client, survey.invite())
    token = csrf_token(review.get_data(as_text=True))
    first = client.post("/svar/skicka", data={"csrf_token": token})
    second = client.post("/svar/skicka", data={"csrf_token": token})
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("/svar/tack")
    thanks = client.get("/svar/tack")
    assert thanks.status_code == 200 and receipt_from(thanks.get_data(as_text=True))
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 1
    assert survey.contacts.execute("select count(*) from receipts").fetchone()[0] == 1


def test_two_tabs_give_one_response(app, survey):
    link = survey.invite()
    one, two = app.test_client(), app.test_client()
    review_one = answer_everything(one, link)
    review_two = answer_everything(two, link)
    assert one.post("/svar/skicka", data={"csrf_token": csrf_token(review_one.get_data(as_text=True))}).status_code == 303
    late = two.post("/svar/skicka", data={"csrf_token": csrf_token(review_two.get_data(as_text=True))})
    assert late.status_code == 303
    page = two.get(late.headers["Location"])
    assert page.status_code == 200 and "Du har redan svarat" in page.get_data(as_text=True)
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 1


def test_concurrent_submits_of_one_invitation(db_paths, survey):
    token = survey.invite()
    target = invitation_id(survey, token)
    codes, errors = [], []
    barrier = threading.Barrier(6)

    def attempt():
        served, contacts = connect(db_paths[0]), connect(db_paths[1])
        try:
            barrier.wait()
            codes.append(submission.submit(served, contacts, target, ANSWERS, "sv", instrument_id=survey.instrument_id))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            served.conn.close()
            contacts.conn.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len([code for code in codes if code]) == 1
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 1
    assert survey.contacts.execute("select count(*) from receipts").fetchone()[0] == 1
    assert_counts_consistent(survey.served)


def test_interrupted_submission_is_finished_by_the_same_link(app, survey):
    link = survey.invite()
    client = app.test_client()
    answer_everything(client, link)
    target = invitation_id(survey, link)
    # Claimed in step 1 (by a release that reserved no receipt code), then the server died.
    survey.contacts.execute("update invitations set status = 'submitting' where id = ?", [target])
    survey.contacts.execute("delete from pending_submissions where invitation_id = ?", [target])
    survey.contacts.execute("insert into pending_submissions (invitation_id, response_id) values (?, 424242)", [target])
    later = app.test_client()
    assert later.get(f"/s/{link}").status_code == 303
    finished = later.get("/svar")
    assert finished.status_code == 303 and finished.headers["Location"].endswith("/svar/tack")
    code = receipt_from(later.get("/svar/tack").get_data(as_text=True))
    assert [row[0] for row in survey.served.execute("select id from responses")] == [424242]
    assert survey.invitation(link)["status"] == "answered"
    assert survey.contacts.execute("select count(*) from pending_submissions").fetchone()[0] == 0
    assert submission.receipt_state(survey.contacts, code) == "active"


def test_saving_a_draft_reserves_the_response_id_and_receipt_code(app, survey):
    link = survey.invite()
    client = app.test_client()
    review = answer_everything(client, link)
    target = invitation_id(survey, link)
    response_id, reserved_code = survey.contacts.execute(
        "select response_id, receipt_code from pending_submissions where invitation_id = ?", [target]
    ).fetchone()
    assert survey.served.execute("select count(*) from responses where id = ?", [response_id]).fetchone()[0] == 0
    client.post("/svar/skicka", data={"csrf_token": csrf_token(review.get_data(as_text=True))})
    code = receipt_from(client.get("/svar/tack").get_data(as_text=True))
    assert code == reserved_code
    assert [row[0] for row in survey.served.execute("select id from responses")] == [response_id]
    assert survey.contacts.execute("select count(*) from pending_submissions").fetchone()[0] == 0


def _crash_after_storing(monkeypatch):
    """Make step 3 die as a power cut would take its un-synced commit."""

    def lost(*args, **kwargs):
        raise RuntimeError("power cut before the last step reached the disk")

    monkeypatch.setattr(submission, "_finish", lost)


def test_stored_response_whose_last_step_was_lost_is_finished_with_the_same_code(app, survey, monkeypatch):
    link = survey.invite()
    client = app.test_client()
    review = answer_everything(client, link)
    target = invitation_id(survey, link)
    reserved_code = survey.contacts.execute(
        "select receipt_code from pending_submissions where invitation_id = ?", [target]
    ).fetchone()[0]
    with monkeypatch.context() as patch:
        _crash_after_storing(patch)
        with pytest.raises(RuntimeError):
            client.post("/svar/skicka", data={"csrf_token": csrf_token(review.get_data(as_text=True))})
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 1
    assert survey.invitation(link)["status"] == "open"
    # The respondent comes back: no second response, and the code they may have seen works.
    later = app.test_client()
    later.get(f"/s/{link}")
    assert later.get("/svar").headers["Location"].endswith("/svar/tack")
    assert receipt_from(later.get("/svar/tack").get_data(as_text=True)) == reserved_code
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 1
    assert submission.receipt_state(survey.contacts, reserved_code) == "active"
    assert survey.invitation(link)["status"] == "answered"


def test_start_up_finishes_stored_submissions_nobody_came_back_to(app, survey, monkeypatch):
    link = survey.invite()
    client = app.test_client()
    review = answer_everything(client, link)
    with monkeypatch.context() as patch:
        _crash_after_storing(patch)
        with pytest.raises(RuntimeError):
            client.post("/svar/skicka", data={"csrf_token": csrf_token(review.get_data(as_text=True))})
    assert survey.invitation(link)["status"] == "open"
    create_app(dict(app.config), instance_path=app.instance_path)  # a restart
    assert survey.invitation(link)["status"] == "answered"
    assert survey.contacts.execute("select count(*) from pending_submissions").fetchone()[0] == 0
    assert survey.contacts.execute("select count(*) from receipts").fetchone()[0] == 1


def test_retry_of_step_two_writes_nothing_twice(survey):
    kwargs = dict(
        process_id=survey.process_id,
        group_key=GROUP,
        instrument_id=survey.instrument_id,
        answers=ANSWERS,
        language="en",
        submitted_on="2026-11-22T13:45:00",
        response_id=77,
    )
    assert submission.store_response(survey.served, **kwargs) == 77
    assert submission.store_response(survey.served, **kwargs) == 77
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == 1
    assert survey.served.execute("select submitted_on from responses").fetchone()[0] == "2026"  # the collection year
    assert survey.served.execute("select n from response_counts").fetchone()[0] == 1
    assert_counts_consistent(survey.served)


def test_counts_equal_group_by_after_random_submissions_and_withdrawals(survey):
    rng = random.Random(20171)
    instrument = survey.instrument
    receipts = []
    for round_number in range(60):
        if receipts and rng.random() < 0.3:
            code = receipts.pop(rng.randrange(len(receipts)))
            assert submission.withdraw(survey.served, survey.contacts, code) is True
            assert submission.withdraw(survey.served, survey.contacts, code) is False
            continue
        answers = {}
        for question in instrument.questions:
            if rng.random() < 0.2:
                continue
            if question.type in ("likert", "yesno", "single"):
                answers[question.key] = rng.choice(list(question.value_labels()))
            elif question.type == "multiple":
                answers[question.key] = rng.sample([c.value for c in question.choices], rng.randint(1, 3))
            elif question.type == "integer":
                answers[question.key] = rng.randint(0, 20)
            elif question.type == "text":
                answers[question.key] = f"svar {round_number}"
            elif question.type == "screening":
                answers[question.key] = {name: rng.randint(1, 4) for name in ("Sökande A", "Sökande B")}
            else:
                answers[question.key] = dict(zip(("Sökande B", "Sökande C", "Sökande D"), rng.sample([1, 2, 3], 3)))
        token = survey.invite()
        code = submission.submit(
            survey.served, survey.contacts, invitation_id(survey, token), answers, "sv", instrument_id=survey.instrument_id
        )
        receipts.append(code)
        assert_counts_consistent(survey.served)
    assert_counts_consistent(survey.served)
    assert survey.served.execute("select count(*) from responses").fetchone()[0] == len(receipts)
    withdrawn = survey.contacts.execute("select count(*) from receipts where withdrawn_on is not null").fetchone()[0]
    assert withdrawn > 0


def test_no_token_name_or_email_reaches_the_served_database(app, survey, db_paths):
    survey.contacts["participants"].insert(
        {
            "id": 99,
            "process_id": survey.process_id,
            "group_key": GROUP,
            "name": "Greta Garbo",
            "email": "greta@example.se",
            "language": "sv",
        }
    )
    link = survey.invite()
    survey.contacts.execute("update invitations set participant_id = 99 where token_hash = ?", [hash_secret(link)])
    client = app.test_client()
    review = answer_everything(client, link)
    client.post("/svar/skicka", data={"csrf_token": csrf_token(review.get_data(as_text=True))})
    code = receipt_from(client.get("/svar/tack").get_data(as_text=True))
    with open(db_paths[0], "rb") as handle:
        served_bytes = handle.read()
    with open(db_paths[0] + "-wal", "rb") as handle:
        served_bytes += handle.read()
    invitation = survey.invitation(link)
    for secret in (link, hash_secret(link), "Greta", "greta@example.se", code, code.replace("-", "")):
        assert secret.encode() not in served_bytes, secret
    response = next(survey.served.query("select * from responses"))
    assert set(response) == {"id", "process_id", "group_key", "instrument_id", "language", "submitted_on", "is_synthetic"}
    assert response["id"] != invitation["id"]
    assert len(response["submitted_on"]) == 4  # the collection year only (issue 10 part 2)


def test_summaries_stay_exact_through_random_submissions_withdrawals_and_a_retry(survey):
    rng = random.Random(2017)
    receipts = []
    for _round in range(40):
        answers = dict(ANSWERS)
        answers["attitude"] = rng.randint(1, 5)
        answers["intro_useful"] = rng.choice([1, 2, 3, 4, 5, 9])
        answers["screening"] = {"Sökande A": rng.randint(1, 4), "Sökande B": rng.randint(1, 4)}
        if rng.random() < 0.3:
            answers.pop("wants_more_what", None)
        code = submission.submit(survey.served, survey.contacts, invitation_id(survey, survey.invite()), answers, "sv")
        receipts.append(code)
        if rng.random() < 0.25:
            assert submission.withdraw(survey.served, survey.contacts, receipts.pop(rng.randrange(len(receipts))))
    # A retried step 2 adds nothing.
    kwargs = dict(
        process_id=survey.process_id,
        group_key=GROUP,
        instrument_id=survey.instrument_id,
        answers=ANSWERS,
        language="sv",
        submitted_on="2026-11-22",
        response_id=99,
    )
    submission.store_response(survey.served, **kwargs)
    submission.store_response(survey.served, **kwargs)
    assert survey.served.execute("select count(*) from core_answer_totals").fetchone()[0] > 0
    assert_summaries_consistent(survey.served)
