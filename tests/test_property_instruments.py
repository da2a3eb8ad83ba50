"""Property tests over generated instruments (forms.model dataclasses) and
submissions, with bounded examples so the module runs in seconds.

1. Any valid answer, posted as form data, validates and comes back from
   ``forms.builder.page_answers`` as the same value.
2. Any posted strings at all (garbage included) never raise: the form either
   refuses them or accepts only values inside the question's domain.
3. Storing valid answers (``collector.respondent.submission.store_response``) writes
   exactly the rows of ``forms.model.answer_rows`` and keeps
   ``answer_counts`` equal to the raw answers.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from forms.builder import build_page_form
from forms.builder import page_answers
from forms.model import DONT_KNOW
from forms.model import Choice
from forms.model import Instrument
from forms.model import Page
from forms.model import Question
from forms.model import answer_rows

TYPES = ("likert", "yesno", "single", "multiple", "integer", "text")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

text_pair = st.builds(lambda sv, en: {"sv": sv, "en": en}, st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))


@st.composite
def questions(draw, key):
    question_type = draw(st.sampled_from(TYPES))
    kwargs = {}
    if question_type in ("single", "multiple"):
        values = draw(st.lists(st.integers(1, 12), min_size=2, max_size=5, unique=True))
        kwargs["choices"] = tuple(Choice(v, {"sv": f"Val {v}", "en": f"Choice {v}"}) for v in values)
    if question_type == "integer":
        low = draw(st.integers(-5, 10))
        kwargs["minimum"] = low
        kwargs["maximum"] = low + draw(st.integers(0, 100))
    if question_type == "likert":
        kwargs["dont_know"] = draw(st.booleans())
    return Question(
        key,
        question_type,
        draw(text_pair),
        "attitude",
        required=draw(st.booleans()),
        **kwargs,
    )


_versions = itertools.count(1)


@st.composite
def instruments(draw):
    """Each generated instrument gets its own version: the builder caches form
    classes by (key, version), which is sound because a version never changes."""
    count = draw(st.integers(1, 6))
    keys = [f"q{i}" for i in range(count)]
    qs = tuple(draw(questions(key)) for key in keys)
    return Instrument(
        key="generated",
        version=next(_versions),
        group="representative",
        title={"sv": "Genererad", "en": "Generated"},
        pages=(Page("p1", {"sv": "Sida", "en": "Page"}, qs),),
    )


def valid_value(question: Question):
    """A strategy for a valid answer to ``question`` (None = unanswered, when allowed)."""
    if question.type == "likert":
        values = [1, 2, 3, 4, 5] + ([DONT_KNOW] if question.dont_know else [])
        strategy = st.sampled_from(values)
    elif question.type == "yesno":
        strategy = st.sampled_from([1, 2, 9])
    elif question.type == "single":
        strategy = st.sampled_from([c.value for c in question.choices])
    elif question.type == "multiple":
        strategy = st.lists(st.sampled_from([c.value for c in question.choices]), min_size=1, unique=True).map(sorted)
    elif question.type == "integer":
        strategy = st.integers(question.minimum, question.maximum)
    else:
        strategy = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200).map(str.strip).filter(bool)
    return strategy if question.required else st.one_of(st.none(), strategy)


def as_formdata(instrument: Instrument, answers: dict) -> MultiDict:
    pairs = []
    for question in instrument.pages[0].questions:
        value = answers.get(question.key)
        if value is None:
            continue
        if isinstance(value, list):
            pairs.extend((question.key, str(v)) for v in value)
        else:
            pairs.append((question.key, str(value)))
    return MultiDict(pairs)


@st.composite
def instrument_and_answers(draw):
    instrument = draw(instruments())
    answers = {q.key: draw(valid_value(q)) for q in instrument.pages[0].questions}
    return instrument, answers


def _form(app, instrument, language, formdata):
    with app.test_request_context("/", method="POST", data=formdata):
        form_class = build_page_form(instrument, 0, language)
        form = form_class(formdata=formdata, meta={"csrf": False})
        valid = form.validate()
        return valid, form, page_answers(instrument, 0, form)


@SETTINGS
@given(case=instrument_and_answers(), language=st.sampled_from(["sv", "en"]))
def test_valid_answers_round_trip_through_the_form(app, case, language):
    instrument, answers = case
    valid, form, values = _form(app, instrument, language, as_formdata(instrument, answers))
    assert valid, form.errors
    for question in instrument.pages[0].questions:
        expected = answers[question.key]
        got = values.get(question.key)
        if expected is None:
            assert got in (None, "", [], {}), (question.type, got)
        else:
            assert got == expected, (question.type, expected, got)


garbage = st.one_of(
    st.text(max_size=50),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "\x00", "9", "1e3", "0x10", "٣", "５", "<script>", "' OR 1=1"]),
)


@SETTINGS
@given(instrument=instruments(), posted=st.lists(st.tuples(st.sampled_from([f"q{i}" for i in range(6)] + ["other"]), garbage), max_size=12))
def test_any_posted_strings_are_refused_or_inside_the_domain(app, instrument, posted):
    valid, form, values = _form(app, instrument, "sv", MultiDict(posted))
    if not valid:
        return
    for question in instrument.pages[0].questions:
        value = values.get(question.key)
        if value in (None, "", [], {}):
            assert not question.required
            continue
        if question.type == "likert":
            assert value in (1, 2, 3, 4, 5, DONT_KNOW)
            assert question.dont_know or value != DONT_KNOW
        elif question.type == "yesno":
            assert value in (1, 2, 9)
        elif question.type == "single":
            assert value in [c.value for c in question.choices]
        elif question.type == "multiple":
            assert set(value) <= {c.value for c in question.choices}
        elif question.type == "integer":
            assert isinstance(value, int) and question.minimum <= value <= question.maximum
        else:
            assert isinstance(value, str)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=instrument_and_answers())
def test_stored_rows_and_counts_match_the_answers(served_db, case):
    import dataclasses

    from collector.instruments.registry import register_instrument
    from collector.respondent.submission import store_response

    instrument, answers = case
    version = instrument.version
    instrument = dataclasses.replace(instrument, key=f"generated_{version}", version=1)
    instrument_id = register_instrument(served_db, instrument)
    process_id = served_db.execute(
        "insert into processes (code, post_title, status) values (?, 'P', 'collecting')", [f"PROP-{version}-{id(case)}"]
    ).lastrowid
    given_answers = {k: v for k, v in answers.items() if v is not None}
    response_id = store_response(
        served_db,
        process_id=process_id,
        group_key="representative",
        instrument_id=instrument_id,
        answers=given_answers,
        language="sv",
        submitted_on="2026-11-22",
    )
    expected = sorted(
        (row.question_key, row.item, row.value_int, row.value_text)
        for question in instrument.pages[0].questions
        for row in answer_rows(question, given_answers.get(question.key))
    )
    stored = sorted(
        served_db.execute(
            "select q.key, a.item, a.value_int, a.value_text from answers a join questions q on q.id = a.question_id "
            "where a.response_id = ?",
            [response_id],
        ).fetchall()
    )
    assert stored == expected
    counted = served_db.execute("select coalesce(sum(n), 0) from answer_counts where process_id = ?", [process_id]).fetchone()[0]
    assert counted == sum(1 for row in expected if row[2] is not None)
