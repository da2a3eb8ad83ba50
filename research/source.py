"""Read the served database into described variables, for every research format.

Every writer (SPSS, Stata, CSV, codebook, SND bundle) starts from the same
:class:`Variable` list so a column has one name, one label and one set of
missing codes wherever it appears. The schema read here is the contract in
``docs/ARCHITECTURE.md`` (tables ``instruments``, ``questions``,
``question_choices``, ``responses``, ``answers``, ``processes``); this module
never imports the code that writes it.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from dataclasses import field

# Measurement level per question type (SPSS ``variable_measure``; R factor ordering).
MEASURES = {
    "likert": "ordinal",
    "screening": "ordinal",
    "ranking": "ordinal",
    "yesno": "nominal",
    "single": "nominal",
    "multiple": "nominal",
    "integer": "scale",
    "text": "nominal",
}
# Stata allows 32-character variable names, but pyreadstat names each value-label
# set "<variable><counter>" and Stata label names are at most 32 characters:
# 28 leaves room for up to 9,999 labelled variables.
STATA_NAME_LIMIT = 28
CHOSEN_LABELS = {0: ("Ej valt", "Not chosen"), 1: ("Valt", "Chosen")}


@dataclass
class Variable:
    """One column of a wide research table, described once for every format."""

    name: str
    label_sv: str
    label_en: str
    kind: str  # "meta" or the question type
    storage: str  # "int" or "text"
    question_key: str = ""
    theme: str = ""
    core: bool = False
    scale: str = ""
    page: int = 0
    item: str = ""  # applicant pseudonym (screening/ranking) or choice value (multiple)
    labels: dict[int, tuple[str, str]] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    condition: dict | None = None
    stata_name: str = ""

    @property
    def measure(self) -> str:
        if self.kind == "meta":
            return "nominal"
        return MEASURES.get(self.kind, "nominal")


# Columns on every row: enough to merge files across processes and versions.
META_VARIABLES = [
    ("response_key", "Svarets nyckel i denna export (slumpad)", "Response key in this export (random)", "text"),
    ("municipality", "Kommun", "Municipality", "text"),
    ("process_code", "Rekryteringens kod", "Recruitment process code", "text"),
    ("department", "Förvaltning", "Department", "text"),
    ("year", "År då rekryteringen öppnades", "Year the recruitment opened", "int"),
    ("post_level", "Tjänstens nivå: manager, social_worker, other (tom: inte angiven)",
     "Post level: manager, social_worker, other (empty: not recorded)", "text"),
    ("group_key", "Svarsgrupp", "Respondent group", "text"),
    ("instrument_key", "Formulär", "Questionnaire", "text"),
    ("instrument_version", "Formulärets version", "Questionnaire version", "int"),
    ("language", "Formulärets språk", "Language of the questionnaire", "text"),
    ("is_synthetic", "1 = syntetiskt demosvar", "1 = synthetic demo response", "int"),
]


def open_served(path: str) -> sqlite3.Connection:
    """Read-only connection: research exports must never change the served file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def instruments(conn) -> list[dict]:
    rows = conn.execute(
        "select id, key, version, group_key, department, title_sv, title_en, definition_json, source_sha256 "
        "from instruments order by key, version"
    )
    return [dict(row) for row in rows]


def instrument(conn, instrument_id: int) -> dict:
    for info in instruments(conn):
        if info["id"] == instrument_id:
            return info
    raise LookupError(f"no instrument with id {instrument_id}")


def synthetic_note(include_synthetic: bool) -> str:
    """What a codebook says about the demo's synthetic responses, in Swedish and English."""
    if include_synthetic:
        return ("Syntetiska svar: MEDRÄKNADE. Filerna innehåller påhittade demosvar (`is_synthetic` = 1); ta bort dem "
                "ur varje analys av verkliga rekryteringar. / Synthetic responses: INCLUDED. The files hold invented "
                "demo responses (`is_synthetic` = 1); drop them from any analysis of real recruitments.")
    return ("Syntetiska svar: utelämnade (`medverkan research export --include-synthetic` tar med dem). / "
            "Synthetic responses: left out (`medverkan research export --include-synthetic` includes them).")


