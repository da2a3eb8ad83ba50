"""Addresses a reader typed that Datasette itself answers with a 500.

Datasette 0.65's row page binds one SQL parameter per primary-key column
and raises ``sqlite3.ProgrammingError`` when the address has fewer parts
(``/medverkan/answers/1``: answers has a three-column key); an integer past
64 bits raises ``OverflowError``. Both are the reader's input, so both are
answered with the plugin's own 404 page (Swedish first) by the
``handle_exception`` hook in ``errors.py``.
"""

from __future__ import annotations

import sqlite3


def is_bad_address(exception: BaseException) -> bool:
    if isinstance(exception, OverflowError):
        return True
    return isinstance(exception, sqlite3.ProgrammingError) and "binding parameter" in str(exception)
