"""The served ``representative_profile``: who represented service users, as counts.

Evaluators study representativeness ("who is representative, who is left
out?") from counts of pool representatives per process and characteristic
(each area of lived experience, and whether they were prepared). The table
is rebuilt from the contacts database whenever assignments, areas, training
or the pool change (:func:`refresh`), in one served transaction.

The rule (argued in docs/ARCHITECTURE.md, "Pool of representatives"): with
``n`` representatives in a process and ``c`` of them with a characteristic,
``c`` is published only when ``n >= k`` and either ``c == 0`` or both
``c >= k`` and ``n - c >= k``. Otherwise the row says ``suppressed = 1`` and
``with_characteristic`` is NULL: a count of 1..k-1 on either side (or "all of
them") would tell colleagues who sat on the panel something about a named
person. Cells suppressed per process are added together, per characteristic,
over closed processes into one row with ``process_id`` NULL, published under
the same rule, so small recruitments still count in pooled figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from collector.brukarbank.vocabulary import CHARACTERISTICS
from collector.brukarbank.vocabulary import PREPARED
from collector.db import immediate_transaction

DEFAULT_K = 5


@dataclass
class Cell:
    process_id: int | None
    characteristic: str
    representatives: int
    with_characteristic: int | None
    suppressed: int


def publishable(count: int, total: int, k: int) -> bool:
    """May ``count`` of ``total`` representatives be shown? (See the module docstring.)"""
    if total < k:
        return False
    return count == 0 or (count >= k and total - count >= k)


def raw_counts(contacts_db) -> dict[int, dict]:
    """Per process: ``n`` and a count per characteristic, from live assignments plus retired counts."""
    counts: dict[int, dict] = {}

    def entry(process_id: int) -> dict:
        return counts.setdefault(process_id, {"n": 0, **{c: 0 for c in CHARACTERISTICS}})

    rows = contacts_db.execute(
        """
        select a.process_id, a.member_id,
               exists (select 1 from pool_trainings t where t.member_id = a.member_id) as prepared
        from pool_assignments a
        """
    ).fetchall()
    areas: dict[int, set] = {}
    for member_id, key in contacts_db.execute("select member_id, area_key from pool_member_areas"):
        areas.setdefault(member_id, set()).add(key)
    for process_id, member_id, prepared in rows:
        current = entry(process_id)
        current["n"] += 1
        current[PREPARED] += 1 if prepared else 0
        for key in areas.get(member_id, ()):
            if key in current:
                current[key] += 1
    for process_id, characteristic, representatives, with_characteristic in contacts_db.execute(
        "select process_id, characteristic, representatives, with_characteristic from pool_retired_counts"
    ):
        if characteristic not in CHARACTERISTICS:
            continue
        current = entry(process_id)
        current[characteristic] += with_characteristic
        if characteristic == PREPARED:  # every retired row of a process carries the same n: count it once
            current["n"] += representatives
    return counts


def cells(counts: dict[int, dict], closed: set[int], k: int) -> list[Cell]:
    """The published rows: per process, then one pooled row per characteristic (process_id NULL)."""
    result: list[Cell] = []
    pooled = {c: [0, 0] for c in CHARACTERISTICS}  # characteristic -> [n, c] of suppressed cells
    for process_id in sorted(counts):
        n = counts[process_id]["n"]
        if n == 0:
            continue
        for characteristic in CHARACTERISTICS:
            count = counts[process_id][characteristic]
            if publishable(count, n, k):
                result.append(Cell(process_id, characteristic, n, count, 0))
                continue
            result.append(Cell(process_id, characteristic, n, None, 1))
            if process_id in closed:
                pooled[characteristic][0] += n
                pooled[characteristic][1] += count
    for characteristic, (n, count) in pooled.items():
        if n:
            shown = publishable(count, n, k)
            result.append(Cell(None, characteristic, n, count if shown else None, 0 if shown else 1))
    return result


def refresh(served_db, contacts_db, k: int = DEFAULT_K) -> int:
    """Rebuild ``representative_profile`` for processes that exist; returns the number of rows."""
    existing = {row[0]: row[1] for row in served_db.execute("select id, status from processes")}
    counts = {pid: value for pid, value in raw_counts(contacts_db).items() if pid in existing}
    closed = {pid for pid, status in existing.items() if status == "closed"}
    rows = cells(counts, closed, max(1, int(k)))
    with immediate_transaction(served_db):
        served_db.execute("delete from representative_profile")
        # Plain executemany: sqlite-utils' insert_all spent 80 % of a refresh building its queries.
        served_db.conn.executemany(
            "insert into representative_profile (process_id, characteristic, representatives, with_characteristic, suppressed) "
            "values (?, ?, ?, ?, ?)",
            [(c.process_id, c.characteristic, c.representatives, c.with_characteristic, c.suppressed) for c in rows],
        )
    return len(rows)


def for_process(served_db, process_id: int) -> list[dict]:
    return list(
        served_db.query(
            "select * from representative_profile where process_id = ? order by rowid", [process_id]
        )
    )
