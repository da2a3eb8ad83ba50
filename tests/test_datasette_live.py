"""Datasette queried as a real server over HTTP on loopback, on the demo data,
with the cookie the collector's own code mints (the sign-in bridge)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from collector.coordinator.actor_cookie import actor_cookie_value
from collector.demo import CASE_CODE, run_demo
from datasette_plugins.launch import datasette_command
from tests.fixtures.servers import REPO, free_port

pytestmark = pytest.mark.slow
SECRET = "live-datasette-secret"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"ds_actor={cookie}"} if cookie else {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode("utf-8", "replace")


def start(argv: list[str], log_path) -> subprocess.Popen:
    log = open(log_path, "wb")
    return subprocess.Popen(argv, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(url: str, process: subprocess.Popen, log_path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("datasette exited:\n" + log_path.read_text(errors="replace")[-3000:])
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"datasette did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def demo_paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    run_demo(served, contacts, base_url="http://127.0.0.1:5000")
    conn = sqlite3.connect(contacts)
    with conn:
        for username, role, active in (("eva", "evaluator", 1), ("chef", "management", 1), ("gone", "evaluator", 0)):
            conn.execute(
                "insert into users (username, role, is_active, password_hash) values (?, ?, ?, 'not-a-hash')",
                [username, role, active],
            )
    conn.close()
    return served, contacts, folder


@pytest.fixture(scope="module")
def live(demo_paths):
    served, contacts, folder = demo_paths
    port = free_port()
    argv = datasette_command(served, port=port, secret=SECRET, contacts_db_path=contacts, login_url="http://127.0.0.1:5000/staff/login")
    log_path = folder / "datasette.log"
    process = start(argv, log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/-/medverkan-login", process, log_path)
        yield url
    finally:
        stop(process)


def cookie(username, role):
    return actor_cookie_value(SECRET, username, role, 3600)


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
    assert "ordinal -0.080" in html and "nominal -0.052" in html
    assert "Kendalls W: 0.040" in html


def test_demo_mode_server_is_open_on_loopback_and_says_so(demo_paths):
    served, contacts, folder = demo_paths
    port = free_port()
    log_path = folder / "demo.log"
    process = start(datasette_command(served, port=port, secret=SECRET, demo=True), log_path)
    try:
        wait_for(f"http://127.0.0.1:{port}/-/medverkan-login", process, log_path)
        status, _, html = fetch(f"http://127.0.0.1:{port}/medverkan/responses")
        assert status == 200
        assert "Demoläge" in html
    finally:
        stop(process)
