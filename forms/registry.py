"""Registers instrument definitions in the served database (owned by the forms area)."""

from sqlite_utils import Migrations

migrations = Migrations("medverkan-forms")


def sync_builtin_instruments(db) -> None:
    """Register every built-in instrument definition (implemented by the forms area)."""
