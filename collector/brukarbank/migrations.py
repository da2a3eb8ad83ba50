"""Schema of the pool of representatives, in both databases.

``contacts_migrations`` (set ``medverkan-brukarbank``, contacts database,
never served) holds everything about a person. ``served_migrations`` (set
``medverkan-brukarbank-served``) holds only ``representative_profile``: counts
per process with small cells suppressed (see ``collector.brukarbank.profile``).
Both sets are listed in ``collector.migrations``; append new steps at the end.
"""

from sqlite_utils import Migrations

contacts_migrations = Migrations("medverkan-brukarbank")
served_migrations = Migrations("medverkan-brukarbank-served")


@contacts_migrations()
def b001_pool_members_areas_trainings_assignments(db):
    # Raw SQL: the foreign keys need ON DELETE actions (cascade with the
    # member; SET NULL when the process purge deletes the participant).
    db.execute(
        """
        create table pool_members (
            id integer primary key,
            department text not null,
            name text not null,
            email text not null,
            phone text,
            language text not null default 'sv',
            registered_on text not null,
            updated_on text not null
        )
        """
    )
    db.execute("create unique index pool_members_department_email on pool_members (department, email)")
    db.execute(
        """
        create table pool_member_areas (
            member_id integer not null references pool_members (id) on delete cascade,
            area_key text not null,
            primary key (member_id, area_key)
        )
        """
    )
    db.execute(
        """
        create table pool_trainings (
            id integer primary key,
            member_id integer not null references pool_members (id) on delete cascade,
            course text,
            completed_on text,
            recorded_on text not null
        )
        """
    )
    db.execute("create index pool_trainings_member on pool_trainings (member_id)")
    db.execute(
        """
        create table pool_assignments (
            id integer primary key,
            member_id integer not null references pool_members (id) on delete cascade,
            process_id integer not null,
            participant_id integer references participants (id) on delete set null,
            assignment text,
            hours real,
            amount_sek real,
            paid_on text,
            assigned_on text not null
        )
        """
    )
    db.execute("create unique index pool_assignments_member_process on pool_assignments (member_id, process_id)")
    db.execute("create index pool_assignments_process on pool_assignments (process_id)")
    db.execute("create index pool_assignments_participant on pool_assignments (participant_id)")
    # What is left of a removed member's assignments: counts per process and
    # characteristic, added together with other removed members' (no member id).
    db.execute(
        """
        create table pool_retired_counts (
            process_id integer not null,
            characteristic text not null,
            representatives integer not null,
            with_characteristic integer not null,
            primary key (process_id, characteristic)
        )
        """
    )


@served_migrations()
def bs001_representative_profile(db):
    db.execute(
        """
        create table representative_profile (
            process_id integer,
            characteristic text not null,
            representatives integer not null,
            with_characteristic integer,
            suppressed integer not null
        )
        """
    )
    db.execute("create index representative_profile_process on representative_profile (process_id)")
