"""Statistics SQL functions, registered for Datasette and for the collector."""

from datasette import hookimpl


def register_functions(conn) -> None:
    """Register Medverkan's SQL functions on a sqlite3 connection."""


@hookimpl
def prepare_connection(conn):
    register_functions(conn)
