"""Forward-only, named schema migrations for both databases.

Each step is a function appended to a ``sqlite_utils.Migrations`` set and
recorded in ``_sqlite_migrations``. Never edit a step that has shipped: add a
new one. The core steps live in ``collector.migrations_served`` (set
``medverkan-served``) and ``collector.migrations_contacts`` (set
``medverkan-contacts``); this module applies every set in order. Areas of the product that need tables of their own keep their steps
in their own module (for example ``collector.coordinator.migrations``) and
are listed in :data:`SERVED_SETS` / :data:`CONTACTS_SETS` below, applied in
that order after the core sets.

The served database must never hold a name, an email address, a token or a
time of day: see ``docs/ARCHITECTURE.md`` ("Anonymity").
"""

from __future__ import annotations

from sqlite_utils import Migrations

from collector import migrations_served_later  # noqa: F401  (registers the served steps from m005 on)
from collector.brukarbank import migrations as brukarbank_migrations
from collector.coordinator import migrations as coordinator_migrations
from collector.db import connect
from collector.instruments import registry
from collector.instruments.registry import sync_builtin_instruments
from collector.migrations_contacts import contacts
from collector.migrations_served import served
from datasette_plugins import schema as datasette_schema

# Present once a database has been migrated (``medverkan init`` ran): sqlite-utils' record of steps.
DATABASE_READY_TABLE = Migrations.migrations_table

# Area-specific migration sets, applied after the core sets in this order.
SERVED_SETS: list[Migrations] = [
    registry.migrations,
    datasette_schema.migrations,
    brukarbank_migrations.served_migrations,
]
CONTACTS_SETS: list[Migrations] = [
    coordinator_migrations.migrations,
    brukarbank_migrations.contacts_migrations,
]


def migrate_served(db) -> None:
    """Bring the served database up to date."""
    served.apply(db)
    for migration_set in SERVED_SETS:
        migration_set.apply(db)


def migrate_contacts(db) -> None:
    """Bring the contacts database up to date."""
    contacts.apply(db)
    for migration_set in CONTACTS_SETS:
        migration_set.apply(db)


def init_databases(served_path: str, contacts_path: str) -> None:
    """Create or migrate both databases and register the instruments."""
    served = connect(served_path)
    contacts = connect(contacts_path)
    try:
        migrate_served(served)
        migrate_contacts(contacts)
        sync_builtin_instruments(served)
    finally:
        served.conn.close()
        contacts.conn.close()
