"""Small value counts: what management may see inside a group of at least k.

Suppressing groups under k is not enough: inside a shown group of, say,
seven, the percentages and the "don't know" count let anyone work out that
exactly one person strongly disagreed. Statistical disclosure control's
answer for frequency tables (OECD/Eurostat threshold rule; "combine
categories, suppress, round") is applied here as *category merging* with a
fixed ladder, coarsest last:

1. the five scale values and "don't know", each on its own;
2. the disagree side (1–2) and/or the agree side (4–5) as one category;
3. as 1–2 but "don't know" joins the neutral middle ("3 or don't know");
4. agree (4–5) against the rest (1–3), "don't know" alone, then with 1–3;
5. the distribution withheld: only the number of respondents.

A row gets the first rung on which every category it shows is 0 or at
least k. A mean or median is shown only on rung 1 (on any other rung it
would let the merged counts be split again), the agree share only while
"don't know" stands alone (its denominator would give it away otherwise).
A total (the sum of shown rows) uses a rung at least as coarse as each row
shown in detail and safe for the sum of the withheld rows too, so total
minus rows gives nothing finer (:func:`choose_total`). See docs/privacy.md, "Small value
counts", and tests/test_datasette_value_counts.py, which plays the attack.
"""

from __future__ import annotations

from dataclasses import dataclass

from datasette_plugins import i18n

SCALE = (1, 2, 3, 4, 5)
DONT_KNOW = 9


@dataclass(frozen=True)
class Partition:
    """How a row's counts are grouped for display (one rung of the ladder)."""

    merge_disagree: bool = False
    merge_agree: bool = False
    dont_know_in_neutral: bool = False
    withheld: bool = False
    agree_or_not: bool = False  # 1–3 against 4–5, the usual "share who agree"

    def blocks(self) -> list[tuple[int, ...]]:
        if self.withheld:
            return [SCALE + (DONT_KNOW,)]
        if self.agree_or_not:
            if self.dont_know_in_neutral:
                return [(1, 2, 3, DONT_KNOW), (4, 5)]
            return [(1, 2, 3), (4, 5), (DONT_KNOW,)]
        blocks = [(1, 2)] if self.merge_disagree else [(1,), (2,)]
        blocks.append((3, DONT_KNOW) if self.dont_know_in_neutral else (3,))
        blocks += [(4, 5)] if self.merge_agree else [(4,), (5,)]
        if not self.dont_know_in_neutral:
            blocks.append((DONT_KNOW,))
        return blocks

    def covers(self, other: "Partition") -> bool:
        """True when this partition is at least as coarse as ``other``."""
        if self.withheld:
            return True
        if other.withheld:
            return False
        if self.agree_or_not or other.agree_or_not:
            return self.agree_or_not and (self.dont_know_in_neutral or not other.dont_know_in_neutral)
        return all(
            mine or not theirs
            for mine, theirs in (
                (self.merge_disagree, other.merge_disagree),
                (self.merge_agree, other.merge_agree),
                (self.dont_know_in_neutral, other.dont_know_in_neutral),
            )
        )

    @property
    def exact(self) -> bool:
        return self == FINEST


FINEST = Partition()
WITHHELD = Partition(withheld=True)
LADDER = [
    Partition(disagree, agree, dont_know)
    for dont_know in (False, True)
    for disagree, agree in ((False, False), (True, False), (False, True), (True, True))
] + [Partition(True, True, False, agree_or_not=True), Partition(True, True, True, agree_or_not=True), WITHHELD]


def normalised(counts: dict) -> dict:
    """Counts keyed 1-5 and 9; any other value is counted with "don't know" so n never exceeds the blocks."""
    out = {v: 0 for v in SCALE + (DONT_KNOW,)}
    for value, n in counts.items():
        out[value if value in out else DONT_KNOW] += n
    return out


def block_counts(counts: dict, partition: Partition) -> list[tuple[tuple[int, ...], int]]:
    values = normalised(counts)
    return [(block, sum(values[v] for v in block)) for block in partition.blocks()]


def safe(counts: dict, partition: Partition, k: int) -> bool:
    return all(n == 0 or n >= k for _block, n in block_counts(counts, partition))


def choose(counts: dict, k: int, at_least: Partition = FINEST) -> Partition:
    """The finest rung that covers ``at_least`` and shows no count in 1..k-1."""
    for partition in LADDER:
        if partition.covers(at_least) and safe(counts, partition, k):
            return partition
    return WITHHELD


