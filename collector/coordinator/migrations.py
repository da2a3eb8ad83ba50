"""Contacts-database tables owned by the coordinator workspace."""

from sqlite_utils import Migrations

migrations = Migrations("medverkan-coordinator")
