"""Metadata for Datasette: metadata.yml plus descriptions made at run time.

metadata.yml describes the fixed schema under the database name
``medverkan``; the served file may have another name, so the same block is
offered for every database Datasette serves. The ``wide_*`` views are created
by forms.registry whenever an instrument version is registered, so they are
described here from ``questions`` and ``question_choices``.

Datasette calls the ``get_metadata`` hook about thirty times a page, so the
descriptions are kept while the served file is unchanged (file_state.py: one
``os.stat`` of the file and its -wal per call); after a change the file is
opened once to read its schema version and questions, and the views are
described again only when those moved. Each call returns fresh dicts:
Datasette merges its own metadata into what the hook returns, and
``get_canned_queries`` updates the queries dict it finds there.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from datasette_plugins import exports
from datasette_plugins import file_state

METADATA_PATH = Path(__file__).with_name("metadata.yml")
TEMPLATE_DATABASE = "medverkan"
# The C parser when PyYAML was built with libyaml (several times faster).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_static = None
_file_states = file_state.FileCache()
# path -> ((schema_version, questions count, max question id), descriptions)
_described: dict[str, tuple[tuple, dict]] = {}


def static_metadata() -> dict:
    """metadata.yml, parsed once per process (callers must not change it)."""
    global _static
    if _static is None:
        _static = yaml.load(METADATA_PATH.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    return _static


def wide_view_metadata(path: str) -> dict:
    """{view: {"title", "description", "columns"}} for every wide view in the file.

    Shared between calls: copy before changing (metadata_for does).
    """
    try:
        return _file_states.get(path, "wide views", lambda: _read_wide_views(path))
    except sqlite3.Error:
        return {}  # not kept: the next call tries again


def _read_wide_views(path: str) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    try:
        version = conn.execute("pragma schema_version").fetchone()[0]
        questions_version = tuple(conn.execute("select count(*), max(id) from questions").fetchone())
        key = (version, questions_version)
        known = _described.get(path)
        if known is None or known[0] != key:
            known = (key, _describe_wide_views(conn))
            _described[path] = known
        return known[1]
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
        block = _fresh(template) if name != TEMPLATE_DATABASE else {}
        tables = block.setdefault("tables", {})
        for view, described_view in wide_view_metadata(database.path).items():
            tables[view] = dict(described_view, columns=dict(described_view["columns"]))
        databases[name] = block
    return {"databases": databases}


def _fresh(value):
    """A copy of every dict and list in value (the strings are shared): copy.deepcopy's result, faster."""
    if isinstance(value, dict):
        return {key: _fresh(item) if isinstance(item, (dict, list)) else item for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) if isinstance(item, (dict, list)) else item for item in value]
    return value
