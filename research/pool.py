"""Pool SND bundles from several municipalities into one served-format database.

Each data controller runs its own Medverkan; researchers pool the
de-identified bundles. The pooled file has the served schema (taken from the
bundles' ``served-schema.sql`` and migration list, so this package needs no
import from ``collector``), and the same Datasette plugins serve it:

* one *process* per bundle stratum (code ``<MUNICIPALITY>-S<n>``), status
  ``closed``; a ``municipality`` column is added to ``processes``,
  ``responses`` and ``answers`` and filled on every row;
* ids that cannot collide: processes, instruments and questions numbered
  here; response ids drawn at random (62 bits, as the collector does) and
  checked unique, since bundle keys are only unique within a bundle;
* instruments merged by (key, version) when their definitions' SHA-256
  agree; a different definition under the same key and version is refused;
* ``answer_counts`` and ``response_counts`` rebuilt from the answers (the
  m003 triggers build the core summaries from them), then checked against the
  raw answers both ways, and every process × group cell checked against k;
* ``wide_<key>_v<version>`` views recreated with the same columns as the
  served database's (``forms.registry`` builds those; the SQL shape is the
  contract, copied here). The bundles carry no language or date, so
  ``language`` is ``und`` (undetermined) and ``submitted_on`` is empty.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq

from research.disclosure import DisclosureError
from research.disclosure import check_cells


class PoolError(ValueError):
    """The bundles cannot be pooled; the message says why (sv + en)."""


def _table(bundle: Path, name: str) -> list[dict]:
    return pq.read_table(bundle / "parquet" / f"{name}.parquet").to_pylist()


def _read_bundles(paths: list[str]) -> list[dict]:
    bundles = []
    for path in paths:
        folder = Path(path)
        meta_path = folder / "bundle.json"
        if not meta_path.exists():
            raise PoolError(f"{folder} är inget paket (bundle.json saknas). / {folder} is not a bundle (no bundle.json).")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        bundles.append({"path": folder, "meta": meta, "schema": (folder / "served-schema.sql").read_text(encoding="utf-8")})
    names = [b["meta"]["municipality"] for b in bundles]
    if len(set(names)) != len(names):
        raise PoolError(f"Samma kommun två gånger: {names}. / The same municipality twice: {names}.")
    migrations = {json.dumps(b["meta"]["migrations"]) for b in bundles}
    if len(migrations) != 1:
        raise PoolError(
            "Paketen kommer från olika versioner av Medverkan; exportera dem från samma version. / "
            "The bundles come from different Medverkan versions; export them from the same version."
        )
    return bundles


def _create(output: str, bundle: dict) -> sqlite3.Connection:
    if Path(output).exists():
        raise PoolError(f"{output} finns redan. / {output} already exists.")
    conn = sqlite3.connect(output, isolation_level=None)
    conn.execute("pragma journal_mode = wal")
    conn.executescript(bundle["schema"])
    conn.execute("begin")
    for migration_set, name in bundle["meta"]["migrations"]:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) values (?, ?, datetime('now'))",
            [migration_set, name],
        )
    for table in ("processes", "responses", "answers"):
        conn.execute(f"alter table {table} add column municipality text")
    return conn


def _merge_questionnaires(conn, bundle: Path, instrument_ids: dict) -> dict:
    """Insert instruments/questions/choices not yet present; return (key, version, question) -> question id."""
    question_ids = {}
    for row in _table(bundle, "instruments"):
        ident = (row["instrument_key"], row["instrument_version"])
        if ident in instrument_ids:
            known_sha = conn.execute("select source_sha256 from instruments where id = ?", [instrument_ids[ident]]).fetchone()[0]
            if known_sha != row["definition_sha256"]:
                raise PoolError(
                    f"Formuläret {ident[0]} version {ident[1]} skiljer sig mellan kommunerna. / "
                    f"Questionnaire {ident[0]} version {ident[1]} differs between the municipalities."
                )
            continue
        instrument_ids[ident] = conn.execute(
            "insert into instruments (key, version, group_key, department, title_sv, title_en, source_sha256, "
            "definition_json) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [row["instrument_key"], row["instrument_version"], row["group_key"], row["department"], row["title_sv"],
             row["title_en"], row["definition_sha256"], row["definition_json"]],
        ).lastrowid
    for row in conn.execute("select i.key, i.version, q.key, q.id from questions q join instruments i on i.id = q.instrument_id"):
        question_ids[row[:3]] = row[3]
    for q in _table(bundle, "questions"):
        ident = (q["instrument_key"], q["instrument_version"], q["question_key"])
        if ident in question_ids:
            continue
        question_ids[ident] = conn.execute(
            "insert into questions (instrument_id, key, position, page, type, theme, core, required, text_sv, "
            "text_en, scale, condition_json) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [instrument_ids[ident[:2]], q["question_key"], q["position"], q["page"], q["type"], q["theme"], q["core"],
             q["required"], q["text_sv"], q["text_en"], q["scale"], q["condition_json"]],
        ).lastrowid
        for c in _table_cache(bundle, "value_labels").get(ident, []):
            conn.execute(
                "insert into question_choices (question_id, value, label_sv, label_en, is_missing) values (?, ?, ?, ?, ?)",
                [question_ids[ident], c["value"], c["label_sv"], c["label_en"], c["is_missing"]],
            )
    return question_ids


_CACHE: dict = {}


def _table_cache(bundle: Path, name: str) -> dict:
    key = (str(bundle), name)
    if key not in _CACHE:
        grouped: dict = {}
        for row in _table(bundle, name):
            grouped.setdefault((row["instrument_key"], row["instrument_version"], row["question_key"]), []).append(row)
        _CACHE[key] = grouped
    return _CACHE[key]


def _new_response_id(used: set[int]) -> int:
    while True:
        candidate = secrets.randbits(62) or 1
        if candidate not in used:
            used.add(candidate)
            return candidate


def _load_bundle(conn, bundle: dict, instrument_ids: dict, used_ids: set[int]) -> int:
    folder, municipality = bundle["path"], bundle["meta"]["municipality"]
    for row in _table(folder, "respondent_groups"):
        conn.execute("insert or ignore into respondent_groups (key, label_sv, label_en, position) values (?, ?, ?, ?)",
                     [row["key"], row["label_sv"], row["label_en"], row["position"]])
    for row in _table(folder, "departments"):
        conn.execute("insert or ignore into departments (key, name_sv, name_en) values (?, ?, ?)",
                     [row["key"], row["name_sv"], row["name_en"]])
    question_ids = _merge_questionnaires(conn, folder, instrument_ids)
    responses = _table(folder, "responses")
    synthetic = {r["stratum_id"]: r["is_synthetic"] for r in responses}
    process_ids = {}
    prefix = "".join(ch for ch in municipality.upper() if ch.isalnum()) or "M"
    for stratum in _table(folder, "strata"):
        label = f"{municipality}: {stratum['department'] or 'alla förvaltningar'}, {stratum['year'] or 'alla år'}"
        process_ids[stratum["stratum_id"]] = conn.execute(
            "insert into processes (code, post_title, department, status, instrument_set, is_synthetic, municipality, "
            "description) values (?, ?, ?, 'closed', 'default', ?, ?, ?)",
            [f"{prefix}-S{stratum['stratum_id']}", label, stratum["department"], synthetic.get(stratum["stratum_id"], 0),
             municipality, "Sammanslaget från ett avidentifierat SND-paket / Pooled from a de-identified SND bundle"],
        ).lastrowid
    new_ids = {}
    for r in responses:
        new_ids[r["response_key"]] = rid = _new_response_id(used_ids)
        conn.execute(
            "insert into responses (id, process_id, group_key, instrument_id, language, submitted_on, is_synthetic, "
            "municipality) values (?, ?, ?, ?, 'und', '', ?, ?)",
            [rid, process_ids[r["stratum_id"]], r["group_key"],
             instrument_ids[(r["instrument_key"], r["instrument_version"])], r["is_synthetic"], municipality],
        )
    by_key = {r["response_key"]: r for r in responses}
    conn.executemany(
        "insert into answers (response_id, question_id, item, value_int, process_id, group_key, municipality) "
        "values (?, ?, ?, ?, ?, ?, ?)",
        (
            [new_ids[a["response_key"]], question_ids[(a["instrument_key"], a["instrument_version"], a["question_key"])],
             a["item"] or "", a["value"], process_ids[by_key[a["response_key"]]["stratum_id"]], a["group_key"], municipality]
            for a in _table(folder, "answers")
        ),
    )
    return len(responses)


def pool_bundles(paths: list[str], output: str, *, k: int = 5) -> dict:
    """Pool the bundles at ``paths`` into a new served-format database at ``output``."""
    from research.pool_checks import create_wide_views
    from research.pool_checks import rebuild_and_check_summaries

    bundles = _read_bundles(paths)
    conn = _create(output, bundles[0])
    try:
        instrument_ids: dict = {}
        used: set[int] = set()
        total = sum(_load_bundle(conn, bundle, instrument_ids, used) for bundle in bundles)
        rebuild_and_check_summaries(conn)
        cells = [{"process_id": p, "group_key": g} for p, g, n in conn.execute("select * from response_counts") for _ in range(n)]
        try:
            check_cells("pooled responses", cells, ("process_id", "group_key"), k)
        except DisclosureError as error:
            raise PoolError(str(error)) from error
        create_wide_views(conn)
        conn.execute("commit")
    except BaseException:
        if conn.in_transaction:
            conn.execute("rollback")
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(output + suffix).unlink(missing_ok=True)
        raise
    finally:
        _CACHE.clear()
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    return {"responses": total, "municipalities": len(bundles)}
