"""The YAML loader refuses every kind of broken definition with a message that
names the file, the question and the problem, and builds the model from a
valid one."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from forms.definitions import CORE_FILE
from forms.definitions import INSTRUMENTS_DIR
from forms.definitions import DefinitionError
from forms.definitions import load_builtin_instruments
from forms.definitions import load_core
from forms.definitions import load_instrument
from forms.definitions import parse_instrument
from forms.model import Condition


def t(sv: str = "Svensk text", en: str = "English text") -> dict:
    return {"sv": sv, "en": en}


def valid_definition() -> dict:
    """A small definition using every question type, a core item and a condition."""
    return {
        "key": "sample",
        "version": 1,
        "group": "representative",
        "department": None,
        "minutes": 5,
        "title": t("Titel", "Title"),
        "intro": t("Intro", "Intro text"),
        "pages": [
            {
                "key": "first",
                "title": t("Sida ett", "Page one"),
                "questions": [
                    {"core": "attitude_user_involvement"},
                    {"key": "q_likert", "type": "likert", "theme": "framing", "text": t()},
                    {"key": "q_yesno", "type": "yesno", "theme": "framing", "text": t(), "required": True},
                ],
            },
            {
                "key": "second",
                "title": t("Sida två", "Page two"),
                "intro": t("Om sidan", "About the page"),
                "questions": [
                    {
                        "key": "q_single",
                        "type": "single",
                        "theme": "feedback",
                        "text": t(),
                        "choices": [{"value": 1, "label": t("Ett", "One")}, {"value": 2, "label": t("Två", "Two")}],
                    },
                    {
                        "key": "q_text",
                        "type": "text",
                        "theme": "overall",
                        "text": t(),
                        "hint": t("Ledtråd", "Hint"),
                        "show_if": {"question": "q_yesno", "equals": 2},
                    },
                    {"key": "q_int", "type": "integer", "theme": "background", "text": t(), "min": 0, "max": 10},
                    {
                        "key": "q_multi",
                        "type": "multiple",
                        "theme": "continuation",
                        "text": t(),
                        "choices": [{"value": 1, "label": t("A", "A")}, {"value": 2, "label": t("B", "B")}],
                        "show_if": {"question": "q_likert", "in": [4, 5]},
                    },
                    {"key": "q_screen", "type": "screening", "theme": "screening", "text": t(), "items": "applicants"},
                    {"key": "q_rank", "type": "ranking", "theme": "ranking", "text": t(), "items": "finalists"},
                ],
            },
        ],
    }


def question(data: dict, page: int, position: int) -> dict:
    """The raw question at page/position (both 1-based, as in messages)."""
    return data["pages"][page - 1]["questions"][position - 1]


def set_in(page: int, position: int, **changes):
    def mutate(data):
        question(data, page, position).update(changes)

    return mutate


def drop_in(page: int, position: int, field: str):
    def mutate(data):
        del question(data, page, position)[field]

    return mutate


def top(**changes):
    def mutate(data):
        data.update(changes)

    return mutate


def drop_top(field: str):
    def mutate(data):
        del data[field]

    return mutate


def replace_question(page: int, position: int, new):
    def mutate(data):
        data["pages"][page - 1]["questions"][position - 1] = new

    return mutate


def set_page(page: int, **changes):
    def mutate(data):
        data["pages"][page - 1].update(changes)

    return mutate


def drop_page_field(page: int, field: str):
    def mutate(data):
        del data["pages"][page - 1][field]

    return mutate


BROKEN = [
    # instrument level
    ("missing key", drop_top("key"), "sample.yaml: missing required field 'key'"),
    ("bad key", top(key="Sample-1"), "instrument key 'Sample-1'"),
    ("missing version", drop_top("version"), "missing required field 'version'"),
    ("version zero", top(version=0), "'version' must be a positive integer"),
    ("version text", top(version="1"), "'version' must be a positive integer"),
    ("version bool", top(version=True), "'version' must be a positive integer"),
    ("unknown group", top(group="nurse"), "unknown group 'nurse'"),
    ("unknown top field", top(titel=t()), "unknown field 'titel'"),
    ("title without English", top(title={"sv": "Titel"}), "'title' is missing its 'en' text"),
    ("title with blank Swedish", top(title={"sv": "  ", "en": "Title"}), "'title' is missing its 'sv' text"),
    ("title unknown language", top(title={"sv": "a", "en": "b", "fi": "c"}), "'title' has unknown language 'fi'"),
    ("title a string", top(title="Titel"), "'title' must have Swedish and English text"),
    ("minutes zero", top(minutes=0), "'minutes' must be a positive integer"),
    ("bad department", top(department="Social Services"), "department 'Social Services'"),
    ("no pages", top(pages=[]), "'pages' must be a non-empty list"),
    # page level
    ("page without title", drop_page_field(1, "title"), "sample.yaml: page 1: missing required field 'title'"),
    ("page key twice", set_page(2, key="first"), "page 2 ('first'): page key is used twice"),
    ("page without questions", set_page(1, questions=[]), "page 1 ('first'): 'questions' must be a non-empty list"),
    ("page unknown field", set_page(1, note="x"), "page 1: unknown field 'note'"),
    ("page intro without Swedish", set_page(2, intro={"en": "x"}), "page 2 ('second'): 'intro' is missing its 'sv' text"),
    # question level
    (
        "likert with choices",
        set_in(1, 2, choices=[{"value": 1, "label": t()}, {"value": 2, "label": t()}]),
        "question 'q_likert' (page 1, #2): likert questions take no 'choices'",
    ),
    ("question without key", drop_in(1, 2, "key"), "question #2 on page 1: missing required field 'key'"),
    ("question without type", drop_in(1, 2, "type"), "question 'q_likert' (page 1, #2): missing required field 'type'"),
    ("question without theme", drop_in(1, 2, "theme"), "missing required field 'theme'"),
    ("question without text", drop_in(1, 2, "text"), "missing required field 'text'"),
    ("text without Swedish", set_in(1, 2, text={"en": "Only English"}), "(page 1, #2): 'text' is missing its 'sv' text"),
    ("hint without English", set_in(1, 2, hint={"sv": "Bara svenska"}), "'hint' is missing its 'en' text"),
    ("unknown type", set_in(1, 2, type="scale"), "(page 1, #2): unknown type 'scale'"),
    ("unknown theme", set_in(1, 2, theme="framin"), "(page 1, #2): unknown theme 'framin'"),
    ("misspelt field", set_in(2, 2, show_iff={"question": "q_yesno", "equals": 1}), "unknown field 'show_iff'"),
    ("key used twice", set_in(2, 1, key="q_likert"), "question 'q_likert' (page 2, #1): key is used twice"),
    ("core key used again", set_in(1, 2, key="attitude_user_involvement"), "key is used twice"),
    ("bad question key", set_in(1, 2, key="Q-1"), "question key 'Q-1'"),
    ("double underscore key", set_in(1, 2, key="q__1"), "contains '__'"),
    ("reserved key", set_in(1, 2, key="language"), "'language' is reserved"),
    ("question a string", replace_question(1, 2, "q_likert"), "question #2 on page 1: a question must be a mapping"),
    ("required not a bool", set_in(1, 3, required="yes"), "'required' must be true or false"),
    ("dont_know on yesno", set_in(1, 3, dont_know=False), "yesno questions take no 'dont_know'"),
    # choices
    ("single without choices", drop_in(2, 1, "choices"), "question 'q_single' (page 2, #1): needs at least 2 'choices'"),
    ("single with one choice", set_in(2, 1, choices=[{"value": 1, "label": t()}]), "needs at least 2 'choices'"),
    (
        "choice value twice",
        set_in(2, 1, choices=[{"value": 1, "label": t()}, {"value": 1, "label": t()}]),
        "choice value 1 is used twice",
    ),
    (
        "choice value 9 by accident",
        set_in(2, 1, choices=[{"value": 1, "label": t()}, {"value": 9, "label": t()}]),
        "choice value 9 is the missing code",
    ),
    (
        "missing flag on another value",
        set_in(2, 1, choices=[{"value": 1, "label": t()}, {"value": 2, "missing": True, "label": t()}]),
        "'missing: true' is only for the choice with value 9",
    ),
    (
        "choice value not an integer",
        set_in(2, 1, choices=[{"value": "1", "label": t()}, {"value": 2, "label": t()}]),
        "choice #1 needs an integer 'value'",
    ),
    (
        "choice label without English",
        set_in(2, 1, choices=[{"value": 1, "label": t()}, {"value": 2, "label": {"sv": "Två"}}]),
        "'label of choice #2' is missing its 'en' text",
    ),
    (
        "choice unknown field",
        set_in(2, 1, choices=[{"value": 1, "label": t(), "lable": t()}, {"value": 2, "label": t()}]),
        "unknown field 'lable'",
    ),
    # integer
    ("min above max", set_in(2, 3, min=10, max=0), "question 'q_int' (page 2, #3): 'min' (10) is greater than 'max' (0)"),
    ("min not integer", set_in(2, 3, min="0"), "'min' must be an integer"),
    ("min on likert", set_in(1, 2, min=1), "likert questions take no 'min'/'max'"),
    # items
    ("screening without items", drop_in(2, 5, "items"), "question 'q_screen' (page 2, #5): screening questions need 'items'"),
    ("ranking with unknown items", set_in(2, 6, items="everyone"), "ranking questions need 'items'"),
    ("items on text", set_in(2, 2, items="applicants"), "text questions take no 'items'"),
    # conditions
    (
        "show_if a later question",
        set_in(2, 2, show_if={"question": "q_int", "equals": 1}),
        "question 'q_text' (page 2, #2): show_if refers to 'q_int', which is not an earlier question",
    ),
    ("show_if an unknown question", set_in(2, 2, show_if={"question": "nope", "equals": 1}), "refers to 'nope'"),
    ("show_if itself", set_in(1, 3, show_if={"question": "q_yesno", "equals": 1}), "refers to 'q_yesno', which is not an earlier"),
    (
        "show_if a text question",
        set_in(2, 3, show_if={"question": "q_text", "equals": 1}),
        "show_if refers to 'q_text', a text question (needs a coded type)",
    ),
    (
        "show_if an integer question",
        set_in(2, 4, show_if={"question": "q_int", "equals": 1}),
        "a integer question (needs a coded type)",
    ),
    (
        "show_if a value the question cannot have",
        set_in(2, 2, show_if={"question": "q_yesno", "equals": 3}),
        "show_if value 3 is not a value of 'q_yesno' (1, 2, 9)",
    ),
    (
        "show_if a value of the wrong type",
        set_in(2, 2, show_if={"question": "q_yesno", "equals": "1"}),
        "show_if value '1' is not a value",
    ),
    ("show_if an unknown choice", set_in(2, 2, show_if={"question": "q_single", "in": [1, 7]}), "show_if value 7"),
    ("show_if wrong shape", set_in(2, 2, show_if={"question": "q_yesno", "is": 1}), "show_if must be"),
    ("show_if empty list", set_in(2, 2, show_if={"question": "q_yesno", "in": []}), "show_if must be"),
    # core references
    ("unknown core item", replace_question(1, 1, {"core": "nope"}), "core item 'nope' does not exist in core.yaml"),
    (
        "core item with extra fields",
        replace_question(1, 1, {"core": "attitude_user_involvement", "required": False}),
        "question 'attitude_user_involvement' (page 1, #1): a core item is included with 'core: <key>' alone",
    ),
    (
        "core item before its condition",
        replace_question(1, 1, {"core": "continue_levels"}),
        "core item needs 'should_continue' (its show_if) earlier",
    ),
]


@pytest.mark.parametrize("mutate, fragment", [(m, f) for _name, m, f in BROKEN], ids=[name for name, _m, _f in BROKEN])
def test_broken_definition_is_refused_with_a_clear_message(mutate, fragment):
    data = copy.deepcopy(valid_definition())
    mutate(data)
    with pytest.raises(DefinitionError) as error:
        parse_instrument(data, "sample.yaml")
    message = str(error.value)
    assert message.startswith("sample.yaml: ")
    assert fragment in message


def test_message_names_file_question_position_and_problem_exactly():
    data = valid_definition()
    data["pages"][1]["questions"].insert(
        2,
        {
            "key": "framing_role",
            "type": "likert",
            "theme": "framing",
            "text": t(),
            "choices": [{"value": 1, "label": t()}, {"value": 2, "label": t()}],
        },
    )
    with pytest.raises(DefinitionError) as error:
        parse_instrument(data, "representative.yaml")
    assert str(error.value) == "representative.yaml: question 'framing_role' (page 2, #3): likert questions take no 'choices'"


def test_valid_definition_builds_the_model():
    instrument = parse_instrument(valid_definition(), "sample.yaml")
    assert instrument.key == "sample" and instrument.version == 1 and instrument.group == "representative"
    assert [page.key for page in instrument.pages] == ["first", "second"]
    assert [q.key for q in instrument.questions] == [
        "attitude_user_involvement", "q_likert", "q_yesno", "q_single", "q_text", "q_int", "q_multi", "q_screen", "q_rank",
    ]
    core = instrument.question("attitude_user_involvement")
    assert core.core and core.type == "likert"
    assert not instrument.question("q_likert").core
    assert instrument.question("q_yesno").required
    assert instrument.question("q_text").condition == Condition("q_yesno", (2,))
    assert instrument.question("q_multi").condition == Condition("q_likert", (4, 5))
    assert [c.value for c in instrument.question("q_single").choices] == [1, 2]
    assert instrument.question("q_int").minimum == 0 and instrument.question("q_int").maximum == 10
    assert instrument.question("q_screen").items == "applicants"
    assert instrument.question("q_text").hint == t("Ledtråd", "Hint")
    assert instrument.pages[1].intro == t("Om sidan", "About the page")


def test_condition_on_same_page_and_explicit_missing_choice_are_allowed():
    data = valid_definition()
    question(data, 2, 1)["choices"].append({"value": 9, "missing": True, "label": t("Vet inte", "Don't know")})
    question(data, 2, 4)["show_if"] = {"question": "q_single", "equals": 9}
    instrument = parse_instrument(data, "sample.yaml")
    assert instrument.question("q_multi").condition == Condition("q_single", (9,))


def test_load_instrument_names_the_file(tmp_path: Path):
    data = valid_definition()
    question(data, 1, 2)["theme"] = "nonsense"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^broken\.yaml: question 'q_likert' \(page 1, #2\): unknown theme"):
        load_instrument(path)


def test_invalid_yaml_names_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("key: sample\nversion: 1\npages:\n  - key: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^bad\.yaml: is not valid YAML on line \d+"):
        load_instrument(path)


def test_invalid_yaml_is_reported_in_the_pure_python_parsers_words(tmp_path: Path):
    """libyaml parses the definitions (fast); a broken file is still described
    as the reference parser describes it: here the alias keeps its name."""
    path = tmp_path / "alias.yaml"
    path.write_text("key: sample\nversion: 1\ntitle: *missing_title\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^alias\.yaml: is not valid YAML on line 3: found undefined alias 'missing_title'"):
        load_instrument(path)


def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path):
    path = tmp_path / "list.yaml"
    path.write_text("- one\n- two\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^list\.yaml: an instrument definition must be a mapping"):
        load_instrument(path)


def _directory_with(tmp_path: Path, *definitions: tuple[str, dict]) -> Path:
    (tmp_path / CORE_FILE).write_text((INSTRUMENTS_DIR / CORE_FILE).read_text(encoding="utf-8"), encoding="utf-8")
    for name, data in definitions:
        (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def test_builtin_loader_takes_the_latest_version(tmp_path: Path):
    second = valid_definition()
    second["version"] = 2
    second["title"] = t("Ny titel", "New title")
    directory = _directory_with(tmp_path, ("sample.yaml", valid_definition()), ("sample_v2.yaml", second))
    loaded = load_builtin_instruments(directory)
    assert list(loaded) == ["sample"]
    assert loaded["sample"].version == 2 and loaded["sample"].title["en"] == "New title"


def test_builtin_loader_refuses_the_same_version_twice(tmp_path: Path):
    directory = _directory_with(tmp_path, ("a.yaml", valid_definition()), ("b.yaml", valid_definition()))
    with pytest.raises(DefinitionError, match=r"^b\.yaml: instrument 'sample' version 1 is already defined in a\.yaml"):
        load_builtin_instruments(directory)


def test_builtin_loader_refuses_a_broken_older_version(tmp_path: Path):
    old = valid_definition()
    question(old, 1, 2)["type"] = "scale"
    newer = valid_definition()
    newer["version"] = 2
    directory = _directory_with(tmp_path, ("old.yaml", old), ("new.yaml", newer))
    with pytest.raises(DefinitionError, match=r"^old\.yaml: .*unknown type 'scale'"):
        load_builtin_instruments(directory)


def test_an_edited_definition_is_read_again(tmp_path: Path):
    """Validated definitions are kept per process, keyed by the files' bytes."""
    directory = _directory_with(tmp_path, ("sample.yaml", valid_definition()))
    assert load_builtin_instruments(directory)["sample"].title["en"] == "Title"
    edited = valid_definition()
    edited["title"] = t("Titel", "Other")  # the same length: a size-and-time key could miss it
    _directory_with(tmp_path, ("sample.yaml", edited))
    assert load_builtin_instruments(directory)["sample"].title["en"] == "Other"
    question(edited, 1, 2)["theme"] = "nonsense"
    _directory_with(tmp_path, ("sample.yaml", edited))
    with pytest.raises(DefinitionError, match="unknown theme"):
        load_builtin_instruments(directory)


def test_changing_a_loaded_definition_does_not_change_the_next_load():
    first = load_builtin_instruments()
    key = sorted(first)[0]
    first[key].title["sv"] = "Ändrad av en anropare"
    first.pop(key)
    core = load_core()
    some_core_key = next(iter(core))
    core[some_core_key].text["sv"] = "Ändrad"
    again = load_builtin_instruments()
    assert key in again and again[key].title["sv"] != "Ändrad av en anropare"
    assert load_core()[some_core_key].text["sv"] != "Ändrad"


def test_core_file_is_validated_too(tmp_path: Path):
    path = tmp_path / CORE_FILE
    path.write_text(
        yaml.safe_dump(
            {
                "questions": [
                    {"key": "later", "type": "text", "theme": "overall", "text": t(), "show_if": {"question": "first", "equals": 1}},
                    {"key": "first", "type": "yesno", "theme": "trust", "text": t()},
                ]
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match=r"^core\.yaml: question 'later' \(#1\): show_if refers to 'first'"):
        load_core(path)


def test_core_items_are_marked_core():
    core = load_core()
    assert core and all(question.core for question in core.values())
