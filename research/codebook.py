"""Codebooks per instrument version: Markdown, CSV and HTML from one list of rows.

A codebook row says everything a researcher needs to read a column without
the questionnaire: the question (sv/en), page, theme, whether it belongs to
the common core (comparable across groups and versions), its scale with every
value label (the 1–4 screening scale of Table 2 included), which codes are
missing ("Vet inte"/"Osäker"/"Minns inte" = 9) and the skip condition that
hides it (then the cell is empty: "not asked", not "not answered").
"""

from __future__ import annotations

import html
from pathlib import Path

from research import source
from research.safe_csv import write_csv
from research.source import Variable

CODEBOOK_FIELDS = [
    "variable",
    "stata_name",
    "question_key",
    "type",
    "measure",
    "page",
    "theme",
    "core",
    "scale",
    "label_sv",
    "label_en",
    "values",
    "missing",
    "shown_if",
]


def skip_text(variable: Variable) -> str:
    """The skip condition in words: 'shown if cand_met_representatives = 1'."""
    if not variable.condition:
        return ""
    values = variable.condition["values"]
    wanted = f"= {values[0]}" if len(values) == 1 else "in (" + ", ".join(str(v) for v in values) + ")"
    return f"shown if {variable.condition['question']} {wanted}; otherwise empty (not asked)"


def values_text(variable: Variable) -> str:
    return "; ".join(f"{value}={sv} / {en}" for value, (sv, en) in sorted(variable.labels.items()))


def missing_text(variable: Variable) -> str:
    return "; ".join(f"{code}={variable.labels.get(code, ('', ''))[0]}" for code in variable.missing)


def codebook_rows(variables: list[Variable]) -> list[dict]:
    return [
        {
            "variable": v.name,
            "stata_name": v.stata_name,
            "question_key": v.question_key,
            "type": v.kind,
            "measure": v.measure,
            "page": v.page or "",
            "theme": v.theme,
            "core": "core" if v.core else "",
            "scale": v.scale,
            "label_sv": v.label_sv,
            "label_en": v.label_en,
            "values": values_text(v),
            "missing": missing_text(v),
            "shown_if": skip_text(v),
        }
        for v in variables
    ]


def scales(variables: list[Variable]) -> dict[str, dict[int, tuple[str, str]]]:
    """Every named scale used, with its labels (one entry per scale, not per question)."""
    found: dict[str, dict[int, tuple[str, str]]] = {}
    for v in variables:
        if v.labels and v.scale and v.scale not in ("choices",):
            found.setdefault(v.scale, v.labels)
    return found


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(info: dict, variables: list[Variable], include_synthetic: bool = False) -> str:
    lines = [
        f"# {info['title_sv']} / {info['title_en']}",
        "",
        f"Instrument `{info['key']}`, version {info['version']}, respondent group `{info['group_key']}`.",
        "",
        "Missing codes: 9 = don't know / unsure / don't remember (declared missing in .sav, `.a` in .dta, NA in R).",
        "An empty cell is 'not answered', or 'not asked' when the variable has a skip condition (column *Shown if*).",
        "`post_level`: manager, social_worker or other, as the coordinator recorded it; "
        "empty for processes made before the field existed (not guessed from the post title).",
        "",
        source.synthetic_note(include_synthetic),
        "",
        "## Scales",
        "",
    ]
    for name, labels in scales(variables).items():
        lines.append(f"* `{name}`: " + "; ".join(f"{value} = {sv} / {en}" for value, (sv, en) in sorted(labels.items())))
    lines += [
        "",
        "## Variables",
        "",
        "| Variable | Stata | Type | Page | Theme | Core | Question (sv) | Question (en) | Values | Missing | Shown if |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in codebook_rows(variables):
        lines.append(
            f"| `{row['variable']}` | `{row['stata_name']}` | {row['type']} | {row['page']} | {_md(row['theme'])} | "
            f"{row['core']} | {_md(row['label_sv'])} | {_md(row['label_en'])} | {_md(row['values'])} | "
            f"{_md(row['missing'])} | {_md(row['shown_if'])} |"
        )
    return "\n".join(lines) + "\n"


def html_page(info: dict, variables: list[Variable], include_synthetic: bool = False) -> str:
    """A standalone page (no script, no inline style: it may be served under the CSP)."""
    e = html.escape
    title = f"{info['title_sv']} / {info['title_en']} – v{info['version']}"
    parts = [
        "<!doctype html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title></head><body><main>",
        f"<h1>{e(title)}</h1>",
        f"<p>Instrument <code>{e(info['key'])}</code>, version {info['version']}, "
        f"respondent group <code>{e(info['group_key'])}</code>. Missing code 9 = don't know / unsure.</p>",
        f"<p><strong>{e(source.synthetic_note(include_synthetic))}</strong></p>",
        "<h2>Scales</h2><ul>",
    ]
    for name, labels in scales(variables).items():
        items = "; ".join(f"{value} = {e(sv)} / {e(en)}" for value, (sv, en) in sorted(labels.items()))
        parts.append(f"<li><code>{e(name)}</code>: {items}</li>")
    parts.append("</ul><h2>Variables</h2><table><thead><tr>")
    parts += [f'<th scope="col">{e(field)}</th>' for field in CODEBOOK_FIELDS]
    parts.append("</tr></thead><tbody>")
    for row in codebook_rows(variables):
        parts.append("<tr>" + "".join(f"<td>{e(str(row[field]))}</td>" for field in CODEBOOK_FIELDS) + "</tr>")
    parts.append("</tbody></table></main></body></html>")
    return "\n".join(parts) + "\n"


def write_codebooks(
    served_path: str, out_dir, *, excel: bool = False, lang: str = "sv", include_synthetic: bool = False
) -> list[Path]:
    """Codebook (.md, .csv, .html), SPSS syntax and R script for every instrument version.

    The .md and .html say whether the data files include synthetic responses
    (``include_synthetic``, as passed to ``export_wide``).
    """
    from research.scripts import r_script
    from research.scripts import spss_syntax

    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    conn = source.open_served(served_path)
    try:
        for info in source.instruments(conn):
            stem = f"{info['key']}_v{info['version']}"
            variables = source.wide_variables(conn, info["id"])
            rows = codebook_rows(variables)
            paths = {
                "md": folder / f"{stem}.codebook.md",
                "csv": folder / f"{stem}.codebook.csv",
                "html": folder / f"{stem}.codebook.html",
                "sps": folder / f"{stem}.sps",
                "r": folder / f"{stem}.R",
            }
            paths["md"].write_text(markdown(info, variables, include_synthetic), encoding="utf-8")
            write_csv(paths["csv"], CODEBOOK_FIELDS, ([row[f] for f in CODEBOOK_FIELDS] for row in rows), excel=excel)
            paths["html"].write_text(html_page(info, variables, include_synthetic), encoding="utf-8")
            data_file = f"{stem}.excel.csv" if excel else f"{stem}.csv"
            paths["sps"].write_text(spss_syntax(variables, data_file, excel=excel, lang=lang), encoding="utf-8")
            paths["r"].write_text(r_script(variables, data_file, excel=excel, lang=lang), encoding="utf-8")
            written += list(paths.values())
    finally:
        conn.close()
    return written
