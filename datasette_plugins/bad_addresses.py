"""Addresses a reader typed that Datasette itself answers with a 500.

Datasette 0.65's row page binds one SQL parameter per primary-key column
and raises ``sqlite3.ProgrammingError`` when the address has fewer parts
(``/medverkan/answers/1``: answers has a three-column key); an integer past
64 bits raises ``OverflowError``. Both are the reader's input, so both are
answered with the plugin's own 404 page (Swedish first) through the
``handle_exception`` hook.
"""

from __future__ import annotations

import sqlite3


def is_bad_address(exception: BaseException) -> bool:
    if isinstance(exception, OverflowError):
        return True
    return isinstance(exception, sqlite3.ProgrammingError) and "binding parameter" in str(exception)


def not_found_for(datasette, request, exception):
    """An awaitable 404 response for a bad address, else None (Datasette's own handling)."""
    if request is None or not is_bad_address(exception):
        return None

    async def not_found():
        from datasette_plugins import pages
        from datasette_plugins import i18n

        _ = i18n.translator(i18n.language(request))
        message = _("There is no such row: the address is not a row of this table.")
        return await pages._render(datasette, request, "medverkan_message.html", {"message": message}, status=404)

    return not_found
