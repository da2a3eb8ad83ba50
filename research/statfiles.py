"""SPSS ``.sav`` and Stata ``.dta`` files with labels and missing codes (pyreadstat).

Missing codes come from ``question_choices.is_missing`` (today 9: "don't
know", "unsure", "don't remember"), so every code the questionnaire declares
missing is declared in the file, ``feedback_how_soon`` 9 included:

* SPSS keeps the code and declares it user-missing (``missing_ranges``), so
  ``FREQUENCIES`` shows it apart and statistics leave it out;
* Stata has no user-missing numbers: the code is written as the extended
  missing value ``.a`` (the second missing code as ``.b`` ...) with the same
  value label, so ``tab q, missing`` shows "Vet inte" and ``mean`` ignores it.

Labels are cut to the formats' limits (SPSS variable labels 256 bytes and
value labels 120; Stata variable labels 80 characters); the codebook keeps
the full text.
"""

from __future__ import annotations

import string

import pandas as pd
import pyreadstat

from research.source import Variable

SPSS_VARIABLE_LABEL_BYTES = 250
SPSS_VALUE_LABEL_BYTES = 120
STATA_VARIABLE_LABEL = 80
STATA_MISSING_LETTERS = string.ascii_lowercase


def _cut_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def _label(variable: Variable, lang: str) -> str:
    return variable.label_en if lang == "en" else variable.label_sv


def _frame(variables: list[Variable], rows: list[dict]) -> pd.DataFrame:
    columns = {}
    for v in variables:
        values = [row.get(v.name) for row in rows]
        if v.storage == "int":
            columns[v.name] = pd.Series([float(x) if x is not None else float("nan") for x in values], dtype="float64")
        else:
            columns[v.name] = pd.Series(["" if x is None else str(x) for x in values], dtype=object)
    return pd.DataFrame(columns)


def write_sav(path, variables: list[Variable], rows: list[dict], *, lang: str = "sv", file_label: str = "") -> None:
    df = _frame(variables, rows)
    index = 1 if lang == "en" else 0
    pyreadstat.write_sav(
        df,
        str(path),
        file_label=file_label[:64],
        column_labels={v.name: _cut_bytes(_label(v, lang), SPSS_VARIABLE_LABEL_BYTES) for v in variables},
        variable_value_labels={
            v.name: {float(value): _cut_bytes(labels[index], SPSS_VALUE_LABEL_BYTES) for value, labels in v.labels.items()}
            for v in variables
            if v.labels and v.storage == "int"
        },
        missing_ranges={v.name: [float(code) for code in v.missing[:3]] for v in variables if v.missing},
        variable_measure={v.name: v.measure for v in variables},
    )


def stata_missing_letters(variable: Variable) -> dict[int, str]:
    """Missing code -> Stata extended-missing letter (9 -> 'a')."""
    return {code: STATA_MISSING_LETTERS[i] for i, code in enumerate(sorted(variable.missing))}


def write_dta(path, variables: list[Variable], rows: list[dict], *, lang: str = "sv", file_label: str = "") -> None:
    index = 1 if lang == "en" else 0
    columns = {}
    value_labels = {}
    missing_values = {}
    for v in variables:
        values = [row.get(v.name) for row in rows]
        if v.storage == "text":
            columns[v.stata_name] = pd.Series(["" if x is None else str(x) for x in values], dtype=object)
            continue
        letters = stata_missing_letters(v)
        if letters:
            # Floats and NaN, never ints and None: readstat wrote a garbage
            # number for a None among ints in an object column (caught by
            # test_sav_and_dta_hold_the_same_values_row_by_row).
            columns[v.stata_name] = pd.Series(
                [letters.get(x, float(x)) if x is not None else float("nan") for x in values], dtype=object
            )
            missing_values[v.stata_name] = list(letters.values())
        else:
            columns[v.stata_name] = pd.Series(
                [float(x) if x is not None else float("nan") for x in values], dtype="float64"
            )
        if v.labels:
            value_labels[v.stata_name] = {letters.get(value, value): labels[index] for value, labels in v.labels.items()}
    pyreadstat.write_dta(
        pd.DataFrame(columns),
        str(path),
        file_label=file_label[:80],
        column_labels={v.stata_name: _label(v, lang)[:STATA_VARIABLE_LABEL] for v in variables},
        variable_value_labels=value_labels,
        missing_user_values=missing_values,
    )
