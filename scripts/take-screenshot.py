"""Take the README's screenshot: the representatives' questionnaire on a phone.

Starts ``medverkan serve --demo`` on free loopback ports with throwaway demo
databases, opens the printed representative link in headless Debian
chromium at 360 px wide (the narrowest phone we support), and saves
``docs/screenshots/questionnaire-first-page.png``. Run by hand:

    python scripts/take-screenshot.py
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "docs" / "screenshots" / "questionnaire-first-page.png"
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def representative_link(process: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    link = None
    for line in process.stdout:
        print(line, end="")
        if line.strip().startswith("Brukarrepresentant:"):
            link = line.split(": ", 1)[1].strip()
        if "Press Ctrl-C" in line and link:
            return link
        if time.monotonic() > deadline:
            break
    raise SystemExit("serve --demo did not print a representative link")


def main() -> None:
    port, datasette_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as demo_dir:
        process = subprocess.Popen(
            [sys.executable, "-c", "from collector.ops.cli import cli; cli()", "serve", "--demo",
             "--port", str(port), "--datasette-port", str(datasette_port), "--demo-dir", demo_dir],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1", MEDVERKAN_WORKERS="1"),
            start_new_session=True,
        )  # fmt: skip
        try:
            link = representative_link(process)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
                page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
                page.goto(link)
                # The link opens a start page; its "Start" button leads to page 1.
                start = page.locator("main a.button")
                if page.locator("fieldset").count() == 0 and start.count() >= 1:
                    start.first.click()
                    page.wait_for_load_state()
                OUTPUT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(OUTPUT), full_page=False)
                browser.close()
            print(f"Saved {OUTPUT.relative_to(REPO)}")
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
