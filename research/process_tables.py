"""Table 2 (screening by each representative), the parties' rankings and the stages, as research files.

Until now these were only Datasette table CSVs, one row per rating. Here a
researcher gets one row per rater (or party) and process with one column per
applicant (``applicant_a`` = "Sökande A" *of that process*: pseudonyms are
per process), the same merge columns as the questionnaire files
(``process_code``, ``department``, ``year``, ``post_level``), and the value
labels of the 1–4 screening scale, in .sav, .dta and CSV.
"""

from __future__ import annotations

from pathlib import Path

from research import source
from research.source import Variable
from research.source import item_suffix

# The screening scale of Table 2 (docs/ARCHITECTURE.md "Codes"; forms.model.SCREENING_SCALE).
SCREENING_LABELS = {1: ("Ja", "Yes"), 2: ("Ja, med reservation", "Yes, with reservation"), 3: ("Tveksam", "Doubtful"), 4: ("Nej", "No")}
MERGE = [
    ("process_code", "Rekryteringens kod", "Recruitment process code", "text"),
    ("department", "Förvaltning", "Department", "text"),
    ("year", "År då rekryteringen öppnades", "Year the recruitment opened", "int"),
    ("post_level", "Tjänstens nivå: manager, social_worker, other (tom: inte angiven)",
     "Post level: manager, social_worker, other (empty: not recorded)", "text"),
]


def _merge_columns(process: dict) -> dict:
    return {
        "process_code": process["code"], "department": process["department"], "year": process["year"],
        "post_level": process["post_level"],
    }


def _by_applicant(conn, table: str, who: str, value: str, kind: str, labels: dict, title: tuple[str, str],
                  include_synthetic: bool = False):
    processes = source.processes(conn)
    rows: dict[tuple, dict] = {}
    suffixes: set[str] = set()
    real_only = "" if include_synthetic else " where coalesce(is_synthetic, 0) = 0"
    for process_id, person, applicant, number in conn.execute(
        f"select process_id, {who}, applicant, {value} from {table}{real_only} order by process_id, {who}, applicant"
    ):
        key = (processes[process_id]["code"], person)
        row = rows.setdefault(key, {**_merge_columns(processes[process_id]), who: person})
        suffix = f"applicant_{item_suffix(applicant.split()[-1])}"
        suffixes.add(suffix)
        row[suffix] = number
    variables = [Variable(name, sv, en, kind="meta", storage=storage) for name, sv, en, storage in MERGE]
    variables.append(Variable(who, title[0], title[1], kind="meta", storage="text"))
    for suffix in sorted(suffixes):
        letter = suffix.removeprefix("applicant_").upper()
        variables.append(Variable(suffix, f"Sökande {letter}", f"Applicant {letter}", kind=kind, storage="int",
                                  labels=dict(labels), scale="screening_1_4" if labels else "rank_1_n"))
    source.assign_stata_names(variables)
    return variables, [{v.name: row.get(v.name) for v in variables} for row in rows.values()]


def screening_table(conn, include_synthetic: bool = False):
    return _by_applicant(conn, "screening_ratings", "rater", "rating", "screening", SCREENING_LABELS,
                         ("Bedömare (pseudonym)", "Rater (pseudonym)"), include_synthetic)


def rankings_table(conn, include_synthetic: bool = False):
    return _by_applicant(conn, "rankings", "party", "rank", "ranking", {}, ("Part", "Party"), include_synthetic)


def stages_table(conn, include_synthetic: bool = False):
    """Table 1 per process; the stages of an invented process only with ``include_synthetic``."""
    processes = source.processes(conn)
    variables = [Variable(name, sv, en, kind="meta", storage=storage) for name, sv, en, storage in MERGE] + [
        Variable("position", "Steg nr", "Stage number", kind="meta", storage="int"),
        Variable("label_sv", "Steg (sv)", "Stage (sv)", kind="meta", storage="text"),
        Variable("label_en", "Steg (en)", "Stage (en)", kind="meta", storage="text"),
        Variable("starts_on", "Början", "Starts on", kind="meta", storage="text"),
        Variable("ends_on", "Slut", "Ends on", kind="meta", storage="text"),
        Variable("representatives_took_part", "1 = brukarrepresentanter deltog", "1 = representatives took part",
                 kind="meta", storage="int", labels={0: ("Nej", "No"), 1: ("Ja", "Yes")}),
    ]
    source.assign_stata_names(variables)
    rows = [
        {**_merge_columns(processes[r["process_id"]]), "position": r["position"], "label_sv": r["label_sv"],
         "label_en": r["label_en"], "starts_on": r["starts_on"], "ends_on": r["ends_on"],
         "representatives_took_part": r["representatives_took_part"]}
        for r in conn.execute(
            "select * from process_stages"
            + ("" if include_synthetic else " where process_id in (select id from processes where coalesce(is_synthetic, 0) = 0)")
            + " order by process_id, position"
        )
    ]
    return variables, rows


def export_process_tables(
    served_path: str, out_dir, *, formats, excel: bool = False, lang: str = "sv", include_synthetic: bool = False
) -> list[Path]:
    """Table 2, the rankings and the stages; synthetic rows only with ``include_synthetic``."""
    from research.wide import write_one

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    conn = source.open_served(served_path)
    written = []
    try:
        for stem, build, title in (
            ("screening_ratings", screening_table, "Tabell 2: brukarnas urval / Table 2: screening"),
            ("rankings", rankings_table, "Parternas rangordning / Rankings by party"),
            ("process_stages", stages_table, "Rekryteringens steg / Recruitment stages"),
        ):
            variables, rows = build(conn, include_synthetic)
            if rows:
                written += write_one(folder, stem, variables, rows, formats=formats, excel=excel, lang=lang, title=title)
    finally:
        conn.close()
    return written
