"""Staff password hashing: production keeps argon2-cffi's parameters; the
test suite's cheap profile cannot reach production; importing the module
costs no hash."""

from __future__ import annotations

import subprocess
import sys

import pytest
from argon2 import extract_parameters
from argon2 import profiles

from collector import create_app
from collector.coordinator import users as user_store


@pytest.fixture
def restore_test_profile():
    yield
    user_store.use_argon2_profile("testing")


def test_production_hashes_use_rfc_9106_low_memory_parameters(db_paths, tmp_path, restore_test_profile):
    served, contacts = db_paths
    create_app({"TESTING": True, "DATABASE": served, "CONTACTS_DATABASE": contacts}, instance_path=str(tmp_path / "i"))
    from collector.db import connect

    db = connect(contacts)
    user_id = user_store.add_user(db, "prod.check", "a long enough password", "coordinator")
    stored = user_store.get_user(db, user_id)["password_hash"]
    db.conn.close()
    parameters = extract_parameters(stored)
    expected = profiles.RFC_9106_LOW_MEMORY
    assert (parameters.type, parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
        expected.type, expected.time_cost, expected.memory_cost, expected.parallelism
    )
    assert parameters.hash_len >= 32 and parameters.salt_len >= 16


def test_the_testing_profile_is_refused_outside_testing(db_paths, tmp_path):
    served, contacts = db_paths
    with pytest.raises(RuntimeError, match="ARGON2_PROFILE"):
        create_app(
            {"SECRET_KEY": "a-real-secret", "DATABASE": served, "CONTACTS_DATABASE": contacts, "ARGON2_PROFILE": "testing"},
            instance_path=str(tmp_path / "i"),
        )


def test_an_unknown_profile_is_refused(db_paths, tmp_path):
    served, contacts = db_paths
    with pytest.raises(ValueError, match="Unknown ARGON2_PROFILE"):
        create_app(
            {"TESTING": True, "DATABASE": served, "CONTACTS_DATABASE": contacts, "ARGON2_PROFILE": "fast"},
            instance_path=str(tmp_path / "i"),
        )


def test_importing_the_user_store_computes_no_hash():
    code = (
        "import argon2\n"
        "calls = []\n"
        "original = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(1) or original(self, *a, **k)\n"
        "import collector.coordinator.users\n"
        "print(len(calls))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"
