"""Jinja filters for the overridden Datasette templates: figures in the
reader's language and Datasette's cells formatted like every other figure.

A hook of its own (``prepare_jinja2_environment``) so plugin.py, which
another part of the project edits, stays as it is; imported in __init__.py.
"""

from __future__ import annotations

import re

from datasette import hookimpl
from jinja2 import pass_context
from markupsafe import Markup

from datasette_plugins import i18n

NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")


def _lang(context) -> str:
    """The page's language: our pages pass ``lang``, extra_template_vars
    ``medverkan_lang``; Datasette's error pages get neither (its
    handle_exception renders error.html without the plugin variables), so
    the request's ``?lang=``/cookie decides there."""
    lang = context.get("lang") or context.get("medverkan_lang")
    if lang in ("sv", "en"):
        return lang
    request = context.get("request")
    return i18n.language(request) if request is not None else "sv"


@pass_context
def translate(context, msgid, **values):
    """``_m`` for templates rendered without extra_template_vars (error pages)."""
    return i18n.translator(_lang(context))(msgid, **values)


@pass_context
def page_language(context):
    return _lang(context)


@pass_context
def number(context, value, decimals=None):
    """``{{ n|num }}``: 12 345 in Swedish, 12,345 in English."""
    return i18n.format_number(value, _lang(context), decimals)


@pass_context
def cell(context, value, raw=None, column=""):
    """A table cell: numbers as figures (keys and ids left as they are), everything else untouched."""
    raw = value if raw is None else raw
    if isinstance(raw, str) and not isinstance(raw, Markup) and NUMERIC.match(raw):
        # Datasette's query page hands over cells already turned into text.
        raw = float(raw) if "." in raw else int(raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return value
    if column == "id" or column.endswith("_id") or column in ("rowid", "position", "version"):
        return value
    if isinstance(value, Markup) and "<" in value:  # a link to another table: keep it
        return value
    if isinstance(raw, float):
        decimals = min(6, len(repr(raw).split(".")[1])) if "." in repr(raw) and "e" not in repr(raw) else None
        return i18n.format_number(raw, _lang(context), decimals)
    return i18n.format_number(raw, _lang(context))


@pass_context
def p_value(context, value):
    """A p-value in the reader's format, "< 0,001" rather than "0,000"."""
    return i18n.format_p(value, _lang(context))


@pass_context
def one_language(context, text):
    """metadata.yml writes titles and descriptions "svenska / English": show the reader's half.

    Text without exactly one " / " is shown as it is.
    """
    if not isinstance(text, str):
        return text
    parts = text.split(" / ")
    if len(parts) != 2:
        return text
    return parts[1].strip() if _lang(context) == "en" else parts[0].strip()


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["num"] = number
    env.filters["pval"] = p_value
    env.filters["cell"] = cell
    env.filters["one_lang"] = one_language
    env.globals["_m"] = translate
    env.globals["medverkan_page_lang"] = page_language
