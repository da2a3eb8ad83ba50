"""``medverkan serve``: the collector and Datasette together, on loopback.

Two child processes: gunicorn running the collector (with the production
configuration in ``collector.ops.gunicorn_conf``: sync workers, redacted logs)
and Datasette reading the served database. Both bind to 127.0.0.1 only; in
production a TLS reverse proxy sits in front. Ctrl-C (or SIGTERM) stops both,
and if either dies the other is stopped too, so a half-running pair never
lingers.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from datasette_plugins.launch import datasette_command
from datasette_plugins.launch import datasette_environment

LOOPBACK = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10
# Between two readiness checks at start-up: a refused connection costs
# microseconds, so checking often starts the user sooner at no cost.
READINESS_POLL_SECONDS = 0.05


@dataclass
class ServeSettings:
    served_path: str
    contacts_path: str
    secret: str
    port: int
    datasette_port: int
    demo: bool
    # Extra environment for the collector (MEDVERKAN_* settings).
    collector_env: dict[str, str]


def collector_argv(port: int) -> list[str]:
    """gunicorn with the production config when it exists, else plain sync workers."""
    argv = [sys.executable, "-m", "gunicorn"]
    if importlib.util.find_spec("collector.ops.gunicorn_conf") is not None:
        argv += ["-c", "python:collector.ops.gunicorn_conf"]
    else:
        argv += ["--worker-class", "sync", "--workers", "2"]
    # The command line overrides the config file's bind.
    return argv + ["--bind", f"{LOOPBACK}:{port}", "collector:create_app()"]


def datasette_argv(settings: ServeSettings) -> list[str]:
    """Datasette's command line (the signing secret travels in the environment, not here)."""
    return datasette_command(
        settings.served_path,
        host=LOOPBACK,
        port=settings.datasette_port,
        contacts_db_path=settings.contacts_path,
        demo=settings.demo,
        # Datasette's "sign in" sends staff to the collector's sign-in page.
        login_url=f"http://{LOOPBACK}:{settings.port}/staff/login",
    )


def env_setting(value) -> str:
    """Encode a value for ``MEDVERKAN_*``: create_app JSON-parses those variables."""
    return json.dumps(value)


def answers(url: str) -> bool:
    """True when ``url`` gives any HTTP response (even 403 or 404)."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


class ServerPair:
    """Starts, watches and stops the two child processes."""

    def __init__(self, settings: ServeSettings, echo=print):
        self.settings = settings
        self.echo = echo
        self.children: dict[str, subprocess.Popen] = {}

    @property
    def collector_url(self) -> str:
        return f"http://{LOOPBACK}:{self.settings.port}"

    @property
    def datasette_url(self) -> str:
        return f"http://{LOOPBACK}:{self.settings.datasette_port}"

    def start(self) -> None:
        env = dict(os.environ, **self.settings.collector_env)
        self.children["collector"] = subprocess.Popen(collector_argv(self.settings.port), env=env)
        self.children["datasette"] = subprocess.Popen(
            datasette_argv(self.settings), env=datasette_environment(self.settings.secret)
        )

    def wait_until_answering(self) -> bool:
        """Wait (bounded) until both answer HTTP; False if one died or timed out."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        pending = {"collector": self.collector_url + "/", "datasette": self.datasette_url + "/-/versions.json"}
        while pending and time.monotonic() < deadline:
            if self.dead():
                return False
            for name, url in list(pending.items()):
                if answers(url):
                    del pending[name]
            if pending:
                time.sleep(READINESS_POLL_SECONDS)
        return not pending

    def dead(self) -> str | None:
        """The name of a child that has exited, if any."""
        for name, child in self.children.items():
            if child.poll() is not None:
                return name
        return None

    def stop(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def run_until_stopped(self) -> int:
        """Block until Ctrl-C/SIGTERM (exit 0) or a child dies (exit 1)."""

        def on_term(signum, frame):
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, on_term)
        try:
            while True:
                name = self.dead()
                if name:
                    self.echo(f"The {name} stopped unexpectedly; stopping the other server.")
                    return 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.echo("Stopping both servers.")
            return 0
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, previous)
