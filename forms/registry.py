"""Registers instrument definitions in the served database (owned by the forms area)."""

from sqlite_utils import Migrations

migrations = Migrations("medverkan-forms")
