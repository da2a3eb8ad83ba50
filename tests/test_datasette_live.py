"""Datasette queried as a real server over HTTP on loopback, on the demo data,
with the cookie the collector's own code mints (the sign-in bridge)."""

from __future__ import annotations

import sqlite3

import pytest

from collector.coordinator.actor_cookie import actor_cookie_value
from collector.demo.case import CASE_CODE
from datasette_plugins.launch import datasette_command
from datasette_plugins.launch import datasette_environment
from tests.fixtures.databases import demo_copy
from tests.fixtures.datasette import fetch
from tests.fixtures.datasette import start_process
from tests.fixtures.datasette import stop_process
from tests.fixtures.datasette import wait_for
from tests.fixtures.servers import free_port

pytestmark = pytest.mark.slow
SECRET = "live-datasette-secret"


@pytest.fixture(scope="module")
def demo_paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    demo_copy(served, contacts)
    conn = sqlite3.connect(contacts)
    with conn:
        for username, role, active, stamp in (
            ("eva", "evaluator", 1, None),
            ("chef", "management", 1, None),
            ("gone", "evaluator", 0, None),
            ("signed_out", "evaluator", 1, "stamp-after-sign-out"),
        ):
            conn.execute(
                "insert into users (username, role, is_active, password_hash, session_stamp) values (?, ?, ?, 'not-a-hash', ?)",
                [username, role, active, stamp],
            )
    conn.close()
    return served, contacts, folder


@pytest.fixture(scope="module")
def live(demo_paths):
    served, contacts, folder = demo_paths
    port = free_port()
    argv = datasette_command(served, port=port, contacts_db_path=contacts, login_url="http://127.0.0.1:5000/staff/login")
    log_path = folder / "datasette.log"
    process = start_process(argv, log_path, env=datasette_environment(SECRET))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/-/medverkan-login", process, log_path)
        yield url
    finally:
        stop_process(process)


def cookie(username, role, stamp=None):
    return actor_cookie_value(SECRET, username, role, 3600, stamp=stamp)


def test_anonymous_is_sent_to_the_collector_sign_in(live):
    status, headers, _ = fetch(live + "/medverkan/answers.json")
    assert status == 302 and headers["location"].startswith("/-/medverkan-login?next=")
    status, _, html = fetch(live + "/-/medverkan-login?next=/medverkan")
    assert status == 200
    assert "http://127.0.0.1:5000/staff/login?next=http%3A%2F%2F127.0.0.1%3A" in html


def test_collector_cookie_opens_raw_data_to_an_evaluator(live):
    status, _, body = fetch(live + "/medverkan/answers.json?_size=1", cookie("eva", "evaluator"))
    assert status == 200 and '"rows"' in body
    status, _, body = fetch(live + "/medverkan.json?sql=select+count(*)+from+responses", cookie("eva", "evaluator"))
    assert status == 200


def test_management_gets_aggregates_only(live):
    assert fetch(live + "/medverkan.json?sql=select+1", cookie("chef", "management"))[0] == 403
    assert fetch(live + "/medverkan/answers.csv", cookie("chef", "management"))[0] == 403
    status, _, html = fetch(live + "/-/medverkan/attitudes?process=1", cookie("chef", "management"))
    assert status == 200
    assert "färre än 5" in html  # the demo's groups are small


def test_disabled_or_unknown_accounts_are_anonymous(live):
    assert fetch(live + "/medverkan/answers.json", cookie("gone", "evaluator"))[0] == 302
    assert fetch(live + "/medverkan/answers.json", cookie("mallory", "evaluator"))[0] == 302


def test_cookies_from_before_a_sign_out_or_a_role_change_are_refused(live):
    url = live + "/medverkan/answers.json?_size=1"
    assert fetch(url, cookie("signed_out", "evaluator", stamp="stamp-after-sign-out"))[0] == 200
    assert fetch(url, cookie("signed_out", "evaluator", stamp="stamp-before-sign-out"))[0] == 302
    assert fetch(url, cookie("signed_out", "evaluator"))[0] == 302
    # chef is management now: an evaluator cookie from before the change opens nothing.
    assert fetch(url, cookie("chef", "evaluator"))[0] == 302


def test_sql_and_downloads_are_off_by_default(live):
    assert fetch(live + "/medverkan.db", cookie("eva", "evaluator"))[0] == 403
    status, _, body = fetch(live + "/-/settings.json", cookie("eva", "evaluator"))
    assert '"default_allow_sql": false' in body and '"allow_download": false' in body


def test_demo_case_table_2_alpha_and_rankings_w(live, demo_paths):
    conn = sqlite3.connect(demo_paths[0])
    process_id = conn.execute("select id from processes where code = ?", [CASE_CODE]).fetchone()[0]
    conn.close()
    status, _, html = fetch(live + f"/-/medverkan/process/{process_id}", cookie("eva", "evaluator"))
    assert status == 200
    assert "ordinal \u2212" + "0,080" in html and "nominal \u2212" + "0,052" in html  # Swedish figures: minus sign, decimal comma
    # The rankings are the demo's invention: left out outside demo mode unless asked (issue 12 part 2).
    assert "Kendalls W: 0,040" not in html
    status, _, html = fetch(live + f"/-/medverkan/process/{process_id}?synthetic=1", cookie("eva", "evaluator"))
    assert "Kendalls W: 0,040" in html and "Syntetiska data: figuren innehåller påhittade värden" in html


def test_demo_mode_server_is_open_on_loopback_and_says_so(demo_paths):
    served, contacts, folder = demo_paths
    port = free_port()
    log_path = folder / "demo.log"
    process = start_process(datasette_command(served, port=port, demo=True), log_path, env=datasette_environment(SECRET))
    try:
        wait_for(f"http://127.0.0.1:{port}/-/medverkan-login", process, log_path)
        status, _, html = fetch(f"http://127.0.0.1:{port}/medverkan/responses")
        assert status == 200
        assert "Demoläge" in html
    finally:
        stop_process(process)
