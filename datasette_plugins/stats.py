"""Pure statistics used by the SQL functions and the chart pages.

Plain Python (no numpy) so the collector can register the SQL functions on
every connection without heavy imports. Checked against the ``krippendorff``
package and ``scipy.stats`` in tests/test_sql_functions.py.
"""

from __future__ import annotations

import math
from collections import Counter
from collections import defaultdict

from datasette_plugins import exact_rank_test

DONT_KNOW = 9
LIKERT_VALUES = range(1, 6)
AGREE_VALUES = (4, 5)


def likert_values(pairs):
    """(value, weight) pairs restricted to the 1-5 scale: 9 ("don't know") and NULL are ignored."""
    for value, weight in pairs:
        if value is None or weight is None:
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            continue
        if value in LIKERT_VALUES and weight > 0:
            yield value, weight


def weighted_median(pairs):
    pairs = sorted(likert_values(pairs))
    total = sum(w for _, w in pairs)
    if not total:
        return None
    lower_index, upper_index = (total - 1) // 2, total // 2
    seen, lower, upper = 0, None, None
    for value, weight in pairs:
        if lower is None and seen + weight > lower_index:
            lower = value
        if seen + weight > upper_index:
            upper = value
            break
        seen += weight
    return (lower + upper) / 2


def weighted_mean(pairs):
    pairs = list(likert_values(pairs))
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def agree_share(pairs):
    pairs = list(likert_values(pairs))
    total = sum(w for _, w in pairs)
    return sum(w for v, w in pairs if v in AGREE_VALUES) / total if total else None


def krippendorff_alpha(triples, level: str = "nominal"):
    """Krippendorff's alpha from (unit, rater, value) triples.

    Built on the coincidence matrix (Krippendorff 2011, "Computing
    Krippendorff's alpha-reliability"). Units with fewer than two values are
    not pairable and are left out. ``level``: nominal, ordinal or interval.
    """
    units = defaultdict(list)
    for unit, _rater, value in triples:
        if value is not None:
            units[unit].append(value)
    coincidences = defaultdict(float)
    for values in units.values():
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[(c, k)] += 1 / (m - 1)
    categories = sorted({c for c, _ in coincidences})
    n_c = {c: sum(coincidences[(c, k)] for k in categories) for c in categories}
    n = sum(n_c.values())
    if n <= 1 or len(categories) < 2:
        return None
    delta = _distance(level, categories, n_c)
    observed = sum(coincidences[(c, k)] * delta(c, k) for c in categories for k in categories)
    expected = sum(n_c[c] * n_c[k] * delta(c, k) for c in categories for k in categories) / (n - 1)
    if expected == 0:
        return None
    return 1 - observed / expected


def _distance(level, categories, n_c):
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ordinal":
        position = {c: i for i, c in enumerate(categories)}
        cumulative = [0.0]
        for c in categories:
            cumulative.append(cumulative[-1] + n_c[c])

        def ordinal(c, k):
            low, high = sorted((position[c], position[k]))
            between = cumulative[high + 1] - cumulative[low]
            return (between - (n_c[c] + n_c[k]) / 2) ** 2

        return ordinal
    raise ValueError(f"unknown level of measurement: {level}")


def kendall_w(triples):
    """Kendall's W (with tie correction) from (rater, item, rank) triples; see :func:`kendall_w_detail`."""
    detail = kendall_w_detail(triples)
    return detail["w"] if detail else None


