"""Invented values on the Datasette side: which rows are synthetic, whether a page shows them, and saying so.

The demo fills the served database with the 2017 case (real facts from the
evaluation report next to invented ones) and entirely invented later
recruitments. Every served row that can hold an invented value carries a
flag (``collector/migrations_served.py`` m007): ``responses``,
``screening_ratings``, ``rankings`` and ``applicants`` have ``is_synthetic``,
``free_text_answers`` shows its response's, a process row is invented as a
whole (``is_synthetic = 1``) or names its invented columns
(``synthetic_facts``, e.g. the 2017 case's appointed applicant).

Every figure page takes ``?synthetic=1`` (include) or ``?synthetic=0``
(leave out), a plain link: no JavaScript. Without it synthetic values are
left out, except in demo mode (``config.demo()``), where the demo is the
point. A figure that shows invented values says so next to it
(``templates/_synthetic.html``); real data such as Table 2 of the report is
never marked.

Answer figures come from counts per process (``answer_counts`` and its
summaries), which do not keep synthetic and real answers apart. So for them
the unit is the process: a process with any synthetic response (or an
invented process row) is an *answer-synthetic* process, left out whole when
synthetic values are left out. Only the demo writes synthetic responses, and
only into its own processes, so nothing real is lost outside a demo process.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from urllib.parse import parse_qsl
from urllib.parse import urlencode

from datasette_plugins import config

PARAM = "synthetic"


def included(request) -> bool:
    """Whether this request's figures include synthetic values: ``?synthetic=``, else demo mode."""
    value = request.args.get(PARAM) if request is not None else None
    if value in ("0", "1"):
        return value == "1"
    return config.demo()


def answer_processes(conn) -> set[int]:
    """Processes whose answers include invented ones (partial index ``responses_synthetic_by_process``)."""
    rows = conn.execute(
        "select id from processes where is_synthetic = 1 union select process_id from responses where is_synthetic = 1"
    )
    return {row[0] for row in rows}


def real_process_ids(conn, process_ids=None) -> list[int] | None:
    """The processes an answer figure may use when synthetic values are left out.

    ``process_ids`` is the scope already chosen (None: every process). None
    back means "no restriction": nothing synthetic to leave out, so the pages
    keep their fast path over the summaries (always so in production).
    """
    synthetic = answer_processes(conn)
    if not synthetic and process_ids is None:
        return None
    if process_ids is None:
        process_ids = [row[0] for row in conn.execute("select id from processes")]
    return [pid for pid in process_ids if pid not in synthetic]


def synthetic_core_items(conn, process_ids) -> set[tuple[str, str]]:
    """(question key, item) of the core Likert items with answers from ``process_ids`` (the synthetic ones shown)."""
    ids = sorted(int(pid) for pid in process_ids)
    if not ids:
        return set()
    rows = conn.execute(
        "select distinct q.key, coalesce(ac.item, '') from answer_counts ac join questions q on q.id = ac.question_id "
        "where q.type = 'likert' and q.core = 1 and ac.n > 0 and ac.process_id in (" + ",".join("?" * len(ids)) + ")",
        ids,
    )
    return {(key, item) for key, item in rows}


def shown_answer_processes(conn, *, include: bool, process_id=None, process_ids=None, closed_only=False) -> set[int]:
    """The answer-synthetic processes whose answers a figure in this scope shows (empty when left out).

    ``closed_only``: management and coordinators see a process's answers only
    once it has closed (aggregates.closing_order), so a collecting synthetic
    process adds nothing to their figures.
    """
    if not include:
        return set()
    synthetic = answer_processes(conn)
    if process_id is not None:
        synthetic &= {process_id}
    elif process_ids is not None:
        synthetic &= set(process_ids)
    if closed_only and synthetic:
        closed = {row[0] for row in conn.execute("select id from processes where status = 'closed'")}
        synthetic &= closed
    return synthetic


@dataclass
class AnswerScope:
    """The answer figures' scope with synthetic values included or left out, and what to mark."""

    process_id: int | None
    process_ids: list[int] | None
    present: bool  # the scope holds answer-synthetic processes: offer the toggle
    marked_items: set = field(default_factory=set)  # (key, item) of core items showing synthetic answers

    def marks(self, key: str, item: str) -> bool:
        return (key, item or "") in self.marked_items