def processes(conn) -> dict[int, dict]:
    """Process id -> the fields researchers merge on (code, department, year, post level).

    ``post_level`` is NULL for processes made before the field existed
    (migration m007): the export leaves it empty rather than guess.
    """
    result = {}
    columns = {row[1] for row in conn.execute("pragma table_info(processes)")}
    level = "post_level" if "post_level" in columns else "null as post_level"  # a bundle's or an older file
    for row in conn.execute(f"select id, code, department, opened_on, is_synthetic, {level} from processes"):
        opened = row["opened_on"] or ""
        result[row["id"]] = {
            "code": row["code"],
            "department": row["department"],
            "year": int(opened[:4]) if opened[:4].isdigit() else None,
            "post_level": row["post_level"],
            "is_synthetic": row["is_synthetic"],
        }
    return result


def item_suffix(item: str) -> str:
    """'Sökande A' -> 'sokande_a': an ASCII variable-name part for an applicant."""
    ascii_text = unicodedata.normalize("NFKD", item).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug or "item"


def item_suffixes(items: list[str]) -> list[str]:
    """Short suffixes ('Sökande A' -> 'a') when they stay unique, else the full slug.

    Short names keep ``screening_applicants__a`` within Stata's name limit.
    """
    short = [item_suffix(item.split()[-1]) if item.split() else item_suffix(item) for item in items]
    if len(set(short)) == len(short):
        return short
    return [item_suffix(item) for item in items]


def _items(conn, question_id: int, process_id: int | None) -> list[str]:
    """Applicants answered about, from answer_counts (indexed, small): ``answers`` has no such index (m004)."""
    sql = "select distinct item from answer_counts where question_id = ? and item != '' and n > 0"
    params: list = [question_id]
    if process_id is not None:
        sql += " and process_id = ?"
        params.append(process_id)
    return sorted(row[0] for row in conn.execute(sql, params))


def question_variables(conn, instrument_id: int, process_id: int | None = None) -> list[Variable]:
    """The answer columns of one instrument version: one per question, choice or applicant."""
    variables: list[Variable] = []
    questions = conn.execute(
        "select id, key, type, theme, core, text_sv, text_en, scale, page, condition_json "
        "from questions where instrument_id = ? order by position",
        [instrument_id],
    ).fetchall()
    for q in questions:
        choices = conn.execute(
            "select value, label_sv, label_en, is_missing from question_choices where question_id = ? order by value",
            [q["id"]],
        ).fetchall()
        labels = {c["value"]: (c["label_sv"], c["label_en"]) for c in choices}
        missing = [c["value"] for c in choices if c["is_missing"]]
        common = dict(
            kind=q["type"],
            question_key=q["key"],
            theme=q["theme"] or "",
            core=bool(q["core"]),
            scale=q["scale"] or "",
            page=q["page"] or 0,
            condition=json.loads(q["condition_json"]) if q["condition_json"] else None,
        )
        if q["type"] == "multiple":
            for value, (sv, en) in labels.items():
                variables.append(
                    Variable(f"{q['key']}__{value}", f"{q['text_sv']} – {sv}", f"{q['text_en']} – {en}",
                             storage="int", item=str(value), labels=dict(CHOSEN_LABELS), **common)
                )
        elif q["type"] in ("screening", "ranking"):
            items = _items(conn, q["id"], process_id)
            for item, suffix in zip(items, item_suffixes(items)):
                variables.append(
                    Variable(f"{q['key']}__{suffix}", f"{q['text_sv']} – {item}", f"{q['text_en']} – {item}",
                             storage="int", item=item, labels=labels, missing=missing, **common)
                )
        else:
            storage = "text" if q["type"] == "text" else "int"
            variables.append(
                Variable(q["key"], q["text_sv"], q["text_en"], storage=storage, labels=labels, missing=missing, **common)
            )
    return variables