def kendall_w_detail(triples):
    """Kendall's W with the raters and items it rests on, incomplete rankings included.

    Every item anyone ranked counts, so no finalist is silently dropped.
    A rater who ranked only some items is taken to place the others tied
    last: they share the mean of the remaining ranks (k+1 .. n), and the tie
    correction counts that tie. Each rater's own ranks are re-ranked first,
    so gaps (1, 2, 4) do not distort the sums. W = 12 S / (m^2 (n^3 - n) -
    m sum(t^3 - t)) (Kendall & Babington Smith 1939; Siegel & Castellan 1988,
    ch. 9.4). Returns None with fewer than 2 raters or 2 items.
    """
    by_rater = defaultdict(dict)
    for rater, item, rank in triples:
        if rank is not None:
            by_rater[rater][item] = float(rank)
    items = sorted({item for ranks in by_rater.values() for item in ranks}, key=str)
    n, m = len(items), len(by_rater)
    if m < 2 or n < 2:
        return None
    totals = defaultdict(float)
    ties = 0.0
    incomplete = {}
    for rater, ranks in by_rater.items():
        ranked = [i for i in items if i in ranks]
        completed = dict(zip(ranked, average_ranks([ranks[i] for i in ranked])))
        unranked = [i for i in items if i not in ranks]
        if unranked:
            incomplete[rater] = unranked
            last = (len(ranked) + 1 + n) / 2
            completed.update({i: last for i in unranked})
        for item in items:
            totals[item] += completed[item]
        for size in _tie_sizes(list(completed.values())):
            ties += size**3 - size
    mean = m * (n + 1) / 2
    s = sum((t - mean) ** 2 for t in totals.values())
    denominator = m**2 * (n**3 - n) - m * ties
    return {
        "w": 12 * s / denominator if denominator else None,
        "m": m,
        "n": n,
        "raters": sorted(by_rater, key=str),
        "items": items,
        "incomplete": incomplete,
        "chi2": m * (n - 1) * 12 * s / denominator if denominator else None,
    }


def average_ranks(values):
    """Ranks 1..n, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for index in order[i : j + 1]:
            ranks[index] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def _tie_sizes(values):
    counts = defaultdict(int)
    for v in values:
        counts[v] += 1
    return [c for c in counts.values() if c > 1]


def mann_whitney(first, second, method: str = "auto"):
    """Two-sided Mann-Whitney U for two samples of values (see :func:`mann_whitney_counts`)."""
    return mann_whitney_counts(Counter(first), Counter(second), method)


def mann_whitney_counts(first: dict, second: dict, method: str = "auto"):
    """Two-sided Mann-Whitney U from value -> count tables.

    ``method``: "exact" (the exact conditional permutation p, ties included,
    see exact_rank_test.py), "asymptotic" (normal approximation, tie and
    continuity corrected, as scipy's ``method="asymptotic"``) or "auto":
    exact when n1 * n2 <= exact_rank_test.EXACT_MAX_PRODUCT. The result says
    which was used under "method".

    Works on frequency tables, so comparing two groups of 300 000 Likert
    answers costs five steps, not a sort of 600 000 values: each value's
    tied answers share its mid-rank. Returns U for the first sample, the
    two-sided p-value, the
    rank-biserial correlation and r = z / sqrt(N); None when a sample is empty.
    """
    if method not in ("auto", "exact", "asymptotic"):
        raise ValueError(f"unknown method: {method}")
    n1, n2 = sum(first.values()), sum(second.values())
    if not n1 or not n2:
        return None
    rank_sum, below, ties = 0.0, 0, 0
    for value in sorted(set(first) | set(second)):
        tied = first.get(value, 0) + second.get(value, 0)
        rank_sum += first.get(value, 0) * (below + (tied + 1) / 2)
        ties += tied**3 - tied
        below += tied
    u1 = rank_sum - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    n = n1 + n2
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0
    mu = n1 * n2 / 2
    if variance <= 0:
        z, p = 0.0, 1.0
    else:
        z = (max(u1, u2) - mu - 0.5) / math.sqrt(variance)
        p = min(1.0, math.erfc(max(z, 0) / math.sqrt(2)) if z > 0 else 1.0)
    signed_z = z if u1 >= mu else -z
    if method == "auto":
        method = "exact" if n1 * n2 <= exact_rank_test.EXACT_MAX_PRODUCT else "asymptotic"
    if method == "exact":
        p = exact_rank_test.exact_p(first, second)
    return {
        "method": method,
        "u": u1,
        "p": p,
        "n1": n1,
        "n2": n2,
        "rank_biserial": 1 - 2 * u2 / (n1 * n2),
        "r": signed_z / math.sqrt(n),
    }
