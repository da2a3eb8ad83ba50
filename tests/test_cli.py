"""`medverkan invite` and `medverkan export`."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pytest

from collector.db import immediate_transaction
from collector.ops.cli import cli
from collector.ops.csv_export import neutralise
from collector.tokens import hash_secret


@pytest.fixture
def process_id(served_db):
    with immediate_transaction(served_db):
        return served_db["processes"].insert(
            {"code": "TEST-1", "post_title": "Socialsekreterare", "status": "collecting"}
        ).last_pk


def test_invite_prints_working_links(runner, client, contacts_db, process_id):
    result = runner.invoke(cli, args=["invite", "--process", "TEST-1", "--group", "candidate", "--count", "3"])
    assert result.exit_code == 0, result.output
    links = [line for line in result.stdout.splitlines() if "/s/" in line]
    assert len(links) == 3 and len(set(links)) == 3
    tokens = [urlsplit(link).path.rsplit("/", 1)[1] for link in links]
    stored = contacts_db.execute(
        "select token_hash, group_key, status, language from invitations where process_id = ?", [process_id]
    ).fetchall()
    assert sorted(row[0] for row in stored) == sorted(hash_secret(token) for token in tokens)
    assert {row[1:] for row in stored} == {("candidate", "open", "sv")}
    response = client.get(urlsplit(links[0]).path, follow_redirects=True)
    assert response.status_code == 200


def test_invite_in_english(runner, contacts_db, process_id):
    result = runner.invoke(cli, args=["invite", "--process", "TEST-1", "--group", "union", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert contacts_db.execute("select language from invitations").fetchall() == [("en",)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--process", "NOPE", "--group", "candidate"], "no process with code 'NOPE'"),
        (["--process", "TEST-1", "--group", "mayor"], "Invalid value for '--group'"),
        (["--process", "TEST-1", "--group", "union", "--count", "0"], "Invalid value for '--count'"),
    ],
)
def test_invite_refuses_bad_input_clearly(runner, contacts_db, process_id, args, message):
    result = runner.invoke(cli, args=["invite", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert contacts_db.execute("select count(*) from invitations").fetchone()[0] == 0


def _answered_text_question(served_db, process_id, text):
    """A real instrument row, a text and a likert question, and one response."""
    with immediate_transaction(served_db):
        instrument_id = served_db["instruments"].insert(
            {
                "key": "export_test",
                "version": 1,
                "group_key": "union",
                "title_sv": "Test",
                "title_en": "Test",
                "definition_json": "{}",
            }
        ).last_pk
        text_id = served_db["questions"].insert(
            {"instrument_id": instrument_id, "key": "comment", "position": 2, "type": "text", "theme": "union_concerns",
             "text_sv": "Kommentar", "text_en": "Comment"}
        ).last_pk
        likert_id = served_db["questions"].insert(
            {"instrument_id": instrument_id, "key": "attitude", "position": 1, "type": "likert", "theme": "attitude",
             "text_sv": "Inställning", "text_en": "Attitude"}
        ).last_pk
        served_db["question_choices"].insert({"question_id": likert_id, "value": 4, "label_sv": "Instämmer delvis", "label_en": "Agree"})
        served_db["responses"].insert(
            {"id": 77, "process_id": process_id, "group_key": "union", "instrument_id": instrument_id,
             "language": "sv", "submitted_on": "2017-09-12", "is_synthetic": 1}
        )
        served_db["answers"].insert_all(
            [
                {"response_id": 77, "question_id": text_id, "item": "", "value_text": text, "process_id": process_id, "group_key": "union"},
                {"response_id": 77, "question_id": likert_id, "item": "", "value_int": 4, "process_id": process_id, "group_key": "union"},
            ]
        )  # fmt: skip


def test_export_writes_labelled_csv_and_neutralises_formulas(runner, served_db, process_id, tmp_path):
    _answered_text_question(served_db, process_id, '=HYPERLINK("http://evil.invalid","klicka")')
    output = tmp_path / "export.csv"
    result = runner.invoke(cli, args=["export", "--process", "TEST-1", "--output", str(output)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert len(rows) == 2
    by_key = {row["question_key"]: row for row in rows}
    assert by_key["comment"]["value_text"] == '\'=HYPERLINK("http://evil.invalid","klicka")'
    assert by_key["attitude"]["value"] == "4"
    assert by_key["attitude"]["value_label_sv"] == "Instämmer delvis"
    assert {row["process_code"] for row in rows} == {"TEST-1"}
    assert {row["group_label_sv"] for row in rows} == {"Facklig företrädare"}


def test_export_to_stdout_and_unknown_process(runner, served_db, process_id):
    _answered_text_question(served_db, process_id, "helt vanlig text")
    result = runner.invoke(cli, args=["export", "--process", "TEST-1"])
    assert result.exit_code == 0
    assert "helt vanlig text" in result.stdout
    assert runner.invoke(cli, args=["export", "--process", "NOPE"]).exit_code == 2


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_neutralise_prefixes_formula_cells(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["bra", "1-2", "", 4, None, "e-post: a@b"])
def test_neutralise_keeps_other_cells(cell):
    assert neutralise(cell) == cell


def test_commands_without_a_secret_key_say_so_without_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDVERKAN_")}
    env["MEDVERKAN_DATABASE"] = str(tmp_path / "served.db")
    env["MEDVERKAN_INSTANCE_PATH"] = str(tmp_path / "instance")
    result = subprocess.run(
        [sys.executable, "-c", "from collector.ops.cli import cli; cli()", "export", "--process", "X"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "run `medverkan init`" in result.stderr
    assert "Traceback" not in result.stderr
