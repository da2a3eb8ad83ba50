"""Datasette's own 403 and 404 pages, rendered with the request.

Datasette's default handler renders error.html without the request or the
plugin's template variables, so the page cannot know the reader's language
(cookie) nor show the language switch. This hook renders the same template
through ``datasette.render_template`` with the request; Datasette uses the
first response it is given. Other errors (400s from SQL, 500s) are left to
Datasette, whose message the template shows.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Base400, Response

FRIENDLY_STATUSES = (403, 404)


@hookimpl
def handle_exception(datasette, request, exception):
    status = getattr(exception, "status", None)
    if not isinstance(exception, Base400) or status not in FRIENDLY_STATUSES or request.path.endswith(".json"):
        return None

    async def inner():
        html = await datasette.render_template("error.html", {"status": status}, request=request)
        return Response.html(html, status=status)

    return inner
