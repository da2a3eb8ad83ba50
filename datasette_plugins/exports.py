"""The questionnaire versions and the columns of their wide views, described.

One wide view per instrument version (``wide_<key>_v<version>``, created
by the instrument registry) gives the columns; ``questions`` and
``question_choices`` give the texts and value labels. Datasette's table
pages use these descriptions (:mod:`datasette_plugins.described`), the
exports page lists the versions. The files themselves (data, .sav, .dta,
codebooks, scripts) are written by :mod:`research.downloads`, the same code
as ``medverkan research export``, with random text response keys instead
of the stored ids.
"""

from __future__ import annotations

FIXED_VARIABLES = [
    ("response_id", "Svarets slumpmässiga id", "Random response id"),
    ("process_id", "Rekryteringens id", "Recruitment process id"),
    ("group_key", "Svarsgrupp", "Respondent group"),
    ("language", "Formulärets språk", "Language of the questionnaire"),
    ("submitted_on", "Insamlingsår (året för processens första svar)", "Collection year (the year of the process's first response)"),
    ("is_synthetic", "1 = syntetiskt demosvar", "1 = synthetic demo response"),
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
