"""Agreement among raters beyond Krippendorff's alpha, for Table 2.

Why: a methodologist reads alpha next to Fleiss' kappa and the plain
percent agreement, wants to know which raters and units each figure rests
on, and how uncertain alpha is with three raters and a handful of
applicants. docs/statistics.md gives the formulas and references.

Every function takes (unit, rater, value) triples, like
``stats.krippendorff_alpha``. Units with fewer than two ratings cannot show
agreement; they are left out and named in the result, never dropped silently.
"""

from __future__ import annotations

import copy
import functools
import random
from collections import defaultdict

from datasette_plugins import stats

LEVELS = ("ordinal", "nominal", "interval")
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20170101  # fixed so the page shows the same interval on every load
CONFIDENCE = 0.95
# Krippendorff (2004, p. 241): rely on alpha >= 0.800, draw tentative conclusions from 0.667.
ALPHA_RELIABLE = 0.8
ALPHA_TENTATIVE = 0.667


def ratings_by_unit(triples):
    """{unit: [(rater, value), ...]} without missing values, in first-seen order."""
    units = defaultdict(list)
    for unit, rater, value in triples:
        if value is not None:
            units[unit].append((rater, value))
    return dict(units)


def coverage(triples) -> dict:
    """Which units and raters the agreement figures use, and which units are left out (< 2 ratings)."""
    units = ratings_by_unit(triples)
    used = sorted(u for u, r in units.items() if len(r) >= 2)
    left_out = sorted(u for u, r in units.items() if len(r) < 2)
    raters = sorted({rater for u in used for rater, _ in units[u]})
    return {"units": used, "units_left_out": left_out, "raters": raters,
            "values": sum(len(units[u]) for u in used)}


def _unit_agreements(triples):
    """Per pairable unit: (category counts, share of agreeing rater pairs)."""
    result = []
    for ratings in ratings_by_unit(triples).values():
        m = len(ratings)
        if m < 2:
            continue
        counts = defaultdict(int)
        for _rater, value in ratings:
            counts[value] += 1
        agreeing_pairs = sum(n * (n - 1) for n in counts.values())
        result.append((counts, agreeing_pairs / (m * (m - 1))))
    return result


def percent_agreement(triples):
    """Observed pairwise agreement: per unit the share of rater pairs giving the same value, averaged over units.

    This is Fleiss' P-bar; with the same raters on every unit it is also
    the share of all agreeing rater pairs.
    """
    units = _unit_agreements(triples)
    return sum(share for _c, share in units) / len(units) if units else None


def fleiss_kappa(triples):
    """Fleiss' (1971) kappa, (P-bar - P_e) / (1 - P_e), on the units with at least two ratings.

    P_e sums the squared overall category shares. Fleiss assumes the same
    number of ratings per unit; when a unit has fewer, its P_i uses its own
    count (the usual generalisation), which equals Fleiss on complete data.
    """
    units = _unit_agreements(triples)
    if not units:
        return None
    totals = defaultdict(int)
    for counts, _share in units:
        for value, n in counts.items():
            totals[value] += n
    all_ratings = sum(totals.values())
    expected = sum((n / all_ratings) ** 2 for n in totals.values())
    if expected >= 1:
        return None  # one category only: agreement beyond chance is undefined
    observed = sum(share for _c, share in units) / len(units)
    return (observed - expected) / (1 - expected)


def bootstrap_alpha(triples, level, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED, confidence=CONFIDENCE):
    """Percentile bootstrap interval for alpha, resampling units (applicants) with replacement.

    Units, not single ratings, are the independent draws (Hayes &
    Krippendorff 2007 also resample within the coincidence matrix; resampling
    whole units keeps each applicant's ratings together). Resamples whose
    alpha is undefined (one category only) are skipped and counted.
    Returns (low, high, resamples used) or None.
    """
    units = [ratings for ratings in ratings_by_unit(triples).values() if len(ratings) >= 2]
    if len(units) < 2:
        return None
    rng = random.Random(seed)
    alphas = []
    for _ in range(resamples):
        drawn = [units[rng.randrange(len(units))] for _ in units]
        value = stats.krippendorff_alpha(
            [(index, rater, v) for index, ratings in enumerate(drawn) for rater, v in ratings], level
        )
        if value is not None:
            alphas.append(value)
    if len(alphas) < resamples / 2:
        return None
    alphas.sort()
    tail = (1 - confidence) / 2
    return _quantile(alphas, tail), _quantile(alphas, 1 - tail), len(alphas)


def _quantile(sorted_values, q):
    """Linear interpolation between order statistics (numpy's default "linear" method)."""
    position = q * (len(sorted_values) - 1)
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def alpha_reading(alpha) -> str:
    """The plain-language meaning of an alpha value, as an English msgid (i18n.py has the Swedish)."""
    if alpha is None:
        return "Alpha cannot be computed: the raters used only one value, or too few units have two ratings."
    if alpha < 0:
        return "Below zero: the raters disagree more than chance would make them."
    if alpha < ALPHA_TENTATIVE:
        return "Below 0.667: agreement too weak to rely on (Krippendorff's lowest threshold for tentative conclusions)."
    if alpha < ALPHA_RELIABLE:
        return "Between 0.667 and 0.8: enough only for tentative conclusions."
    return "0.8 or above: the raters agree reliably."


def screening_agreement(triples) -> dict:
    """Everything Table 2 shows: alpha per level with its interval, kappa, percent agreement, coverage.

    Kept per set of ratings: the three bootstrap intervals are 3,000 alphas
    (about 150 ms, most of the process page's cost) and their seed is fixed,
    so every load of the page computed the same figures again. A changed
    rating is another key. The caller gets its own copy.
    """
    triples = tuple(tuple(triple) for triple in triples)
    try:
        return copy.deepcopy(_screening_agreement_of(triples))
    except TypeError:  # an unhashable value: computed, not kept
        return _screening_agreement(triples)


@functools.lru_cache(maxsize=64)
def _screening_agreement_of(triples: tuple) -> dict:
    return _screening_agreement(triples)


def _screening_agreement(triples) -> dict:
    triples = list(triples)
    alphas = {level: stats.krippendorff_alpha(triples, level) for level in LEVELS}
    return {
        "alphas": alphas,
        "intervals": {level: bootstrap_alpha(triples, level) for level in LEVELS},
        "kappa": fleiss_kappa(triples),
        "percent_agreement": percent_agreement(triples),
        "coverage": coverage(triples),
        "readings": {level: alpha_reading(alpha) for level, alpha in alphas.items()},
        "resamples": BOOTSTRAP_RESAMPLES,
        "confidence": CONFIDENCE,
    }
