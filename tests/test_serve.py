"""`medverkan serve`: the collector and Datasette start together and stop together.

Each test starts the real command in a child process on free loopback
ports, waits (bounded) until it says both servers answer, talks to both over
HTTP, then stops it with SIGINT as Ctrl-C would.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import httpx

STARTUP_SECONDS = 120
STOP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _as_from_a_terminal() -> None:
    """Ctrl-C and Ctrl-\\ as a terminal's foreground command gets them.

    A suite started in the background by a non-interactive shell (``bash -c
    'pytest … &'``) runs with SIGINT and SIGQUIT ignored, as POSIX shells do
    for background jobs, and a child inherits that: ``serve`` then never saw
    the test's Ctrl-C (its process status showed SIGINT in ``SigIgn``).
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


class Served:
    """`medverkan serve …` in its own session, its output collected line by line."""

    def __init__(self, args, env):
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from collector.ops.cli import cli; cli()", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
            preexec_fn=_as_from_a_terminal,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str) -> bool:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                return False
            self.lines.append(line)
            if text in line:
                return True
        return False

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"serve did not stop within {STOP_SECONDS} s of Ctrl-C\n{self.diagnosis()}") from None
        finally:
            self.cleanup()

    def diagnosis(self) -> str:
        """What the still-running command was doing: its signal state, its children, its last output."""
        lines = []
        for pid in [self.process.pid, *self._children()]:
            try:
                with open(f"/proc/{pid}/status") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")[:120]
            except OSError:
                continue
            states = " ".join(f"{key}={fields[key].strip()}" for key in ("State", "SigIgn", "SigBlk", "SigCgt") if key in fields)
            lines.append(f"  pid {pid} {states}: {command}")
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.lines.append(line)
        return "\n".join(lines + ["last output:", *self.lines[-15:]])

    def _children(self) -> list[int]:
        try:
            with open(f"/proc/{self.process.pid}/task/{self.process.pid}/children") as children:
                return [int(pid) for pid in children.read().split()]
        except OSError:
            return []

    def cleanup(self):
        """Kill what is left of this test's own process group, if anything."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()


def child_env(**settings) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDVERKAN_")}
    env.update(PYTHONUNBUFFERED="1", MEDVERKAN_WORKERS="1")
    env.update({f"MEDVERKAN_{key}": json.dumps(value) for key, value in settings.items()})
    return env


def test_serve_demo_starts_both_servers_and_ctrl_c_stops_both(tmp_path):
    port, datasette_port = free_port(), free_port()
    served = Served(
        ["--demo", "--port", str(port), "--datasette-port", str(datasette_port), "--demo-dir", str(tmp_path)],
        child_env(),
    )
    try:
        assert served.wait_for("Press Ctrl-C"), "\n".join(served.lines)
        output = "\n".join(served.lines)
        assert f"http://127.0.0.1:{port}/" in output
        assert f"http://127.0.0.1:{datasette_port}/" in output
        assert "read-only" in output
        links = [line.split(": ", 1)[1] for line in served.lines if "/s/" in line]
        assert len(links) == 5
        assert all(link.startswith(f"http://127.0.0.1:{port}/s/") for link in links)

        status, _ = get(links[0])
        assert status == 200
        status, body = get(f"http://127.0.0.1:{datasette_port}/-/versions.json")
        assert status == 200 and "datasette" in body
        assert (tmp_path / "medverkan.db").exists() and (tmp_path / "contacts.db").exists()

        # The printed demo staff account signs in (and gets Datasette's actor cookie).
        staff_line = next(line for line in served.lines if line.startswith("Staff sign-in:"))
        password = staff_line.split("password ", 1)[1].split(" ", 1)[0]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            form = browser.get("/staff/login")
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
            signed_in = browser.post(
                "/staff/login", data={"csrf_token": csrf, "username": "demo", "password": password}
            )
            assert signed_in.status_code == 302
            assert "ds_actor" in browser.cookies
    finally:
        code = served.interrupt()
    assert code == 0
    assert port_is_closed(port) and port_is_closed(datasette_port)


def test_serve_uses_the_configured_databases(tmp_path):
    port, datasette_port = free_port(), free_port()
    env = child_env(
        SECRET_KEY="serve-test-secret",
        DATABASE=str(tmp_path / "served.db"),
        CONTACTS_DATABASE=str(tmp_path / "contacts.db"),
    )
    served = Served(["--port", str(port), "--datasette-port", str(datasette_port)], env)
    try:
        assert served.wait_for("Press Ctrl-C"), "\n".join(served.lines)
        assert "read-only" not in "\n".join(served.lines)
        status, _ = get(f"http://127.0.0.1:{port}/")
        assert status < 500
        status, _ = get(f"http://127.0.0.1:{datasette_port}/-/versions.json")
        assert status < 500
        assert (tmp_path / "served.db").exists()
    finally:
        code = served.interrupt()
    assert code == 0
    assert port_is_closed(port) and port_is_closed(datasette_port)


def test_serve_refuses_without_a_secret_key(tmp_path):
    env = child_env(DATABASE=str(tmp_path / "served.db"), CONTACTS_DATABASE=str(tmp_path / "contacts.db"))
    result = subprocess.run(
        [sys.executable, "-c", "from collector.ops.cli import cli; cli()", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_one_port_for_both(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from collector.ops.cli import cli; cli()", "serve", "--port", "5005", "--datasette-port", "5005"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "different ports" in result.stderr
