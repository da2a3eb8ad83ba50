"""Metadata for Datasette: metadata.yml plus descriptions made at run time.

metadata.yml describes the fixed schema under the database name
``medverkan``; the served file may have another name, so the same block is
offered for every database Datasette serves. The ``wide_*`` views are created
by forms.registry whenever an instrument version is registered, so they are
described here from ``questions`` and ``question_choices``, cached per
schema version of the file.
"""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path

import yaml

from datasette_plugins import exports

METADATA_PATH = Path(__file__).with_name("metadata.yml")
TEMPLATE_DATABASE = "medverkan"
_static = None
_wide_cache: dict = {}


def static_metadata() -> dict:
    global _static
    if _static is None:
        _static = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    return _static


def wide_view_metadata(path: str) -> dict:
    """{view: {"title", "description", "columns"}} for every wide view in the file."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return {}
    try:
        version = conn.execute("pragma schema_version").fetchone()[0]
        questions_version = conn.execute("select count(*), max(id) from questions").fetchone()
        key = (path, version, questions_version)
        if key not in _wide_cache:
            _wide_cache.clear()
            _wide_cache[key] = _describe_wide_views(conn)
        return _wide_cache[key]
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


def _describe_wide_views(conn) -> dict:
    tables = {}
    for info in exports.instruments(conn):
        name = exports.view_name(info)
        columns = {v["variable"]: f"{v['text_sv']} / {v['text_en']}" for v in exports.variables(conn, info["id"])}
        tables[name] = {
            "title": f"{info['title_sv']} (v{info['version']}) – en rad per svar",
            "description": (
                f"Svar på {info['title_sv']}, version {info['version']}, en rad per svar och en kolumn per fråga. "
                f"/ Answers to {info['title_en']}, version {info['version']}, one row per response and one column per question."
            ),
            "columns": columns,
        }
    return tables


def metadata_for(datasette) -> dict:
    """The block of metadata.yml for each served database, plus its wide views."""
    static = static_metadata()
    template = (static.get("databases") or {}).get(TEMPLATE_DATABASE) or {}
    databases = {}
    for name, database in datasette.databases.items():
        if name.startswith("_") or not database.path:
            continue
        block = copy.deepcopy(template) if name != TEMPLATE_DATABASE else {}
        block.setdefault("tables", {}).update(wide_view_metadata(database.path))
        databases[name] = block
    return {"databases": databases}
