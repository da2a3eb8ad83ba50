"""Datasette's own 403 and 404 pages, rendered with the request.

Datasette's default handler renders error.html without the request or the
plugin's template variables, so the page cannot know the reader's language
(cookie) nor show the language switch. This hook renders the same template
through ``datasette.render_template`` with the request; Datasette uses the
first response it is given. Malformed row addresses, which Datasette answers
with a 500, become a 404 (``bad_addresses.py``). Other errors (400s from
SQL, 500s) are left to Datasette, whose message the template shows.

Datasette calls its own default handler after ours even when ours answered
(only the first response is sent) and, when the ``rich`` package is
installed (typer brings it), that handler printed every exception with the
local variables of each frame: ~250 ms per 404 or 400, and the request's
headers, ``ds_actor`` cookie included, in the server's log. Its ``rich``
is switched off here; a 500 is still printed, as a plain traceback, by the
same handler (``traceback.print_exc``).
"""

from __future__ import annotations

import datasette.handle_exception as datasette_default_handler
from datasette import hookimpl
from datasette.utils.asgi import Base400
from datasette.utils.asgi import Response

from datasette_plugins import bad_addresses
from datasette_plugins import i18n

FRIENDLY_STATUSES = (403, 404)
datasette_default_handler.rich = None


@hookimpl
def handle_exception(datasette, request, exception):
    if request is not None and bad_addresses.is_bad_address(exception):
        # A malformed row address or an id past 64 bits: the reader's input, a 404.
        message = i18n.translator(i18n.language(request))("There is no such row: the address is not a row of this table.")

        async def not_found():
            html = await datasette.render_template("error.html", {"status": 404, "message": message}, request=request)
            return Response.html(html, status=404)

        return not_found
    status = getattr(exception, "status", None)
    if not isinstance(exception, Base400) or status not in FRIENDLY_STATUSES or request.path.endswith(".json"):
        return None

    async def inner():
        html = await datasette.render_template("error.html", {"status": status}, request=request)
        return Response.html(html, status=status)

    return inner
