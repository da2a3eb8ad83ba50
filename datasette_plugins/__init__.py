"""Medverkan's Datasette plugins, loaded through the ``datasette`` entry point
registered in setup.cfg (``medverkan = datasette_plugins``).

Pluggy finds hooks among this module's attributes (through ``dir()``). The
hooks in ``datasette_plugins.plugin`` import Datasette and every page module,
so they are loaded on first access (PEP 562 ``__getattr__``) rather than at
import time: the collector imports ``datasette_plugins.schema`` (migrations)
and ``datasette_plugins.sql_functions`` (statistics functions on its own
connections) and must not pay for Datasette to do so.
"""

from __future__ import annotations

import importlib

from datasette_plugins.sql_functions import prepare_connection  # noqa: F401  (cheap: no Datasette import)

_PLUGIN_HOOKS = (
    "asgi_wrapper",
    "canned_queries",
    "extra_css_urls",
    "extra_template_vars",
    "forbidden",
    "get_metadata",
    "handle_exception",
    "menu_links",
    "permission_allowed",
    "register_routes",
)


def __getattr__(name: str):
    if name in _PLUGIN_HOOKS:
        return getattr(importlib.import_module("datasette_plugins.plugin"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PLUGIN_HOOKS))