def answer_scope(conn, *, include: bool, process_id=None, process_ids=None, closed_only=False) -> AnswerScope:
    """Restrict ``aggregates.attitude_figures``' scope (one process, a list, or all) to real
    answers unless ``include``; name the core items whose figure then shows synthetic answers."""
    in_scope = shown_answer_processes(conn, include=True, process_id=process_id, process_ids=process_ids)
    if include:
        shown = shown_answer_processes(
            conn, include=True, process_id=process_id, process_ids=process_ids, closed_only=closed_only
        )
        return AnswerScope(process_id, process_ids, bool(in_scope), synthetic_core_items(conn, shown))
    if process_id is not None:
        if process_id in in_scope:
            return AnswerScope(None, [], True)
        return AnswerScope(process_id, None, False)
    return AnswerScope(None, real_process_ids(conn, process_ids), bool(in_scope))


def flagged(conn, table: str, process_id: int) -> bool:
    """Whether ``table`` (screening_ratings, rankings, applicants, responses) has synthetic rows for the process."""
    if table not in ("screening_ratings", "rankings", "applicants", "responses"):
        raise ValueError(f"no is_synthetic flag in {table!r}")
    sql = f"select 1 from {table} where process_id = ? and is_synthetic = 1 limit 1"
    return conn.execute(sql, [process_id]).fetchone() is not None


def any_in(conn, process_ids) -> bool:
    """Whether anything served about these processes is invented (the toggle is then worth offering)."""
    ids = set(process_ids)
    if answer_processes(conn) & ids:
        return True
    facts = conn.execute("select id from processes where synthetic_facts is not null and synthetic_facts != ''")
    if {row[0] for row in facts} & ids:
        return True
    for table in ("screening_ratings", "rankings", "applicants"):
        rows = conn.execute(f"select distinct process_id from {table} where is_synthetic = 1")
        if {row[0] for row in rows} & ids:
            return True
    return False


def process_marks(conn) -> dict[int, str]:
    """process id -> "synthetic" (invented as a whole) or "partly" (real row with invented rows or facts)."""
    marks = {row[0]: "partly" for row in conn.execute(
        "select id from processes where synthetic_facts is not null and synthetic_facts != '' "
        "union select process_id from responses where is_synthetic = 1 "
        "union select process_id from screening_ratings where is_synthetic = 1 "
        "union select process_id from rankings where is_synthetic = 1 "
        "union select process_id from applicants where is_synthetic = 1"
    )}
    marks.update({row[0]: "synthetic" for row in conn.execute("select id from processes where is_synthetic = 1")})
    return marks


def synthetic_response_counts(conn, process_id: int) -> dict[str, int]:
    """group -> synthetic responses in the process (``response_counts`` keeps no flag)."""
    rows = conn.execute(
        "select group_key, count(*) from responses where process_id = ? and is_synthetic = 1 group by group_key",
        [process_id],
    )
    return dict(rows.fetchall())


def flag_filter(include: bool, column: str = "is_synthetic") -> str:
    """An ``and ...`` clause for a table with an ``is_synthetic`` column: empty when included."""
    return "" if include else f" and coalesce({column}, 0) = 0"


def invented_facts(process: dict) -> set[str]:
    """The invented columns of a process row: all of them, the listed ones, or none."""
    if process.get("is_synthetic"):
        return {"*"}
    return {name.strip() for name in (process.get("synthetic_facts") or "").split(",") if name.strip()}


def view(request, *, present: bool) -> dict:
    """What ``templates/_synthetic.html`` needs: the state, whether there is anything to
    toggle, and the two links (the page's own address with ``synthetic`` set)."""
    include = included(request)
    query = [(k, v) for k, v in parse_qsl(request.query_string or "", keep_blank_values=True) if k != PARAM]

    def url(value: str) -> str:
        return request.path + "?" + urlencode(query + [(PARAM, value)])

    return {"included": include, "present": present, "value": "1" if include else "0",
            "include_url": url("1"), "exclude_url": url("0")}
