"""SPSS and Stata files per instrument version and per process, read back with pyreadstat."""

from __future__ import annotations

import shutil
from collections import Counter

import pyreadstat
import pytest

from research.wide import export_wide
from tests.research_fixtures import demo_served  # noqa: F401
from tests.research_fixtures import demo_served_master  # noqa: F401
from tests.research_fixtures import served_rows


@pytest.fixture(scope="module")
def exported(demo_served_master, tmp_path_factory):  # noqa: F811
    """The demo exported once for the module: the tests below only read the
    files and the database (exporting per test cost seconds each)."""
    folder = tmp_path_factory.mktemp("statfiles")
    served = str(folder / "served.db")
    shutil.copyfile(demo_served_master, served)
    out = folder / "out"
    export_wide(served, out, formats=("sav", "dta"), include_synthetic=True)
    return served, out


def _question_texts(served, key, version):
    return dict(
        served_rows(
            served,
            "select q.key, q.text_sv from questions q join instruments i on i.id = q.instrument_id "
            "where i.key = ? and i.version = ?",
            [key, version],
        )
    )


def test_sav_carries_question_texts_as_variable_labels(exported):
    served, out = exported
    _, meta = pyreadstat.read_sav(out / "representative_v2.sav", metadataonly=True)
    texts = _question_texts(served, "representative", 1)
    for key, text in texts.items():
        if key in meta.column_names_to_labels:
            assert meta.column_names_to_labels[key] == text
    assert meta.column_names_to_labels["process_code"] == "Rekryteringens kod"


def test_sav_declares_every_missing_code_of_the_codebook(exported):
    served, out = exported
    _, meta = pyreadstat.read_sav(out / "representative_v2.sav", metadataonly=True, user_missing=True)
    declared = served_rows(
        served,
        "select q.key, c.value, c.label_sv from question_choices c join questions q on q.id = c.question_id "
        "join instruments i on i.id = q.instrument_id where i.key = 'representative' and c.is_missing = 1 "
        "and q.type not in ('multiple')",
    )
    assert declared, "the demo has missing codes"
    for key, value, label in declared:
        if q_is_grid(key):
            continue
        assert {"lo": float(value), "hi": float(value)} in meta.missing_ranges[key], key
        assert meta.variable_value_labels[key][float(value)] == label
    assert meta.missing_ranges["feedback_how_soon"] == [{"lo": 9.0, "hi": 9.0}]


def q_is_grid(key: str) -> bool:
    return key.startswith(("screening_", "ranking_"))


def test_sav_screening_scale_labels_are_the_1_to_4_scale(exported):
    _, out = exported
    _, meta = pyreadstat.read_sav(out / "representative_v2.sav", metadataonly=True)
    screening = [name for name in meta.column_names if name.startswith("screening_applicants__")]
    assert screening
    assert meta.variable_value_labels[screening[0]] == {1.0: "Ja", 2.0: "Ja, med reservation", 3.0: "Tveksam", 4.0: "Nej"}
    assert meta.variable_measure[screening[0]] == "ordinal"


def test_sav_values_match_the_answers_table_per_process(exported):
    served, out = exported
    frame, _ = pyreadstat.read_sav(out / "manager_v2.sav", user_missing=True)
    expected = Counter(
        {
            (code, key, value): n
            for code, key, value, n in served_rows(
                served,
                "select p.code, q.key, a.value_int, count(*) from answers a join questions q on q.id = a.question_id "
                "join processes p on p.id = a.process_id join instruments i on i.id = q.instrument_id "
                "where i.key = 'manager' and q.type in ('likert', 'yesno', 'single', 'integer') group by 1, 2, 3",
            )
        }
    )
    found = Counter()
    for key in {k for _, k, _ in expected}:
        for code, value in zip(frame["process_code"], frame[key]):
            if value == value:  # not NaN
                found[(code, key, int(value))] += 1
    assert found == expected


def test_one_row_per_response_in_each_file(exported):
    served, out = exported
    for key, n in served_rows(
        served, "select i.key, count(*) from responses r join instruments i on i.id = r.instrument_id group by 1"
    ):
        frame, _ = pyreadstat.read_sav(out / f"{key}_v2.sav")
        assert len(frame) == n
        assert frame["response_key"].is_unique


