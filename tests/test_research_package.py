"""The research package stands alone: no imports from the other areas, runnable as a module."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.fixtures.databases import demo_copy

PACKAGE = Path(__file__).resolve().parents[1] / "research"
FORBIDDEN = ("collector", "forms", "datasette_plugins")


def test_research_imports_nothing_from_collector_forms_or_datasette_plugins():
    offending = []
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offending += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    assert offending == []


def test_modules_stay_small():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_python_m_research_exports_from_the_demo_without_loading_the_other_areas(tmp_path):
    served = str(tmp_path / "served.db")
    demo_copy(served, str(tmp_path / "contacts.db"))
    probe = (
        "import sys, runpy; sys.argv = ['research', 'export', '--database', sys.argv[1], '--out', sys.argv[2], "
        "'--format', 'sav', '--no-per-process', '--include-synthetic']\n"
        "try:\n    runpy.run_module('research', run_name='__main__')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('collector', 'forms', 'datasette_plugins')]\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    result = subprocess.run(
        [sys.executable, "-c", probe, served, str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "candidate_v2.sav").exists()


def test_medverkan_research_export_reads_the_configured_served_database(tmp_path, monkeypatch):
    """`medverkan research export` needs no --database: it takes the collector's configured DATABASE."""
    from click.testing import CliRunner

    from collector.ops.cli import cli

    served = tmp_path / "served.db"
    demo_copy(str(served), str(tmp_path / "contacts.db"))
    monkeypatch.setenv("MEDVERKAN_SECRET_KEY", "test-secret-for-the-research-cli")
    monkeypatch.setenv("MEDVERKAN_DATABASE", str(served))
    monkeypatch.setenv("MEDVERKAN_CONTACTS_DATABASE", str(tmp_path / "contacts.db"))
    out = tmp_path / "out"
    args = ["research", "export", "--out", str(out), "--format", "dta", "--no-per-process", "--include-synthetic"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (out / "candidate_v2.dta").exists()

    missing = CliRunner().invoke(cli, ["research", "export", "--database", str(tmp_path / "nope.db"), "--out", str(out)])
    assert missing.exit_code == 2 and "medverkan init" in missing.output
