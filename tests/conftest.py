"""Shared fixtures: an app on fresh databases per test, its clients and
direct handles on both databases. Area-specific fixtures live in
``tests/fixtures/`` and are registered below."""

from __future__ import annotations

import pytest

from collector import create_app
from collector.db import connect
from collector.migrations import init_databases

pytest_plugins = [
    "tests.fixtures.respondent",
    "tests.fixtures.coordinator",
    "tests.fixtures.datasette",
    "tests.fixtures.browser",
    "tests.fixtures.servers",
]


@pytest.fixture
def db_paths(tmp_path):
    """Paths of a freshly migrated served and contacts database."""
    served = str(tmp_path / "medverkan.db")
    contacts = str(tmp_path / "contacts.db")
    init_databases(served, contacts)
    return served, contacts


@pytest.fixture
def app(db_paths, tmp_path):
    served, contacts = db_paths
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE": served,
            "CONTACTS_DATABASE": contacts,
            "RATELIMIT_ENABLED": False,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def served_db(db_paths):
    db = connect(db_paths[0])
    yield db
    db.conn.close()


@pytest.fixture
def contacts_db(db_paths):
    db = connect(db_paths[1])
    yield db
    db.conn.close()
