"""The five built-in instruments: they load, share an identical common core,
cover the evaluation's themes for the groups where they belong, are bilingual
and short enough to answer in about eight minutes."""

from __future__ import annotations

import re

import pytest

from forms.definitions import THEMES
from forms.definitions import load_builtin_instruments
from forms.definitions import load_core
from forms.model import LANGUAGES
from forms.vocabulary import RESPONDENT_GROUPS

GROUPS = [key for key, _sv, _en in RESPONDENT_GROUPS]
CORE_KEYS = [
    "attitude_user_involvement",
    "should_continue",
    "continue_levels",
    "process_well_organised",
    "trust_personal",
    "trust_system",
    # The contested items, balanced (risk / handled), every group answers them.
    "conflict_of_interest_is_a_risk",
    "conflict_of_interest_was_handled",
    "staff_safety_is_at_risk",
    "authority_encounters_are_manageable",
    "applicant_privacy_is_at_risk",
    "applicant_privacy_was_protected",
]

# Themes each group's questionnaire must cover (DESIGN.md §1).
REQUIRED_THEMES = {
    "representative": {"framing", "feedback", "dialog", "time_notice", "influence", "screening", "ranking", "overall"},
    "candidate": {"post_clarity", "question_fairness", "venue", "dialog", "influence", "candidate_experience"},
    "manager": {"influence", "representativeness", "dialog", "feedback", "continuation"},
    "union": {"conflict_of_interest", "staff_safety", "authority_encounters", "applicant_privacy", "influence"},
    "hired_followup": {"expectations", "background"},
}


@pytest.fixture(scope="module")
def instruments():
    return load_builtin_instruments()


def all_texts(instrument):
    """Every bilingual text in an instrument, with a label saying where it is."""
    yield "title", instrument.title
    if instrument.intro:
        yield "intro", instrument.intro
    for page in instrument.pages:
        yield f"page {page.key}", page.title
        if page.intro:
            yield f"page {page.key} intro", page.intro
        for question in page.questions:
            yield question.key, question.text
            if question.hint:
                yield f"{question.key} hint", question.hint
            for choice in question.choices:
                yield f"{question.key} choice {choice.value}", choice.label


def test_one_default_instrument_per_respondent_group(instruments):
    """One standard questionnaire per group (the easy-to-read variants, ``reading``, are extra: tests/test_easy_read.py)."""
    standard = {key: instrument for key, instrument in instruments.items() if instrument.reading is None}
    assert sorted(standard) == sorted(GROUPS)
    for key, instrument in standard.items():
        assert instrument.group == key
        assert instrument.department is None
        assert instrument.version >= 1


def test_core_items_are_identical_in_all_five(instruments):
    """The five standard questionnaires; the easy-to-read variants reword the core on purpose
    and keep its keys and codes (tests/test_easy_read.py)."""
    instruments = {key: instrument for key, instrument in instruments.items() if instrument.reading is None}
    core = load_core()
    assert list(core) == CORE_KEYS
    for instrument in instruments.values():
        keys = [question.key for question in instrument.questions if question.core]
        assert keys == CORE_KEYS, instrument.key
        for key in CORE_KEYS:
            assert instrument.question(key) == core[key], (instrument.key, key)
    # The same type and wording everywhere, compared across instruments too.
    for key in CORE_KEYS:
        shapes = {(i.question(key).type, tuple(sorted(i.question(key).text.items()))) for i in instruments.values()}
        assert len(shapes) == 1, key


def test_core_covers_attitude_continuation_organisation_trust_and_the_contested_themes():
    core = load_core()
    assert {q.theme for q in core.values()} == {
        "attitude", "continuation", "organisation", "trust",
        "conflict_of_interest", "staff_safety", "authority_encounters", "applicant_privacy",
    }
    levels = core["continue_levels"]
    assert levels.type == "multiple" and len(levels.choices) == 4
    assert levels.condition is not None and levels.condition.question == "should_continue"


def test_every_question_has_a_known_theme(instruments):
    for instrument in instruments.values():
        for question in instrument.questions:
            assert question.theme in THEMES, (instrument.key, question.key)


