"""The post level, a structured field on the process (issue 12 part 7).

Required in the coordinator's process form, stored (published) in the
served database's ``processes``, read by the research files; a database
made by the previous version keeps every response and gets NULL ("not
recorded"), never a level guessed from the post title.
"""

from __future__ import annotations

import sqlite3

import pytest

from collector.coordinator import processes as process_store
from collector.respondent import submission
from research.wide import export_wide
from tests.fixtures.coordinator import csrf_from
from tests.test_coordinator_views import PROCESS_FORM


def test_the_process_form_requires_a_post_level_and_keeps_what_was_typed(coordinator_client, served_db):
    token = csrf_from(coordinator_client, "/coordinator/processes/new")
    form = {**PROCESS_FORM, "csrf_token": token}
    del form["post_level"]
    page = coordinator_client.get("/coordinator/processes/new").get_data(as_text=True)
    assert 'name="post_level"' in page and "Tjänstens nivå" in page and ">Socialsekreterare<" in page and ">Chef<" in page

    missing = coordinator_client.post("/coordinator/processes/new", data=form)
    text = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert "Välj tjänstens nivå." in text and 'href="#post_level"' in text
    assert 'value="Avdelningschef Gemensamma resurser"' in text  # nothing typed is lost

    made_up = coordinator_client.post("/coordinator/processes/new", data={**form, "post_level": "director"})
    assert made_up.status_code == 400
    assert served_db.execute("select count(*) from processes").fetchone()[0] == 0

    created = coordinator_client.post("/coordinator/processes/new", data={**form, "post_level": "social_worker"})
    assert created.status_code == 302
    assert served_db.execute("select code, post_level from processes").fetchall() == [("HBG-2017-GR", "social_worker")]
    process_page = coordinator_client.get(created.headers["Location"]).get_data(as_text=True)
    assert "Tjänstens nivå" in process_page and "Socialsekreterare" in process_page


def test_a_process_without_a_level_says_so_and_its_edit_form_asks_for_one(coordinator_client, make_process, served_db):
    process_id = make_process()  # as the previous version stored it: no level
    assert served_db.execute("select post_level from processes where id = ?", [process_id]).fetchone() == (None,)
    assert "Inte angiven" in coordinator_client.get(f"/coordinator/processes/{process_id}").get_data(as_text=True)
    url = f"/coordinator/processes/{process_id}/edit"
    token = csrf_from(coordinator_client, url)
    response = coordinator_client.post(url, data={**PROCESS_FORM, "post_level": "", "csrf_token": token})
    assert response.status_code == 400 and "Välj tjänstens nivå." in response.get_data(as_text=True)
    response = coordinator_client.post(url, data={**PROCESS_FORM, "post_level": "manager", "csrf_token": token})
    assert response.status_code == 302
    assert served_db.execute("select post_level from processes where id = ?", [process_id]).fetchone() == ("manager",)


def test_the_database_refuses_a_level_outside_the_vocabulary(served_db, departments):
    process_id = process_store.create_process(
        served_db, {"code": "P-1", "post_title": "Chef", "department": "socialforvaltningen", "post_level": "other"}
    )
    with pytest.raises(sqlite3.IntegrityError):
        served_db.execute("update processes set post_level = 'boss' where id = ?", [process_id])
    with pytest.raises(sqlite3.IntegrityError):
        served_db.execute("insert into processes (code, post_title, post_level) values ('P-2', 'X', 'boss')")


def test_post_level_migration_upgrades_a_previous_versions_database_keeping_every_response(tmp_path):
    """A served database made before m007, with answers, is migrated in place:
    every response, answer and count kept, the old process's level NULL, and
    the research files write it empty."""
    from collector.db import connect
    from collector.demo.answers import AnswerGenerator
    from collector.instruments.registry import instrument_for
    from collector.instruments.registry import load_registered
    from collector.instruments.registry import sync_builtin_instruments
    from collector.migrations import SERVED_SETS
    from collector.migrations import migrate_served
    from collector.migrations_served import served as core_served

    path = str(tmp_path / "medverkan.db")
    db = connect(path)
    core_served.apply(db, stop_before="m007_process_post_level")
    for migration_set in SERVED_SETS:
        migration_set.apply(db)
    sync_builtin_instruments(db)
    assert "post_level" not in db["processes"].columns_dict
    db["departments"].insert({"key": "social", "name_sv": "Social", "name_en": "Social"})
    process_id = db["processes"].insert(
        {"code": "OLD-1", "post_title": "Enhetschef", "department": "social", "status": "collecting", "opened_on": "2023-03-01"}
    ).last_pk
    import random

    generator = AnswerGenerator(random.Random(7))
    instrument_id = instrument_for(db, process_id, "manager")
    instrument = load_registered(db, instrument_id)
    # Free text is left out: this version stores it through the full-text batches
    # (m007_free_text_waiting_for_search), a table the previous version lacked.
    text_keys = {q.key for page in instrument.pages for q in page.questions if q.type == "text"}
    for _ in range(6):
        answers = generator.answers(instrument, "manager", {"applicants": [], "finalists": []})
        submission.store_response(
            db, process_id=process_id, group_key="manager", instrument_id=instrument_id,
            answers={key: value for key, value in answers.items() if key not in text_keys},
            language="sv", submitted_on="2023-05-02", instrument=instrument,
        )
    tables = ("responses", "answers", "answer_counts", "response_counts", "core_answer_totals")
    before = {t: db.execute(f"select * from {t} order by 1, 2, 3").fetchall() for t in tables}

    migrate_served(db)

    assert {t: db.execute(f"select * from {t} order by 1, 2, 3").fetchall() for t in tables} == before
    assert db.execute("select code, post_level from processes").fetchall() == [("OLD-1", None)]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("update processes set post_level = 'boss'")
    db.execute("update processes set post_level = 'manager'")  # and a coordinator can now record it
    db.execute("update processes set post_level = null")
    db.conn.close()

    written = export_wide(path, tmp_path / "out", formats=("csv",), per_process=False)
    manager_csv = next(p for p in written if p.name.startswith("manager_") and p.name.endswith(".csv"))
    import pandas as pd

    frame = pd.read_csv(manager_csv, dtype=str, keep_default_na=False)
    assert len(frame) == 6 and set(frame["post_level"]) == {""}