def meta_variables() -> list[Variable]:
    return [Variable(name, sv, en, kind="meta", storage=storage) for name, sv, en, storage in META_VARIABLES]


def wide_variables(conn, instrument_id: int, process_id: int | None = None) -> list[Variable]:
    variables = meta_variables() + question_variables(conn, instrument_id, process_id)
    assign_stata_names(variables)
    return variables


def assign_stata_names(variables: list[Variable]) -> None:
    """Stata names are at most 31 characters here (see STATA_NAME_LIMIT): shorten long ones, keep them unique.

    The codebook lists both names, so a researcher can map a Stata column back.
    """
    taken: set[str] = set()
    for variable in variables:
        name = variable.name
        if len(name) > STATA_NAME_LIMIT:
            stem, counter = name[: STATA_NAME_LIMIT - 3], 1
            name = f"{stem}_{counter:02d}"
            while name in taken:
                counter += 1
                name = f"{stem}_{counter:02d}"
        taken.add(name)
        variable.stata_name = name


def wide_rows(conn, instrument_id: int, variables: list[Variable], ids, *, process_id=None, municipality="",
              include_synthetic: bool = True):
    """One dict per response (keys = variable names), ordered by the export's random key.

    Without ``include_synthetic`` the demo's synthetic responses
    (``is_synthetic = 1``) are left out; the export functions decide (they
    leave them out unless asked).

    ``ids`` (:class:`research.identifiers.ExportKeys`) replaces the stored
    response id. The submission date is left out on purpose: with the
    contacts database's ``answered_on`` it would link a response to a person.
    """
    process_info = processes(conn)
    info = instrument(conn, instrument_id)
    by_question = {}
    for v in variables:
        if v.kind != "meta":
            by_question.setdefault(v.question_key, []).append(v)
    real_only = "" if include_synthetic else " and coalesce(is_synthetic, 0) = 0"
    sql = "select id, process_id, group_key, language, is_synthetic from responses where instrument_id = ?" + real_only
    params: list = [instrument_id]
    if process_id is not None:
        sql += " and process_id = ?"
        params.append(process_id)
    rows = {}
    for r in conn.execute(sql, params):
        process = process_info[r["process_id"]]
        rows[r["id"]] = {
            **{v.name: None for v in variables},
            "response_key": ids.key(r["id"]),
            "municipality": municipality or None,
            "process_code": process["code"],
            "department": process["department"],
            "year": process["year"],
            "post_level": process["post_level"],
            "group_key": r["group_key"],
            "instrument_key": info["key"],
            "instrument_version": info["version"],
            "language": r["language"],
            "is_synthetic": int(r["is_synthetic"] or 0),
        }
    answer_sql = (
        "select a.response_id, q.key, a.item, a.value_int, a.value_text from answers a "
        "join questions q on q.id = a.question_id join responses r on r.id = a.response_id "
        "where r.instrument_id = ?" + (" and r.process_id = ?" if process_id is not None else "")
        + ("" if include_synthetic else " and coalesce(r.is_synthetic, 0) = 0")
    )
    for response_id, key, item, value_int, value_text in conn.execute(answer_sql, params):
        row = rows[response_id]
        for v in by_question.get(key, ()):
            if v.kind == "multiple":
                row[v.name] = 1 if item == v.item else (row[v.name] or 0)
            elif v.kind in ("screening", "ranking"):
                if item == v.item:
                    row[v.name] = value_int
            else:
                row[v.name] = value_text if v.storage == "text" else value_int
    # A multiple-choice question answered at all gets 0 for the options not chosen.
    for row in rows.values():
        for group in by_question.values():
            if group[0].kind == "multiple" and any(row[v.name] is not None for v in group):
                for v in group:
                    row[v.name] = row[v.name] or 0
    return sorted(rows.values(), key=lambda row: (row["process_code"], row["group_key"], row["response_key"]))
