"""What a process loads when it starts: every gunicorn worker and every
``medverkan`` command pays it (issue 15 part 3; bench/README.md).

pyxform and openpyxl (~0.3 s together) are needed only to read or write an
XLSForm workbook, so they are imported by the functions that do
(``forms/xlsform/reader.py``, ``writer.py``, ``questions.py``, ``sheets.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.fixtures.servers import REPO

PROBE = """
import sys, tempfile
from collector import create_app
create_app(instance_path=tempfile.mkdtemp())
from collector.ops.cli import cli
print(" ".join(sorted(name for name in ("pyxform", "openpyxl") if name in sys.modules)) or "none")
"""


def test_the_app_and_the_cli_start_without_the_xlsform_libraries():
    env = {**os.environ, "MEDVERKAN_SECRET_KEY": "a secret key long enough for the probe process", "PYTHONPATH": str(REPO)}
    probe = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "none"


def test_a_workbook_is_still_read_and_written(tmp_path):
    from forms.definitions import load_builtin_instruments
    from forms.xlsform import read_xlsform
    from forms.xlsform import write_xlsform

    instrument = load_builtin_instruments()["representative"]
    path = tmp_path / "representative.xlsx"
    write_xlsform(instrument, path)
    again = read_xlsform(path)
    assert [question.key for page in again.pages for question in page.questions] == [
        question.key for page in instrument.pages for question in page.questions
    ]
