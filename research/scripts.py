"""SPSS syntax and an R script that read a wide CSV with every label and missing code.

SPSS: ``GET DATA /TYPE=TXT`` with each variable's format (text ``A``,
numbers ``F``), then ``VARIABLE LABELS``, ``VALUE LABELS``, ``MISSING
VALUES`` for every code the codebook flags as missing (for example
``feedback_how_soon (9)``, which the older Datasette syntax left out) and
``VARIABLE LEVEL``.

R (base R, no packages): reads the CSV with text columns kept as text,
turns each missing code into ``NA`` *before* making factors (so "Vet inte"
is not a level), and makes ordered factors for ordinal scales (Likert,
screening 1–4, ranks) and plain factors for nominal ones.
"""

from __future__ import annotations

from research.source import Variable

TEXT_WIDTH = 2000


def _spss_string(text: str, limit: int = 250) -> str:
    data = str(text).replace("\n", " ").encode("utf-8")[:limit].decode("utf-8", "ignore")
    return "'" + data.replace("'", "''") + "'"


def _spss_format(variable: Variable) -> str:
    if variable.storage == "text":
        return "A2000" if variable.kind == "text" else "A200"
    return "F8.0"


SPSS_LEVELS = {"nominal": "NOMINAL", "ordinal": "ORDINAL", "scale": "SCALE"}


def spss_syntax(variables: list[Variable], data_file: str, *, excel: bool = False, lang: str = "sv") -> str:
    index = 1 if lang == "en" else 0
    delimiter = ";" if excel else ","
    lines = [
        "* Encoding: UTF-8.",
        "* Medverkan research export: reads the wide CSV next to this file.",
        "GET DATA /TYPE=TXT",
        f"  /FILE='{data_file}'",
        "  /ENCODING='UTF8'",
        "  /ARRANGEMENT=DELIMITED",
        f"  /DELIMITERS=\"{delimiter}\"",
        "  /QUALIFIER='\"'",
        "  /FIRSTCASE=2",
        "  /VARIABLES=",
    ]
    lines += [f"    {v.name} {_spss_format(v)}" for v in variables]
    lines[-1] += "."
    lines.append("VARIABLE LABELS")
    lines.append(
        "\n  /".join(f"  {v.name} {_spss_string(v.label_en if index else v.label_sv)}" for v in variables) + "."
    )
    coded = [v for v in variables if v.labels and v.storage == "int"]
    if coded:
        lines.append("VALUE LABELS")
        blocks = [
            f"  {v.name} " + " ".join(f"{value} {_spss_string(labels[index], 120)}" for value, labels in sorted(v.labels.items()))
            for v in coded
        ]
        lines.append("\n  /".join(blocks) + ".")
    for v in variables:
        if v.missing:
            lines.append(f"MISSING VALUES {v.name} ({', '.join(str(code) for code in v.missing[:3])}).")
    for level in ("NOMINAL", "ORDINAL", "SCALE"):
        names = [v.name for v in variables if SPSS_LEVELS[v.measure] == level and v.storage == "int"]
        if names:
            lines.append(f"VARIABLE LEVEL {' '.join(names)} ({level}).")
    lines.append("EXECUTE.")
    return "\n".join(lines) + "\n"


def _r_string(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def r_script(variables: list[Variable], data_file: str, *, excel: bool = False, lang: str = "sv") -> str:
    index = 1 if lang == "en" else 0
    text_columns = ", ".join(_r_string(v.name) for v in variables if v.storage == "text")
    if excel:  # Swedish Excel dialect: ';', decimal comma, BOM
        reader = f'd <- read.csv2({_r_string(data_file)}, fileEncoding = "UTF-8-BOM", stringsAsFactors = FALSE, '
    else:
        reader = f'd <- read.csv({_r_string(data_file)}, fileEncoding = "UTF-8", stringsAsFactors = FALSE, '
    reader += 'na.strings = "", colClasses = setNames(rep("character", length(text_columns)), text_columns))'
    lines = [
        "# Medverkan research export: reads the wide CSV next to this script (base R only).",
        f"text_columns <- c({text_columns})",
        reader,
        "variable_labels <- c(",
        ",\n".join(f"  {_r_string(v.name)} = {_r_string(v.label_en if index else v.label_sv)}" for v in variables),
        ")",
    ]
    for v in variables:
        if not v.labels or v.storage != "int":
            continue
        name = _r_string(v.name)
        if v.missing:
            codes = ", ".join(str(code) for code in v.missing)
            lines.append(f"d[[{name}]][d[[{name}]] %in% c({codes})] <- NA  # don't know / unsure: NA, not a level")
        kept = [value for value in sorted(v.labels) if value not in v.missing]
        levels = ", ".join(str(value) for value in kept)
        labels = ", ".join(_r_string(v.labels[value][index]) for value in kept)
        ordered = "TRUE" if v.measure == "ordinal" else "FALSE"
        lines.append(f"d[[{name}]] <- factor(d[[{name}]], levels = c({levels}), labels = c({labels}), ordered = {ordered})")
    lines.append('for (v in names(variable_labels)) attr(d[[v]], "label") <- variable_labels[[v]]')
    return "\n".join(lines) + "\n"
