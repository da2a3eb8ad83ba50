"""Conditional questions revealed on the page itself, without JavaScript.

A follow-up question ("Why not?") that depends on an answer on the same page
used to cost the respondent a round trip: the page was sent, the server saw
that the answer made the follow-up apply and showed the page again with it
(``page_flow.newly_applicable``), two more requests per such page, four
pages of the representatives' questionnaire. Here the follow-up is in the
page from the start, right after the question it depends on, and a static
CSS rule (``.reveal-group`` in ``medverkan.css``, ``:has()``) hides it until
one of the answers that make it apply is checked: the GOV.UK "conditional
reveal" pattern without its script, so it works under our CSP and with
JavaScript off. A browser without ``:has()`` shows every follow-up with its
hint ("answer this if you answered Yes to …"); either way the server stores
and requires a follow-up only when its condition holds (``forms.builder``'s
``OnlyWhen``), so what the CSS shows is a convenience, never the rule.

Only a follow-up that comes right after its radio question (alone or with
other follow-ups of the same question) is revealed this way, up to
``MAX_REVEALS`` different sets of answers per question. Any other same-page
condition keeps the server round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_REVEALS = 4  # the number of .reveal-N rules in medverkan.css


@dataclass(frozen=True)
class RevealGroup:
    """A radio question and the follow-ups that come right after it on the page."""

    trigger: object  # forms.builder.QuestionView
    dependents: tuple  # ((QuestionView, reveal number), ...)
    option_classes: dict  # option value (text) -> "reveals-1 reveals-2"


def revealable_keys(blocks) -> frozenset[str]:
    return frozenset(view.key for block in blocks if isinstance(block, RevealGroup) for view, _ in block.dependents)


def page_blocks(views) -> list:
    """The page's question views in order, a radio question and its follow-ups grouped."""
    views = list(views)
    blocks: list = []
    index = 0
    while index < len(views):
        view = views[index]
        following = []
        if view.kind == "radio" and view.question.condition is None:
            cursor = index + 1
            while cursor < len(views):
                condition = views[cursor].question.condition
                if condition is None or condition.question != view.key:
                    break
                following.append(views[cursor])
                cursor += 1
        value_sets = list(dict.fromkeys(tuple(str(v) for v in dep.question.condition.values) for dep in following))
        if not following or len(value_sets) > MAX_REVEALS:
            blocks.append(view)
            index += 1
            continue
        numbers = {values: number for number, values in enumerate(value_sets, start=1)}
        classes: dict[str, list[str]] = {}
        for values, number in numbers.items():
            for value in values:
                classes.setdefault(value, []).append(f"reveals-{number}")
        dependents = tuple(
            (dep, numbers[tuple(str(v) for v in dep.question.condition.values)]) for dep in following
        )
        blocks.append(RevealGroup(view, dependents, {value: " ".join(names) for value, names in classes.items()}))
        index += len(following) + 1
    return blocks
