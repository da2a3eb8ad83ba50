"""Exports for analysis: wide CSV, codebook (CSV and Markdown), SPSS syntax, R labels.

Pure functions over a sqlite3 connection to the served database, so the
``medverkan export`` command and the Datasette export page share them.
One wide view per instrument version (``wide_<key>_v<version>``, created
by forms.registry) gives the columns; ``questions`` and
``question_choices`` give the texts and value labels.
"""

from __future__ import annotations

import csv
import io

# One CSV-injection rule for every file a person can download: research.safe_csv.
from research.safe_csv import DANGEROUS_PREFIXES  # noqa: F401  (re-exported for the CSV guard and tests)
from research.safe_csv import neutralise

FIXED_VARIABLES = [
    ("response_id", "Svarets slumpmässiga id", "Random response id"),
    ("process_id", "Rekryteringens id", "Recruitment process id"),
    ("group_key", "Svarsgrupp", "Respondent group"),
    ("language", "Formulärets språk", "Language of the questionnaire"),
    ("submitted_on", "Insamlingsår (året för processens första svar)", "Collection year (the year of the process's first response)"),
    ("is_synthetic", "1 = syntetiskt demosvar", "1 = synthetic demo response"),
]
CODEBOOK_FIELDS = [
    "instrument",
    "version",
    "variable",
    "question_key",
    "type",
    "theme",
    "core",
    "text_sv",
    "text_en",
    "values",
]


def instrument(conn, instrument_id: int) -> dict | None:
    row = conn.execute(
        "select id, key, version, group_key, title_sv, title_en from instruments where id = ?", [instrument_id]
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("id", "key", "version", "group_key", "title_sv", "title_en"), row))


def instruments(conn) -> list[dict]:
    ids = [r[0] for r in conn.execute("select id from instruments order by key, version")]
    return [instrument(conn, i) for i in ids]


def view_name(info: dict) -> str:
    return f"wide_{info['key']}_v{info['version']}"


def variables(conn, instrument_id: int) -> list[dict]:
    """Every column of the wide view, described: the codebook rows."""
    info = instrument(conn, instrument_id)
    if info is None:
        raise LookupError(f"no instrument {instrument_id}")
    base = {"instrument": info["key"], "version": info["version"]}
    rows = [
        dict(base, variable=name, question_key="", type="meta", theme="", core=0, text_sv=sv, text_en=en, labels={})
        for name, sv, en in FIXED_VARIABLES
    ]
    questions = conn.execute(
        "select id, key, type, theme, core, text_sv, text_en from questions where instrument_id = ? order by position",
        [instrument_id],
    ).fetchall()
    for question_id, key, qtype, theme, core, text_sv, text_en in questions:
        choices = conn.execute(
            "select value, label_sv, label_en from question_choices where question_id = ? order by value", [question_id]
        ).fetchall()
        common = dict(base, question_key=key, type=qtype, theme=theme or "", core=core or 0)
        if qtype == "multiple":
            for value, label_sv, label_en in choices:
                rows.append(
                    dict(
                        common,
                        variable=f"{key}__{value}",
                        text_sv=f"{text_sv} – {label_sv}",
                        text_en=f"{text_en} – {label_en}",
                        labels={0: ("Ej valt", "Not chosen"), 1: ("Valt", "Chosen")},
                    )
                )
            continue
        labels = {} if qtype in ("screening", "ranking") else {v: (sv, en) for v, sv, en in choices}
        rows.append(dict(common, variable=key, text_sv=text_sv, text_en=text_en, labels=labels))
    return rows


def _values_text(labels: dict) -> str:
    return "; ".join(f"{value}={sv} / {en}" for value, (sv, en) in sorted(labels.items()))


def wide_rows(conn, instrument_id: int, *, labels: bool = False, lang: str = "sv", include_synthetic: bool = True):
    """(header, rows) of the wide view; with ``labels`` codes become value labels;
    without ``include_synthetic`` the demo's synthetic responses are left out."""
    info = instrument(conn, instrument_id)
    described = variables(conn, instrument_id)
    header = [v["variable"] for v in described]
    quoted = ", ".join('"' + h.replace('"', '""') + '"' for h in header)
    view = view_name(info).replace('"', '""')
    where = "" if include_synthetic else " where coalesce(is_synthetic, 0) = 0"
    cursor = conn.execute(f'select {quoted} from "{view}"{where} order by response_id')
    index = 1 if lang == "en" else 0
    rows = []
    for row in cursor:
        if labels:
            row = [
                (v["labels"][cell][index] if cell in v["labels"] else cell) if v["labels"] else cell
                for v, cell in zip(described, row)
            ]
        rows.append([neutralise(cell) for cell in row])
    return header, rows