def choose_total(row_counts: list[dict], row_partitions: list[Partition], k: int) -> Partition:
    """The rung of a total over rows already shown with ``row_partitions``.

    Total minus the rows shown in detail is the sum of the withheld rows: the
    total's rung must cover every detailed row's rung (so the subtraction is
    done block by block and gives nothing finer) and be safe both for the
    total and for that remainder.
    """
    total, remainder = {}, {}
    for counts, partition in zip(row_counts, row_partitions):
        for value, n in counts.items():
            total[value] = total.get(value, 0) + n
            if partition.withheld:
                remainder[value] = remainder.get(value, 0) + n
    at_least = join(p for p in row_partitions if not p.withheld)
    for partition in LADDER:
        if partition.covers(at_least) and safe(total, partition, k) and safe(remainder, partition, k):
            return partition
    return WITHHELD


def join(partitions) -> Partition:
    """The finest partition covering all of ``partitions``."""
    partitions = list(partitions)
    if any(p.withheld for p in partitions):
        return WITHHELD
    agree_or_not = any(p.agree_or_not for p in partitions)
    return Partition(
        agree_or_not or any(p.merge_disagree for p in partitions),
        agree_or_not or any(p.merge_agree for p in partitions),
        any(p.dont_know_in_neutral for p in partitions),
        agree_or_not=agree_or_not,
    )


def segments(counts: dict, partition: Partition) -> list[tuple[tuple[int, ...], float]]:
    """(block, share) for the chart and the table: shares of the 1-5 scale, or of all
    answers when "don't know" has joined the middle (its own size must stay hidden)."""
    shown = [(block, n) for block, n in block_counts(counts, partition) if block != (DONT_KNOW,)]
    total = sum(n for _block, n in shown)
    return [(block, (n / total if total else 0.0)) for block, n in shown]


TEXTS = {
    "withheld": ("fördelningen visas inte: för få svar per svarsalternativ", "distribution not shown: too few answers per option"),
    "included": ("ingår i {block}", "included in {block}"),
    "note": (
        "Svarsalternativ med 1–{m} svar slås ihop med grannen (1–2, 4–5, 3 med vet inte, 1–3) eller visas inte, "
        "så att inga små antal kan räknas fram; medelvärde och median visas då inte.",
        "Options with 1–{m} answers are merged with their neighbour (1–2, 4–5, 3 with don't know, 1–3) or not shown, "
        "so that no small count can be worked out; mean and median are then not shown.",
    ),
}


def text(key: str, lang: str, **values) -> str:
    sv, en = TEXTS[key]
    return (en if lang == "en" else sv).format(**values)


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def table_cells(row, lang: str, suppressed_text: str) -> list[tuple[int, str]]:
    """(colspan, text) for a row of the attitudes table after its first cell:
    respondents, 1..5 (merged blocks span their columns), don't know, median, mean, agree."""
    if row.suppressed:
        return [(10, suppressed_text)]
    partition = row.partition
    number = i18n.format_number  # decimal comma and thin-space thousands in Swedish
    cells = [(1, number(row.n, lang))]
    if partition.withheld:
        return cells + [(9, text("withheld", lang))]
    for block, share in row.segments():
        cells.append((len([v for v in block if v in SCALE]), _percent(share)))
    if partition.dont_know_in_neutral:
        block = next(b for b in partition.blocks() if DONT_KNOW in b)
        cells.append((1, text("included", lang, block="–".join(str(v) for v in block if v != DONT_KNOW))))
    else:
        cells.append((1, number(normalised(row.counts)[DONT_KNOW], lang)))
    median, mean = (row.median(), row.mean()) if partition.exact else (None, None)
    cells.append((1, "–" if median is None else number(median, lang)))
    cells.append((1, "–" if mean is None else number(mean, lang, 2)))
    agree = None if partition.dont_know_in_neutral else (row.agree() or 0)
    cells.append((1, "–" if agree is None else _percent(agree)))
    return cells


def distribution_text(v1, v2, v3, v4, v5, other, k) -> str:
    """SQL function ``protected_distribution``: one cell's blocks as text, both languages.

    For the management canned query, which must show no more than the
    attitudes page: the same rung, shares as on the page, no median.
    """
    counts = {1: v1 or 0, 2: v2 or 0, 3: v3 or 0, 4: v4 or 0, 5: v5 or 0, DONT_KNOW: other or 0}
    partition = choose(counts, int(k))
    if partition.withheld:
        return f"{text('withheld', 'sv')} / {text('withheld', 'en')}"
    parts = [
        "–".join(str(v) for v in block if v != DONT_KNOW)
        + (" + vet inte / don't know" if DONT_KNOW in block else "")
        + f": {_percent(share)}"
        for block, share in segments(counts, partition)
    ]
    if not partition.dont_know_in_neutral:
        parts.append(f"vet inte / don't know: {normalised(counts)[DONT_KNOW]}")
    return "; ".join(parts)
