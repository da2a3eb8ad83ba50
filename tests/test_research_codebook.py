"""Codebooks (Markdown, CSV, HTML), SPSS syntax run by GNU PSPP, and the R script."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pandas as pd
import pyreadstat
import pytest

from research.codebook import write_codebooks
from research.wide import export_wide
from tests.research_fixtures import demo_served  # noqa: F401
from tests.research_fixtures import demo_served_master  # noqa: F401
from tests.research_fixtures import served_rows


@pytest.fixture
def out(demo_served, tmp_path):  # noqa: F811
    folder = tmp_path / "out"
    export_wide(demo_served, folder, formats=("csv", "sav"), per_process=False, include_synthetic=True)
    write_codebooks(demo_served, folder, include_synthetic=True)
    return folder


def _codebook(out, stem):
    return pd.read_csv(out / f"{stem}.codebook.csv", dtype=str, keep_default_na=False).set_index("variable")


def test_codebook_csv_has_skip_conditions_missing_codes_scales_core_and_theme(out):
    book = _codebook(out, "candidate_v2")
    assert book.loc["venue_suitable", "shown_if"].startswith("shown if cand_met_representatives = 1")
    assert book.loc["continue_levels__1", "shown_if"].startswith("shown if should_continue in (1, 9)")
    assert book.loc["attitude_user_involvement", "core"] == "core"
    assert book.loc["attitude_user_involvement", "theme"] == "attitude"
    assert book.loc["attitude_user_involvement", "missing"] == "9=Vet inte"
    assert book.loc["venue_suitable", "core"] == ""


def test_codebook_lists_every_missing_code_of_the_database(out, demo_served):  # noqa: F811
    book = _codebook(out, "representative_v2")
    flagged = served_rows(
        demo_served,
        "select q.key, c.value from question_choices c join questions q on q.id = c.question_id "
        "join instruments i on i.id = q.instrument_id where i.key = 'representative' and c.is_missing = 1",
    )
    for key, value in flagged:
        rows = book[book["question_key"] == key]
        if rows.iloc[0]["type"] == "multiple":
            continue  # choice columns are 0/1 chosen; the code stays in the labels
        assert all(f"{value}=" in missing for missing in rows["missing"]), key
    assert book.loc["feedback_how_soon", "missing"] == "9=Minns inte"


def test_screening_scale_is_labelled_in_every_format(out):
    book = _codebook(out, "representative_v2")
    screening = book[book["type"] == "screening"]
    assert len(screening) > 0
    assert set(screening["values"]) == {"1=Ja / Yes; 2=Ja, med reservation / Yes, with reservation; 3=Tveksam / Doubtful; 4=Nej / No"}
    markdown = (out / "representative_v2.codebook.md").read_text(encoding="utf-8")
    assert "`screening_1_4`: 1 = Ja / Yes; 2 = Ja, med reservation" in markdown


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self._row, self._in_cell = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._in_cell = True
            self._row.append("")

    def handle_endtag(self, tag):
        if tag == "tr":
            self.rows.append(self._row)
        elif tag in ("td", "th"):
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self._row[-1] += data


def test_html_codebook_has_one_row_per_variable_and_no_inline_style(out):
    text = (out / "candidate_v2.codebook.html").read_text(encoding="utf-8")
    parser = _Cells()
    parser.feed(text)
    book = _codebook(out, "candidate_v2")
    assert len(parser.rows) == len(book) + 1
    assert "<script" not in text and "style=" not in text
    venue = [row for row in parser.rows if row[0] == "venue_suitable"][0]
    assert "shown if cand_met_representatives = 1" in venue[-1]


@pytest.mark.skipif(shutil.which("pspp") is None, reason="GNU PSPP (Debian pspp) not installed")
def test_spss_syntax_reads_the_csv_in_pspp_with_labels_and_every_missing_code(out, tmp_path):
    syntax = (out / "representative_v2.sps").read_text(encoding="utf-8")
    assert "GET DATA /TYPE=TXT" in syntax
    assert "MISSING VALUES feedback_how_soon (9)." in syntax
    job = out / "run.sps"
    job.write_text(syntax + f"SAVE OUTFILE='{tmp_path / 'from_pspp.sav'}'.\n", encoding="utf-8")
    result = subprocess.run(["pspp", "-b", "-O", "format=txt", str(job)], cwd=out, capture_output=True, text=True, timeout=120)
    assert "error" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    frame, meta = pyreadstat.read_sav(tmp_path / "from_pspp.sav", user_missing=True)
    direct, _ = pyreadstat.read_sav(out / "representative_v2.sav", user_missing=True)
    assert len(frame) == len(direct)
    assert meta.missing_ranges["feedback_how_soon"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.missing_ranges["trust_personal"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.variable_value_labels["framing_role_clear"][9.0] == "Vet inte"
    assert meta.column_names_to_labels["group_key"] == "Svarsgrupp"
    assert sorted(frame["trust_personal"].dropna()) == sorted(direct["trust_personal"].dropna())


def test_r_script_turns_dont_know_into_na_before_ordered_factors(out):
    script = (out / "representative_v2.R").read_text(encoding="utf-8")
    lines = script.splitlines()
    na_line = 'd[["trust_personal"]][d[["trust_personal"]] %in% c(9)] <- NA  # don\'t know / unsure: NA, not a level'
    factor_line = [line for line in lines if line.startswith('d[["trust_personal"]] <- factor(')][0]
    assert lines.index(na_line) < lines.index(factor_line)
    assert "levels = c(1, 2, 3, 4, 5)" in factor_line and "Vet inte" not in factor_line
    assert factor_line.endswith("ordered = TRUE)")
    screening = [line for line in lines if line.startswith('d[["screening_applicants__a"]] <- factor(')][0]
    assert 'labels = c("Ja", "Ja, med reservation", "Tveksam", "Nej"), ordered = TRUE' in screening
    assert 'read.csv("representative_v2.csv"' in script
