"""Differences between two instrument versions, and the common-core decision.

Why: answered versions never change (collector.instruments.registry freezes them), so an
edited questionnaire becomes a new version. Authors need to see what changed
(added, removed, reworded items, changed types or choices), and a reworded
common-core item must either keep its key (the meaning is unchanged, so
cross-department comparison continues) or deliberately break it (a new key,
no longer core, so old and new answers are never pooled by mistake).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from forms.model import Instrument
from forms.model import Page
from forms.model import Question
from forms.speech import without_audio

CORE_DECISIONS = ("keep", "break")


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | reworded | type | choices | settings
    key: str
    detail: str
    core: bool = False

    def __str__(self) -> str:
        mark = {"added": "+", "removed": "-"}.get(self.kind, "~")
        core = " [core]" if self.core else ""
        return f"{mark} {self.kind:<9} {self.key}{core}: {self.detail}"


def diff(old: Instrument, new: Instrument) -> list[Change]:
    """Item-level changes from ``old`` to ``new``, in the new instrument's order."""
    before = {q.key: q for q in old.questions}
    after = {q.key: q for q in new.questions}
    changes: list[Change] = []
    for field in ("group", "department", "title", "intro", "minutes"):
        if getattr(old, field) != getattr(new, field):
            changes.append(Change("settings", field, f"{getattr(old, field)!r} -> {getattr(new, field)!r}"))
    for key, question in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append(Change("added", key, question.text["sv"], question.core))
            continue
        if without_audio(previous.text) != without_audio(question.text):
            changes.append(Change("reworded", key, f"{previous.text['sv']!r} -> {question.text['sv']!r}", previous.core))
        if previous.type != question.type:
            changes.append(Change("type", key, f"{previous.type} -> {question.type}", previous.core))
        if _options(previous) != _options(question):
            changes.append(Change("choices", key, "the answer options changed", previous.core))
    for key, question in before.items():
        if key not in after:
            changes.append(Change("removed", key, question.text["sv"], question.core))
    return changes


def _options(question: Question) -> dict:
    """The answer options as respondents see them (an audio file name is not wording)."""
    return {value: without_audio(label) for value, label in question.value_labels().items()}


def reworded_core(old: Instrument, new: Instrument) -> list[str]:
    """Keys of common-core items whose wording changed between the versions."""
    return [c.key for c in diff(old, new) if c.kind == "reworded" and c.core]


def broken_key(key: str, version: int) -> str:
    return f"{key}_v{version}"


def apply_core_decisions(new: Instrument, decisions: dict[str, str]) -> Instrument:
    """Apply ``keep`` or ``break`` to reworded core items of ``new``.

    ``break`` renames the item to ``<key>_v<version>`` and drops it from the
    common core; conditions that point at it follow the rename.
    """
    renames = {key: broken_key(key, new.version) for key, decision in decisions.items() if decision == "break"}
    for decision in decisions.values():
        if decision not in CORE_DECISIONS:
            raise ValueError(f"core decision must be one of {CORE_DECISIONS}, not {decision!r}")
    if not renames:
        return new

    def rewrite(question: Question) -> Question:
        changes = {}
        if question.key in renames:
            changes.update(key=renames[question.key], core=False)
        if question.condition is not None and question.condition.question in renames:
            changes["condition"] = dataclasses.replace(question.condition, question=renames[question.condition.question])
        return dataclasses.replace(question, **changes) if changes else question

    pages = tuple(Page(p.key, p.title, tuple(rewrite(q) for q in p.questions), p.intro) for p in new.pages)
    return dataclasses.replace(new, pages=pages)
