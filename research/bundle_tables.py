"""The de-identified tables of an SND deposit bundle, built from the served database.

What is published, and why (docs/research-data.md has the full argument):

* no process code, post title, applicant pseudonym, date or stored id: the
  process is replaced by a *stratum* (municipality + department and/or year
  when cells allow, see :mod:`research.disclosure`), the stored response id
  by a key drawn for this bundle only;
* coded answers only (Likert, yes/no, single and multiple choice): free text
  can name people, integer answers can be an age, and screening/ranking
  answers are judgements about named-by-pseudonym applicants of one process;
* the questionnaire (instruments, questions, value labels) in full: it holds
  no personal data and lets a pooled database be rebuilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from research import source
from research.disclosure import choose_level
from research.identifiers import ExportKeys

PUBLISHED_TYPES = ("likert", "yesno", "single", "multiple")


@dataclass
class Table:
    """One published table: rows plus the Table Schema facts the writers need."""

    name: str
    title: str
    fields: list[tuple[str, str, str]]  # (name, "integer" | "string", description)
    rows: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict] = field(default_factory=list)
    missing_codes: dict[str, list[int]] = field(default_factory=dict)  # field -> codes read as missing
    about_respondents: bool = False  # subject to the k check
    variables: list = field(default_factory=list)  # wide tables: the source.Variable of each answer column


def _fk(fields: list[str], resource: str, reference: list[str]) -> dict:
    return {"fields": fields, "reference": {"resource": resource, "fields": reference}}


def build_tables(served_path: str, *, municipality: str, k: int) -> tuple[list[Table], dict]:
    """All bundle tables and a report (level, responses, suppressed)."""
    conn = source.open_served(served_path)
    try:
        return _build(conn, municipality, k)
    finally:
        conn.close()


def _build(conn, municipality: str, k: int):
    process_info = source.processes(conn)
    raw = []
    for row in conn.execute("select id, process_id, group_key, instrument_id, is_synthetic from responses"):
        process = process_info[row["process_id"]]
        raw.append({
            "id": row["id"], "group_key": row["group_key"], "instrument_id": row["instrument_id"],
            "is_synthetic": row["is_synthetic"], "department": process["department"], "year": process["year"],
        })
    level, kept, suppressed = choose_level(raw, k)
    strata: dict[tuple, int] = {}
    for row in sorted(kept, key=lambda r: tuple(str(r[f]) for f in level)):
        strata.setdefault(tuple(row[f] for f in level), len(strata) + 1)
    keys = ExportKeys()
    instruments = {info["id"]: info for info in source.instruments(conn)}
    responses = [
        {
            "response_key": keys.key(row["id"]),
            "stratum_id": strata[tuple(row[f] for f in level)],
            "group_key": row["group_key"],
            "instrument_key": instruments[row["instrument_id"]]["key"],
            "instrument_version": instruments[row["instrument_id"]]["version"],
            "is_synthetic": int(row["is_synthetic"] or 0),
        }
        for row in kept
    ]
    responses.sort(key=lambda r: r["response_key"])
    kept_ids = {row["id"] for row in kept}
    tables = [
        _groups(conn), _departments(conn),
        Table("strata", "Strata: what stands in for the recruitment process",
              [("stratum_id", "integer", "Stratum number in this bundle"),
               ("municipality", "string", "Municipality (data controller)"),
               ("department", "string", "Department, when cells allow; else empty"),
               ("year", "integer", "Year the recruitments opened, when cells allow; else empty")],
              [{"stratum_id": sid, "municipality": municipality,
                "department": dict(zip(level, values)).get("department"), "year": dict(zip(level, values)).get("year")}
               for values, sid in strata.items()],
              ["stratum_id"], [_fk(["department"], "departments", ["key"])]),
    ]
    tables += _questionnaire(conn, instruments)
    tables.append(Table(
        "responses", "One row per published response",
        [("response_key", "string", "Random key drawn for this bundle (not the stored id)"),
         ("stratum_id", "integer", "Stratum"), ("group_key", "string", "Respondent group"),
         ("instrument_key", "string", "Questionnaire"), ("instrument_version", "integer", "Questionnaire version"),
         ("is_synthetic", "integer", "1 = synthetic demo response")],
        responses, ["response_key"],
        [_fk(["stratum_id"], "strata", ["stratum_id"]), _fk(["group_key"], "respondent_groups", ["key"]),
         _fk(["instrument_key", "instrument_version"], "instruments", ["instrument_key", "instrument_version"])],
        about_respondents=True,
    ))
    by_key = {r["response_key"]: r for r in responses}
    answers = []
    sql = (
        "select a.response_id, q.key, q.instrument_id, a.item, a.value_int, coalesce(c.is_missing, 0) "
        "from answers a join questions q on q.id = a.question_id "
        "left join question_choices c on c.question_id = a.question_id and c.value = a.value_int "
        f"where q.type in ({', '.join('?' for _ in PUBLISHED_TYPES)})"
    )
    for response_id, qkey, instrument_id, item, value, is_missing in conn.execute(sql, PUBLISHED_TYPES):
        if response_id not in kept_ids:
            continue
        info = instruments[instrument_id]
        answers.append({"response_key": keys.key(response_id), "instrument_key": info["key"],
                        "instrument_version": info["version"], "question_key": qkey, "item": item or "",
                        "value": value, "is_missing": int(is_missing)})
    answers.sort(key=lambda a: (a["response_key"], a["question_key"], a["item"]))
    for answer in answers:
        answer["stratum_id"] = by_key[answer["response_key"]]["stratum_id"]
        answer["group_key"] = by_key[answer["response_key"]]["group_key"]
    tables.append(Table(
        "answers", "Coded answers, long format (one row per answer; per chosen option for multiple choice)",
        [("response_key", "string", "Response"), ("stratum_id", "integer", "Stratum (copied from the response)"),
         ("group_key", "string", "Respondent group (copied from the response)"),
         ("instrument_key", "string", "Questionnaire"), ("instrument_version", "integer", "Questionnaire version"),
         ("question_key", "string", "Question"), ("item", "string", "Chosen option (multiple choice), else empty"),
         ("value", "integer", "Code; see value_labels"), ("is_missing", "integer", "1 = a missing code (9: don't know)")],
        answers, ["response_key", "question_key", "item"],
        [_fk(["response_key"], "responses", ["response_key"]),
         _fk(["instrument_key", "instrument_version", "question_key"], "questions",
             ["instrument_key", "instrument_version", "question_key"])],
        about_respondents=True,
    ))
    tables += _wide_tables(conn, instruments, responses, answers)
    report = {"level": "+".join(("municipality",) + level), "responses": len(responses),
              "suppressed": suppressed, "k": k, "strata": len(strata), "municipality": municipality}
    return tables, report


def _groups(conn) -> Table:
    rows = [dict(r) for r in conn.execute("select key, label_sv, label_en, position from respondent_groups")]
    return Table("respondent_groups", "Respondent groups",
                 [("key", "string", "Group key"), ("label_sv", "string", "Label (sv)"),
                  ("label_en", "string", "Label (en)"), ("position", "integer", "Display order")], rows, ["key"])


def _departments(conn) -> Table:
    rows = [dict(r) for r in conn.execute("select key, name_sv, name_en from departments")]
    return Table("departments", "Departments",
                 [("key", "string", "Department key"), ("name_sv", "string", "Name (sv)"),
                  ("name_en", "string", "Name (en)")], rows, ["key"])


def _questionnaire(conn, instruments: dict) -> list[Table]:
    instrument_rows = [
        {"instrument_key": i["key"], "instrument_version": i["version"], "group_key": i["group_key"],
         "department": i["department"], "title_sv": i["title_sv"], "title_en": i["title_en"],
         "definition_sha256": i["source_sha256"], "definition_json": i["definition_json"]}
        for i in instruments.values()
    ]
    questions, labels = [], []
    for q in conn.execute(
        "select id, instrument_id, key, position, page, type, theme, core, required, text_sv, text_en, scale, "
        "condition_json from questions order by instrument_id, position"
    ):
        info = instruments[q["instrument_id"]]
        ident = {"instrument_key": info["key"], "instrument_version": info["version"], "question_key": q["key"]}
        questions.append({**ident, "position": q["position"], "page": q["page"], "type": q["type"],
                          "theme": q["theme"], "core": q["core"], "required": q["required"], "text_sv": q["text_sv"],
                          "text_en": q["text_en"], "scale": q["scale"], "condition_json": q["condition_json"],
                          "published": int(q["type"] in PUBLISHED_TYPES)})
        for c in conn.execute("select value, label_sv, label_en, is_missing from question_choices "
                              "where question_id = ? order by value", [q["id"]]):
            labels.append({**ident, "value": c["value"], "label_sv": c["label_sv"], "label_en": c["label_en"],
                           "is_missing": c["is_missing"]})
    ident_fields = [("instrument_key", "string", "Questionnaire"), ("instrument_version", "integer", "Version")]
    q_ident = ident_fields + [("question_key", "string", "Question key")]
    return [
        Table("instruments", "Questionnaire versions with their full definitions",
              ident_fields + [("group_key", "string", "Respondent group"), ("department", "string", "Department variant"),
                              ("title_sv", "string", "Title (sv)"), ("title_en", "string", "Title (en)"),
                              ("definition_sha256", "string", "SHA-256 of the definition"),
                              ("definition_json", "string", "The definition (canonical JSON)")],
              instrument_rows, ["instrument_key", "instrument_version"], [_fk(["group_key"], "respondent_groups", ["key"])]),
        Table("questions", "Questions (the codebook)",
              q_ident + [("position", "integer", "Order"), ("page", "integer", "Page"), ("type", "string", "Type"),
                         ("theme", "string", "Theme"), ("core", "integer", "1 = common core"),
                         ("required", "integer", "1 = required"), ("text_sv", "string", "Question (sv)"),
                         ("text_en", "string", "Question (en)"), ("scale", "string", "Scale"),
                         ("condition_json", "string", "Skip condition: shown only if"),
                         ("published", "integer", "1 = answers published in this bundle")],
              questions, ["instrument_key", "instrument_version", "question_key"],
              [_fk(["instrument_key", "instrument_version"], "instruments", ["instrument_key", "instrument_version"])]),
        Table("value_labels", "Value labels and missing codes",
              q_ident + [("value", "integer", "Code"), ("label_sv", "string", "Label (sv)"),
                         ("label_en", "string", "Label (en)"), ("is_missing", "integer", "1 = missing code")],
              labels, ["instrument_key", "instrument_version", "question_key", "value"],
              [_fk(["instrument_key", "instrument_version", "question_key"], "questions",
                   ["instrument_key", "instrument_version", "question_key"])]),
    ]


def _wide_tables(conn, instruments: dict, responses: list[dict], answers: list[dict]) -> list[Table]:
    """One wide table per answered questionnaire version (published questions only)."""
    tables = []
    for instrument_id, info in sorted(instruments.items(), key=lambda kv: (kv[1]["key"], kv[1]["version"])):
        own = [r for r in responses if (r["instrument_key"], r["instrument_version"]) == (info["key"], info["version"])]
        if not own:
            continue
        variables = [v for v in source.question_variables(conn, instrument_id) if v.kind in PUBLISHED_TYPES]
        rows = {r["response_key"]: {"response_key": r["response_key"], "stratum_id": r["stratum_id"],
                                    "group_key": r["group_key"], **{v.name: None for v in variables}} for r in own}
        by_question = {}
        for v in variables:
            by_question.setdefault(v.question_key, []).append(v)
        for a in answers:
            row = rows.get(a["response_key"])
            if row is None or a["question_key"] not in by_question:
                continue
            for v in by_question[a["question_key"]]:
                if v.kind == "multiple":
                    row[v.name] = 1 if a["item"] == v.item else (row[v.name] or 0)
                else:
                    row[v.name] = a["value"]
        for row in rows.values():
            for group in by_question.values():
                if group[0].kind == "multiple" and any(row[v.name] is not None for v in group):
                    for v in group:
                        row[v.name] = row[v.name] or 0
        name = f"wide_{info['key']}_v{info['version']}"
        tables.append(Table(
            name, f"{info['title_en']} (version {info['version']}): one row per response",
            [("response_key", "string", "Response"), ("stratum_id", "integer", "Stratum"),
             ("group_key", "string", "Respondent group")]
            + [(v.name, "integer", v.label_en) for v in variables],
            sorted(rows.values(), key=lambda r: r["response_key"]), ["response_key"],
            [_fk(["response_key"], "responses", ["response_key"])],
            missing_codes={v.name: v.missing for v in variables if v.missing},
            about_respondents=True,
            variables=variables,
        ))
    return tables