def test_dta_writes_dont_know_as_extended_missing_with_its_label(exported):
    served, out = exported
    frame, meta = pyreadstat.read_dta(out / "representative_v2.dta", user_missing=True)
    # Stata stores the label of .a even when no one chose it; readstat lists
    # missing_user_values only for the codes present in the data.
    assert meta.variable_value_labels["feedback_how_soon"]["a"] == "Minns inte"
    assert meta.missing_user_values["trust_personal"] == ["a"]
    nines = served_rows(
        served,
        "select count(*) from answers a join questions q on q.id = a.question_id join instruments i "
        "on i.id = q.instrument_id where i.key = 'representative' and q.key = 'trust_personal' and a.value_int = 9",
    )[0][0]
    assert list(frame["trust_personal"]).count("a") == nines
    plain, _ = pyreadstat.read_dta(out / "representative_v2.dta")
    assert plain["trust_personal"].isna().sum() >= nines


def test_dta_names_fit_stata_and_keep_labels(exported):
    _, out = exported
    _, meta = pyreadstat.read_dta(out / "candidate_v2.dta", metadataonly=True)
    assert all(len(name) <= 32 for name in meta.column_names)
    assert len(set(meta.column_names)) == len(meta.column_names)
    assert meta.column_names_to_labels["group_key"] == "Svarsgrupp"


def test_per_process_files_hold_only_that_process_and_its_applicants(exported):
    served, out = exported
    frame, meta = pyreadstat.read_sav(out / "representative_v2__HBG-2017-GR.sav")
    assert set(frame["process_code"]) == {"HBG-2017-GR"}
    applicants = {row[0] for row in served_rows(
        served, "select distinct item from answers a join processes p on p.id = a.process_id "
        "join questions q on q.id = a.question_id where p.code = 'HBG-2017-GR' and q.key = 'screening_applicants'"
    )}
    columns = {meta.column_names_to_labels[c].split(" – ")[-1] for c in meta.column_names if c.startswith("screening_applicants__")}
    assert columns == applicants


def test_sav_and_dta_hold_the_same_values_row_by_row(exported):
    _, out = exported
    sav, _ = pyreadstat.read_sav(out / "representative_v2.sav", user_missing=True)
    dta, _ = pyreadstat.read_dta(out / "representative_v2.dta", user_missing=True)
    assert list(sav["response_key"]) == list(dta["response_key"])
    shared = [name for name in sav.columns if name in dta.columns]
    assert len(shared) > 40
    for name in shared:
        for a, b in zip(sav[name], dta[name]):
            a = None if a != a or a == "" else a
            b = None if (isinstance(b, float) and b != b) or b == "" else b
            assert (9.0 if b == "a" else b) == a or (a is None and b is None), (name, a, b)


def test_table_2_and_rankings_come_as_one_row_per_rater_with_a_column_per_applicant(demo_served, tmp_path):  # noqa: F811
    from research.process_tables import export_process_tables

    export_process_tables(demo_served, tmp_path, formats=("sav", "dta"), include_synthetic=True)
    frame, meta = pyreadstat.read_sav(tmp_path / "screening_ratings.sav")
    stored = served_rows(demo_served, "select p.code, s.rater, s.applicant, s.rating from screening_ratings s "
                         "join processes p on p.id = s.process_id")
    found = [
        (row["process_code"], row["rater"], "Sökande " + column.removeprefix("applicant_").upper(), int(row[column]))
        for _, row in frame.iterrows() for column in frame.columns
        if column.startswith("applicant_") and row[column] == row[column]
    ]
    assert sorted(found) == sorted(stored)
    assert meta.variable_value_labels["applicant_a"] == {1.0: "Ja", 2.0: "Ja, med reservation", 3.0: "Tveksam", 4.0: "Nej"}
    assert set(frame["year"]) >= {2017.0}
    rankings, _ = pyreadstat.read_dta(tmp_path / "rankings.dta")
    assert len(rankings) == len(served_rows(demo_served, "select distinct process_id, party from rankings"))
    stages, _ = pyreadstat.read_sav(tmp_path / "process_stages.sav")
    assert len(stages) == served_rows(demo_served, "select count(*) from process_stages")[0][0]