@pytest.mark.parametrize("group", GROUPS)
def test_group_covers_its_themes(instruments, group):
    themes = {question.theme for question in instruments[group].questions}
    assert REQUIRED_THEMES[group] <= themes


def test_themes_have_both_languages():
    for key, label in THEMES.items():
        assert set(label) == set(LANGUAGES) and all(label[lang].strip() for lang in LANGUAGES), key


def test_swedish_and_english_present_and_not_copies(instruments):
    for instrument in instruments.values():
        for where, text in all_texts(instrument):
            assert set(text) == set(LANGUAGES), (instrument.key, where)
            assert text["sv"].strip() and text["en"].strip(), (instrument.key, where)
        for question in instrument.questions:
            assert question.text["sv"] != question.text["en"], (instrument.key, question.key)


def test_plain_swedish_short_sentences(instruments):
    """Klarspråk: no Swedish sentence in a question is longer than 22 words."""
    for instrument in instruments.values():
        for question in instrument.questions:
            for sentence in re.split(r"(?<=[.?!])\s+", question.text["sv"]):
                assert len(sentence.split()) <= 22, (instrument.key, question.key, sentence)


def test_length_pages_and_titles(instruments):
    """About ten minutes at most: at most 30 questions everyone is asked (follow-ups
    shown by a condition come on top, at most 36 in all), at most six pages."""
    for instrument in instruments.values():
        assert 3 <= len(instrument.pages) <= 6, instrument.key
        asked_of_everyone = [q for q in instrument.questions if q.condition is None]
        assert 15 <= len(asked_of_everyone) <= 30, instrument.key
        assert len(instrument.questions) <= 36, instrument.key
        # Easy-to-read wording takes a little longer to read.
        assert instrument.minutes and instrument.minutes <= (12 if instrument.reading else 10)
        assert all(page.title["sv"] and page.title["en"] for page in instrument.pages)


def test_conditions_are_used_in_every_instrument_beyond_the_core(instruments):
    for instrument in instruments.values():
        own_conditions = [q for q in instrument.questions if q.condition and not q.core]
        assert own_conditions, instrument.key


def test_free_text_reminds_not_to_name_people_or_share_health(instruments):
    for instrument in instruments.values():
        texts = [q for q in instrument.questions if q.type == "text"]
        assert texts, instrument.key
        for question in texts:
            assert question.hint, (instrument.key, question.key)
            assert "namn" in question.hint["sv"] and "hälsa" in question.hint["sv"]
            assert "name" in question.hint["en"] and "health" in question.hint["en"]


def test_candidates_can_be_separated_into_hired_and_not(instruments):
    offered = instruments["candidate"].question("cand_offered_post")
    assert offered.type == "yesno" and offered.required


def test_representatives_screen_applicants_and_rank_finalists(instruments):
    representative = instruments["representative"]
    screening = representative.question("screening_applicants")
    ranking = representative.question("ranking_finalists")
    assert (screening.type, screening.items, screening.required) == ("screening", "applicants", False)
    assert (ranking.type, ranking.items, ranking.required) == ("ranking", "finalists", False)
    # Other groups neither screen nor rank.
    for key, instrument in load_builtin_instruments().items():
        if instrument.group != "representative":
            assert not [q for q in instrument.questions if q.type in ("screening", "ranking")], key


def test_written_introduction_follow_up_depends_on_the_answer(instruments):
    representative = instruments["representative"]
    assert representative.question("framing_what_would_help").condition.values == (2, 9)
    assert representative.question("framing_intro_helped").condition.values == (1,)


def test_follow_up_asks_if_still_in_post(instruments):
    followup = instruments["hired_followup"]
    assert followup.question("still_in_post").type == "yesno"
    assert followup.question("left_post_reason").condition.question == "still_in_post"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_builds_a_form(app, instruments, language):
    """The builder accepts every page of every built-in instrument."""
    from forms.builder import build_page_form

    items = {"applicants": ["Sökande A", "Sökande B"], "finalists": ["Sökande A", "Sökande B"]}
    with app.test_request_context():
        for instrument in instruments.values():
            for page_index in range(len(instrument.pages)):
                form = build_page_form(instrument, page_index, language, items)(meta={"csrf": False})
                assert list(form), (instrument.key, page_index)
