"""Summaries and wide views of a pooled database, rebuilt and checked.

``answer_counts`` and ``response_counts`` are what every aggregate page reads
(they never read ``answers``); in the collector they are kept by each
submission. A pooled database is loaded in bulk, so they are rebuilt here
with one GROUP BY each, and the m003 triggers build ``core_answer_totals``
and ``core_answer_cells`` from the inserts, exactly as at a submission. Then
all four are compared with the raw answers, both ways: a pooled database
whose figures disagree with its answers is never handed over.
"""

from __future__ import annotations


class SummaryMismatch(ValueError):
    """A rebuilt summary does not equal the raw answers."""


def _differs(conn, left: str, right: str) -> int:
    return conn.execute(
        f"select (select count(*) from ({left} except {right})) + (select count(*) from ({right} except {left}))"
    ).fetchone()[0]


CHECKS = {
    "answer_counts": (
        "select process_id, group_key, question_id, item, value_int, n from answer_counts",
        "select process_id, group_key, question_id, item, value_int, count(*) from answers "
        "where value_int is not null group by 1, 2, 3, 4, 5",
    ),
    "response_counts": (
        "select process_id, group_key, n from response_counts",
        "select process_id, group_key, count(*) from responses group by 1, 2",
    ),
    "core_answer_totals": (
        "select question_id, group_key, item, value_int, n from core_answer_totals",
        "select a.question_id, a.group_key, a.item, a.value_int, count(*) from answers a join questions q "
        "on q.id = a.question_id where q.core = 1 and a.value_int is not null group by 1, 2, 3, 4",
    ),
    "core_answer_cells": (
        "select process_id, group_key, question_id, item, n from core_answer_cells",
        "select a.process_id, a.group_key, a.question_id, a.item, count(*) from answers a join questions q "
        "on q.id = a.question_id where q.core = 1 and a.value_int is not null group by 1, 2, 3, 4",
    ),
}


def rebuild_and_check_summaries(conn) -> None:
    conn.execute(
        "insert into answer_counts (process_id, group_key, question_id, item, value_int, n) "
        "select process_id, group_key, question_id, item, value_int, count(*) from answers "
        "where value_int is not null group by 1, 2, 3, 4, 5"
    )
    conn.execute(
        "insert into response_counts (process_id, group_key, n) "
        "select process_id, group_key, count(*) from responses group by 1, 2"
    )
    check_summaries(conn)


def check_summaries(conn) -> None:
    for name, (stored, raw) in CHECKS.items():
        if _differs(conn, stored, raw):
            raise SummaryMismatch(f"{name} does not match the raw answers")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _wide_columns(key: str, qtype: str, question_id: int, choices: list[int]) -> list[str]:
    """The same columns as forms.registry's wide views (the served-schema contract)."""
    answer = f"from answers a where a.response_id = r.id and a.question_id = {int(question_id)}"
    if qtype == "text":
        return [f"(select a.value_text {answer} and a.item = '') as {_quote(key)}"]
    if qtype == "multiple":
        return [
            f"(select case when count(*) = 0 then null else max(a.value_int = {int(value)}) end {answer})"
            f" as {_quote(f'{key}__{value}')}"
            for value in choices
        ]
    if qtype in ("screening", "ranking"):
        return [
            f"(select group_concat(pair, '; ') from (select a.item || '=' || a.value_int as pair {answer} "
            f"order by a.item)) as {_quote(key)}"
        ]
    return [f"(select a.value_int {answer} and a.item = '') as {_quote(key)}"]


def create_wide_views(conn) -> None:
    for instrument_id, key, version in conn.execute("select id, key, version from instruments").fetchall():
        columns = ["r.id as response_id", "r.process_id", "r.group_key", "r.language", "r.submitted_on", "r.is_synthetic"]
        for question_id, qkey, qtype in conn.execute(
            "select id, key, type from questions where instrument_id = ? order by position", [instrument_id]
        ).fetchall():
            choices = [row[0] for row in conn.execute(
                "select value from question_choices where question_id = ? order by value", [question_id])]
            columns += _wide_columns(qkey, qtype, question_id, choices)
        name = _quote(f"wide_{key}_v{version}")
        conn.execute(f"drop view if exists {name}")
        conn.execute(f"create view {name} as select\n  " + ",\n  ".join(columns)
                     + f"\nfrom responses r where r.instrument_id = {int(instrument_id)}")
