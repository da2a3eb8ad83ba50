"""Datasette hooks: permissions, the sign-in bridge, our pages and metadata."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from datasette_plugins import access
from datasette_plugins import config
from datasette_plugins import described
from datasette_plugins import hardening
from datasette_plugins import i18n
from datasette_plugins import influence_page
from datasette_plugins import landing
from datasette_plugins import pages
from datasette_plugins import queries
from datasette_plugins import search_page
from datasette_plugins import trends_page


@hookimpl
def permission_allowed(datasette, actor, action, resource):
    # Runs after Datasette's defaults; the last opinion given wins.
    return access.decide(actor, action, resource)


@hookimpl
def asgi_wrapper(datasette):
    """Security headers, CSV neutralisation and the size cap on every response (hardening.py)."""
    return hardening.wrap


@hookimpl
def canned_queries(datasette, database, actor):
    """Management's and coordinators' versions of the vetted queries (queries.py)."""
    return queries.for_actor(datasette, database, actor)


@hookimpl
def forbidden(datasette, request, message):
    """Anonymous visitors go to the sign-in page; signed-in ones get a plain 403."""
    if access.role_of(request.actor) is None:
        target = request.full_path if request.method == "GET" else "/"
        return Response.redirect("/-/medverkan-login?" + urlencode({"next": target}))
    return None


@hookimpl
def register_routes(datasette):
    return [
        (r"^/-/medverkan-login$", pages.login),
        (r"^/-/medverkan/language$", pages.switch_language),
        (r"^/$", landing.home),
        (r"^/-/medverkan/attitudes$", pages.attitudes),
        (r"^/-/medverkan/process/(?P<process_id>\d+)$", pages.process),
        (r"^/-/medverkan/influence$", influence_page.influence_page),
        (r"^/-/medverkan/search$", search_page.search),
        (r"^/-/medverkan/trends$", trends_page.trends_page),
        (r"^/-/medverkan/exports$", pages.exports_page),
        (r"^/-/medverkan/export/(?P<instrument_id>\d+)/(?P<kind>[a-zA-Z_.]+)$", pages.export_file),
        # The address the exports page used for .sav/.dta before the two lists merged.
        (r"^/-/medverkan/research/(?P<instrument_id>\d+)/(?P<kind>sav|dta|csv|excel\.csv)$", pages.export_file),
    ]


@hookimpl
def extra_template_vars(request):
    lang = i18n.language(request) if request is not None else "sv"
    return {
        "medverkan_demo": config.demo(),
        "medverkan_lang": lang,
        # The date printed on paper (base.html, medverkan-print.css).
        "medverkan_today": datetime.date.today().isoformat(),
        "_m": i18n.translator(lang),
    }


@hookimpl
def menu_links(datasette, actor, request):
    _ = i18n.translator(i18n.language(request) if request else "sv")
    if not access.may_see_aggregates(actor):
        return [{"href": "/-/medverkan-login", "label": _("Sign in")}]
    links = [
        {"href": "/-/medverkan/attitudes", "label": _("Attitudes")},
        {"href": "/-/medverkan/trends", "label": _("Trends")},
        {"href": "/-/medverkan/influence", "label": _("Influence")},
    ]
    if access.has_full_access(actor):
        links += [
            {"href": "/-/medverkan/search", "label": _("Search free-text answers")},
            {"href": "/-/medverkan/exports", "label": _("Exports")},
        ]
    return links


@hookimpl
def get_metadata(datasette, key, database, table):
    return described.metadata_for(datasette)


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins("medverkan", "medverkan.css")]
