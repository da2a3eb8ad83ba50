"""The questions every shipped questionnaire must not let a respondent skip.

The evaluation's headline comparisons (attitude to user involvement, and
whether involvement should continue, per group) need an answer from every
response; the 2017 report's tables are built on them. These keys are pinned
here on purpose: making one optional is a decision about the evaluation,
not an edit to a YAML file, and must show up as a failing test.
"""

from __future__ import annotations

import pytest

from forms.definitions import load_builtin_instruments
from forms.vocabulary import GROUP_KEYS

HEADLINE_CORE = ("attitude_user_involvement", "should_continue")
# Group-specific questions the analysis splits on.
REQUIRED_BY_GROUP = {
    "candidate": ("cand_offered_post",),
    "hired_followup": ("still_in_post",),
}
SHIPPED = load_builtin_instruments()


def test_every_respondent_group_has_a_shipped_questionnaire():
    assert set(GROUP_KEYS) <= set(SHIPPED)


@pytest.mark.parametrize("group", sorted(SHIPPED))
def test_headline_core_questions_are_required_in_every_shipped_questionnaire(group):
    questions = {q.key: q for page in SHIPPED[group].pages for q in page.questions}
    for key in HEADLINE_CORE + REQUIRED_BY_GROUP.get(group, ()):
        assert key in questions, f"{group}: {key} is missing"
        assert questions[key].required, f"{group}: {key} is no longer required"
        assert questions[key].condition is None, f"{group}: {key} is asked only sometimes"


def test_registered_instruments_keep_the_core_questions_required(served_db):
    """What respondents actually get: the latest registered version of each group's instrument."""
    rows = served_db.execute(
        "select i.group_key, q.key, q.required from instruments i join questions q on q.instrument_id = i.id "
        "where i.version = (select max(version) from instruments j where j.group_key = i.group_key) "
        "and q.key in (%s)" % ",".join("?" * len(HEADLINE_CORE)),
        list(HEADLINE_CORE),
    ).fetchall()
    found = {(group, key): required for group, key, required in rows}
    for group in GROUP_KEYS:
        for key in HEADLINE_CORE:
            assert found.get((group, key)) == 1, f"{group}: {key} not required in the registered instrument"
