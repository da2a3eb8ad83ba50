"""Load and validate questionnaire definitions written in YAML.

Definitions are written by hand, often by people who are not programmers, and
a typo must never pass silently: a misspelt field would otherwise drop a
condition or a "don't know" option without anyone noticing until the answers
are analysed. So every field is checked, unknown fields are refused, and every
error names the file, the question (key and position) and the problem.

The format is documented in docs/ARCHITECTURE.md ("Instrument definition
files"). ``core.yaml`` in ``forms/instruments/`` holds the common core: items
with identical keys and wording in every group's questionnaire, included with
``- core: <key>``. It is not an instrument itself.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any
from typing import Callable

import yaml

from forms.model import Choice
from forms.model import Instrument
from forms.model import Page
from forms.model import Question
from forms.questions import CORE_FILE_FIELDS
from forms.questions import CORE_REWORDING_FIELDS
from forms.questions import INSTRUMENT_FIELDS
from forms.questions import PAGE_FIELDS
from forms.questions import THEMES  # noqa: F401  (re-exported: forms.xlsform and tests read definitions.THEMES)
from forms.questions import DefinitionError
from forms.questions import Where
from forms.questions import check_fields
from forms.questions import check_key
from forms.questions import check_text
from forms.questions import is_int
from forms.questions import parse_condition
from forms.questions import parse_question
from forms.questions import respondent_group_keys
from forms.questions import where_question
from forms.vocabulary import READING_KEYS

INSTRUMENTS_DIR = Path(__file__).parent / "instruments"
CORE_FILE = "core.yaml"

# libyaml's parser when PyYAML was built with it: the pure-Python one took
# about 0.5 s for the built-in files, paid by every process that loads them
# (each server and CLI start, each test module listing the instruments).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Definitions already validated in this process, keyed by the bytes they were
# read from (a digest of every file), so an edited file is read again. Callers
# get a deep copy: the objects are frozen dataclasses but their texts are
# dicts, and a caller changing one must not change the next caller's.
_VALIDATED: dict[tuple, Any] = {}


def _contents_digest(paths: list[Path]) -> tuple | None:
    digests = []
    for path in paths:
        try:
            digests.append((path.name, hashlib.sha256(path.read_bytes()).digest()))
        except OSError:
            return None  # not cached: the loader reports the unreadable file
    return tuple(digests)


def _cached(kind: str, paths: list[Path], build: Callable[[], Any]) -> Any:
    digest = _contents_digest(paths)
    if digest is None:
        return build()
    key = (kind, str(paths[0].parent.resolve()) if paths else "", digest)
    if key not in _VALIDATED:
        _VALIDATED[key] = build()  # an invalid definition raises and is not kept
    return copy.deepcopy(_VALIDATED[key])


def load_core(path: str | Path | None = None) -> dict[str, Question]:
    """The common-core items from ``core.yaml``, by key, marked ``core=True``."""
    path = Path(path) if path else INSTRUMENTS_DIR / CORE_FILE
    return _cached("core", [path], lambda: _read_core(path))


def _read_core(path: Path) -> dict[str, Question]:
    where = Where(path.name)
    data = _read_yaml(path)
    data = check_fields(data, CORE_FILE_FIELDS, "the core file", where, None)
    if not isinstance(data.get("questions"), list) or not data["questions"]:
        raise where.fail("needs a non-empty list 'questions'")
    core: dict[str, Question] = {}
    for position, raw in enumerate(data["questions"], start=1):
        at = where_question(raw, 1, position).replace(" (page 1, ", " (").replace(" on page 1", "")
        question = parse_question(raw, where, at)
        if question.key in core:
            raise where.fail("key is used twice", at)
        if isinstance(raw, dict) and "show_if" in raw:
            condition = parse_condition(raw["show_if"], core, where, at)
            question = _replace(question, condition=condition)
        core[question.key] = _replace(question, core=True)
    return core


def _replace(question: Question, **changes: Any) -> Question:
    return replace(question, **changes)


def parse_instrument(data: Any, source: str, core: dict[str, Question] | None = None) -> Instrument:
    """Validate a parsed definition and build the :class:`Instrument`.

    ``source`` names the file in error messages. ``core`` defaults to the
    built-in ``core.yaml``.
    """
    where = Where(source)
    data = check_fields(data, INSTRUMENT_FIELDS, "an instrument definition", where, None)
    for required_field in ("key", "version", "group", "title", "pages"):
        if required_field not in data:
            raise where.fail(f"missing required field '{required_field}'")
    key = check_key(data["key"], "instrument key", where, None)
    version = data["version"]
    if not is_int(version) or not 1 <= version <= 999_999_999:  # stored as a 64-bit integer
        raise where.fail(f"'version' must be a positive integer, not {version!r}")
    group = data["group"]
    groups = respondent_group_keys()
    if group not in groups:
        raise where.fail(f"unknown group {group!r} (known: {', '.join(sorted(groups))})")
    department = data.get("department")
    if department is not None:
        check_key(department, "department", where, None)
    reading = data.get("reading")
    if reading is not None and reading not in READING_KEYS:
        raise where.fail(f"unknown reading {reading!r} (known: {', '.join(READING_KEYS)}; leave it out for the standard wording)")
    minutes = data.get("minutes")
    if minutes is not None and (not is_int(minutes) or minutes < 1):
        raise where.fail(f"'minutes' must be a positive integer, not {minutes!r}")
    title = check_text(data["title"], "title", where, None)
    intro = check_text(data["intro"], "intro", where, None) if data.get("intro") is not None else None
    if not isinstance(data["pages"], list) or not data["pages"]:
        raise where.fail("'pages' must be a non-empty list")

    seen: dict[str, Question] = {}
    page_keys: set[str] = set()
    pages = []
    for page_number, raw_page in enumerate(data["pages"], start=1):
        page_at = f"page {page_number}"
        raw_page = check_fields(raw_page, PAGE_FIELDS, "a page", where, page_at)
        for required_field in ("key", "title", "questions"):
            if required_field not in raw_page:
                raise where.fail(f"missing required field '{required_field}'", page_at)
        page_key = check_key(raw_page["key"], "page key", where, page_at)
        page_at = f"page {page_number} ('{page_key}')"
        if page_key in page_keys:
            raise where.fail("page key is used twice", page_at)
        page_keys.add(page_key)
        if not isinstance(raw_page["questions"], list) or not raw_page["questions"]:
            raise where.fail("'questions' must be a non-empty list", page_at)
        questions = []
        for position, raw in enumerate(raw_page["questions"], start=1):
            at = where_question(raw, page_number, position)
            if isinstance(raw, dict) and "core" in raw:
                if set(raw) != {"core"} and reading is None:
                    raise where.fail(
                        "a core item is included with 'core: <key>' alone (only an easy-to-read questionnaire, "
                        "'reading: easy_read', may reword it)",
                        at,
                    )
                if not set(map(str, raw)) <= CORE_REWORDING_FIELDS:
                    unknown = ", ".join(repr(f) for f in sorted(set(map(str, raw)) - CORE_REWORDING_FIELDS))
                    raise where.fail(
                        f"a reworded core item may change only text, hint and choice labels, not {unknown}", at
                    )
                if core is None:
                    core = load_core()
                question = core.get(raw["core"])
                if question is None:
                    raise where.fail(f"core item {raw['core']!r} does not exist in {CORE_FILE}", at)
                if question.condition and question.condition.question not in seen:
                    raise where.fail(
                        f"core item needs {question.condition.question!r} (its show_if) earlier in the instrument", at
                    )
                question = _reworded_core(question, raw, where, at)
            else:
                question = parse_question(raw, where, at)
                if "show_if" in raw:
                    question = _replace(question, condition=parse_condition(raw["show_if"], seen, where, at))
            if question.key in seen:
                raise where.fail("key is used twice in the instrument", at)
            seen[question.key] = question
            questions.append(question)
        pages.append(
            Page(
                key=page_key,
                title=check_text(raw_page["title"], "title", where, page_at),
                intro=check_text(raw_page["intro"], "intro", where, page_at) if raw_page.get("intro") is not None else None,
                questions=tuple(questions),
            )
        )
    if reading is not None:
        pages = [_with_scale_wording(page, reading) for page in pages]
    return Instrument(
        key=key,
        version=version,
        group=group,
        title=title,
        pages=tuple(pages),
        intro=intro,
        minutes=minutes,
        department=department,
        reading=reading,
        source=source,
    )


def _reworded_core(question: Question, raw: dict, where: Where, at: str) -> Question:
    """A core item in other words: same key, type, condition and codes, so its answers pool with the core's.

    Only an easy-to-read questionnaire rewords core items (checked by the
    caller); choices keep their values and order, only their labels change.
    """
    changes: dict[str, Any] = {}
    if "text" in raw:
        changes["text"] = check_text(raw["text"], "text", where, at)
    if "hint" in raw:
        changes["hint"] = check_text(raw["hint"], "hint", where, at)
    if "choices" in raw:
        given = raw["choices"]
        values = [choice.value for choice in question.choices]
        if (
            not isinstance(given, list)
            or any(not isinstance(c, dict) or set(c) - {"value", "label"} for c in given)
            or [c.get("value") for c in given] != values
        ):
            raise where.fail(f"a reworded core item keeps its choices' values and order ({values}); only labels change", at)
        changes["choices"] = tuple(
            Choice(c["value"], check_text(c.get("label"), "label", where, at)) for c in given
        )
    return _replace(question, **changes) if changes else question


def _with_scale_wording(page: Page, reading: str) -> Page:
    """Every Likert question of an easy-to-read questionnaire reads the easy agreement scale."""
    questions = tuple(
        _replace(question, scale_wording=reading) if question.type == "likert" else question for question in page.questions
    )
    return replace(page, questions=questions)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DefinitionError(f"{path.name}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise DefinitionError(f"{path.name}: is not UTF-8 text") from error
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        # Reported in the pure-Python parser's words, which are the reference:
        # libyaml is terser (an undefined alias loses its name). Only broken
        # files pay the second reading.
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" on line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DefinitionError(f"{path.name}: is not valid YAML{line}: {problem}") from error


def load_instrument(path: str | Path, core: dict[str, Question] | None = None) -> Instrument:
    """Read and validate one definition file (raises :class:`DefinitionError`)."""
    path = Path(path)
    return parse_instrument(_read_yaml(path), path.name, core=core)


def load_builtin_instruments(directory: str | Path | None = None) -> dict[str, Instrument]:
    """The latest version of every built-in instrument, by key.

    Every file is validated (an older version with an error is still an
    error); two files with the same key and version are refused.
    """
    directory = Path(directory) if directory else INSTRUMENTS_DIR
    paths = sorted(directory.glob("*.yaml"))
    return _cached("instruments", paths, lambda: _read_builtin_instruments(directory, paths))


def _read_builtin_instruments(directory: Path, paths: list[Path]) -> dict[str, Instrument]:
    core = load_core(directory / CORE_FILE)
    latest: dict[str, Instrument] = {}
    seen: dict[tuple[str, int], str] = {}
    for path in paths:
        if path.name == CORE_FILE:
            continue
        instrument = load_instrument(path, core=core)
        identity = (instrument.key, instrument.version)
        if identity in seen:
            raise DefinitionError(
                f"{path.name}: instrument {instrument.key!r} version {instrument.version} "
                f"is already defined in {seen[identity]}"
            )
        seen[identity] = path.name
        current = latest.get(instrument.key)
        if current is None or instrument.version > current.version:
            latest[instrument.key] = instrument
    return latest