def _csv(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows(rows)
    return out.getvalue()


def wide_csv(conn, instrument_id: int, *, labels: bool = False, lang: str = "sv", include_synthetic: bool = True) -> str:
    return _csv(*wide_rows(conn, instrument_id, labels=labels, lang=lang, include_synthetic=include_synthetic))


def codebook_csv(conn, instrument_id: int) -> str:
    rows = [
        [neutralise(v[f]) if f != "values" else neutralise(_values_text(v["labels"])) for f in CODEBOOK_FIELDS]
        for v in variables(conn, instrument_id)
    ]
    return _csv(CODEBOOK_FIELDS, rows)


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def codebook_markdown(conn, instrument_id: int) -> str:
    info = instrument(conn, instrument_id)
    lines = [
        f"# {info['title_sv']} / {info['title_en']}",
        "",
        f"Instrument `{info['key']}`, version {info['version']}, wide view `{view_name(info)}`.",
        "",
        "| Variable | Type | Theme | Core | Question (sv) | Question (en) | Values |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in variables(conn, instrument_id):
        values = "<br>".join(f"{value} = {_md(sv)} / {_md(en)}" for value, (sv, en) in sorted(v["labels"].items()))
        lines.append(
            f"| `{v['variable']}` | {v['type']} | {_md(v['theme'])} | {'yes' if v['core'] else ''} | "
            f"{_md(v['text_sv'])} | {_md(v['text_en'])} | {values} |"
        )
    return "\n".join(lines) + "\n"


def _spss_string(text: str) -> str:
    return '"' + str(text).replace('"', '""').replace("\n", " ")[:250] + '"'


def spss_syntax(conn, instrument_id: int, lang: str = "sv") -> str:
    """VARIABLE LABELS and VALUE LABELS for the wide CSV (GET DATA is left to the analyst)."""
    index = 1 if lang == "en" else 0
    described = variables(conn, instrument_id)
    lines = ["* Medverkan: labels for " + view_name(instrument(conn, instrument_id)) + ".", "VARIABLE LABELS"]
    label_lines = [f"  {v['variable']} {_spss_string(v['text_' + ('en' if index else 'sv')])}" for v in described]
    lines.append("\n  /".join(label_lines) + ".")
    coded = [v for v in described if v["labels"]]
    if coded:
        lines.append("VALUE LABELS")
        blocks = []
        for v in coded:
            pairs = " ".join(f"{value} {_spss_string(labels[index])}" for value, labels in sorted(v["labels"].items()))
            blocks.append(f"  {v['variable']} {pairs}")
        lines.append("\n  /".join(blocks) + ".")
        missing = [v["variable"] for v in coded if 9 in v["labels"] and v["type"] in ("likert", "yesno")]
        if missing:
            lines.append("MISSING VALUES " + " ".join(missing) + " (9).")
    lines.append("EXECUTE.")
    return "\n".join(lines) + "\n"


def _r_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def r_labels(conn, instrument_id: int, lang: str = "sv") -> str:
    """An R script that labels a data frame ``d`` read from the wide CSV (base R factors)."""
    index = 1 if lang == "en" else 0
    described = variables(conn, instrument_id)
    lines = [
        "# Medverkan: labels for " + view_name(instrument(conn, instrument_id)),
        "# d <- read.csv(\"data.csv\", stringsAsFactors = FALSE)",
        "variable_labels <- c(",
    ]
    lines.append(
        ",\n".join(f"  {_r_string(v['variable'])} = {_r_string(v['text_' + ('en' if index else 'sv')])}" for v in described)
    )
    lines.append(")")
    for v in described:
        if not v["labels"]:
            continue
        values = ", ".join(str(value) for value in sorted(v["labels"]))
        labels = ", ".join(_r_string(v["labels"][value][index]) for value in sorted(v["labels"]))
        name = _r_string(v["variable"])
        lines.append(f"d[[{name}]] <- factor(d[[{name}]], levels = c({values}), labels = c({labels}))")
    lines.append('for (v in names(variable_labels)) attr(d[[v]], "label") <- variable_labels[[v]]')
    return "\n".join(lines) + "\n"
