"""Served-database objects owned by the Datasette area (full-text index, views)."""

from sqlite_utils import Migrations

migrations = Migrations("medverkan-datasette")
