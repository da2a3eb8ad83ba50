"""Demo databases for the research-export tests (imported by tests/test_research_*.py).

Tests may use the collector to build the demo; the ``research`` package itself may not.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.fixtures.databases import demo_copy


@pytest.fixture(scope="session")
def demo_served_master(tmp_path_factory):
    """The demo's served database, copied once per session; copy it before changing it."""
    folder = tmp_path_factory.mktemp("research-demo")
    served, contacts = str(folder / "medverkan.db"), str(folder / "contacts.db")
    demo_copy(served, contacts)
    return served


@pytest.fixture
def demo_served(demo_served_master, tmp_path):
    """A private copy of the demo's served database (tests may change it)."""
    path = str(tmp_path / "served.db")
    shutil.copyfile(demo_served_master, path)
    return path


def served_rows(path: str, sql: str, params=()):
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()
