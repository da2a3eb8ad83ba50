"""The vetted canned queries as management and coordinators get them.

metadata.yml defines each query once, as evaluators see it. For the
aggregate roles Datasette's ``canned_queries`` hook returns a stricter
version under the same name (hook results replace metadata's):

* ``core_items_by_group`` shows each group's distribution through
  ``protected_distribution`` (disclosure.py's merging of small value counts)
  instead of five exact percentages and a median, so the query gives away
  no more than the attitudes page (issue 10, part 11);
* for a coordinator both queries answer only for a process of their own
  department (scope.py, issue 10, part 4);
* ``core_items_by_group`` answers only for a process whose collection has
  closed (issue 10, part 3: no differencing while statuses change).
"""

from __future__ import annotations

from datasette_plugins import access
from datasette_plugins import described
from datasette_plugins import scope

PROTECTED_CORE_ITEMS_SQL = """with cells as (
  select q.key as question, min(q.text_sv) as text_sv, min(q.text_en) as text_en, ac.item, ac.group_key,
    sum(ac.n) as answered,
    sum(case when ac.value_int between 1 and 5 then ac.n else 0 end) as on_scale,
    sum(case when ac.value_int = 1 then ac.n else 0 end) as v1,
    sum(case when ac.value_int = 2 then ac.n else 0 end) as v2,
    sum(case when ac.value_int = 3 then ac.n else 0 end) as v3,
    sum(case when ac.value_int = 4 then ac.n else 0 end) as v4,
    sum(case when ac.value_int = 5 then ac.n else 0 end) as v5
  from answer_counts ac join questions q on q.id = ac.question_id
  where q.core = 1 and q.type = 'likert' and ac.process_id = :process_id
    and ac.process_id in (select id from processes where status = 'closed')
  group by q.key, ac.item, ac.group_key
)
select question, text_sv, text_en, item, group_key, answered,
  protected_distribution(v1, v2, v3, v4, v5, answered - on_scale, small_cell_k()) as distribution,
  case when exists (select 1 from responses where process_id = :process_id and is_synthetic = 1)
    then 'syntetiska data / synthetic data' else 'verkliga / real' end as data
from cells where answered >= small_cell_k() and on_scale > 0
order by question, item, group_key"""
PROTECTED_SQL = {"core_items_by_group": PROTECTED_CORE_ITEMS_SQL}


def _defined(database: str) -> dict:
    """The queries as metadata.yml defines them (described.static_metadata: parsed once).

    Not from ``datasette.metadata()``: Datasette 0.65's get_canned_queries
    updates the dict that call returns with the hook's answer, so after one
    management request the in-memory metadata would hold management's
    version (or a coordinator's department) for everyone.
    """
    metadata = described.static_metadata() or {}
    return ((metadata.get("databases") or {}).get(database) or {}).get("queries") or {}


def for_actor(datasette, database: str, actor) -> dict:
    """This actor's definitions of the vetted queries, every time and for every role.

    Full-access roles get metadata.yml's own definitions back (see _defined
    for why they must be returned too); aggregate roles the protected ones.
    """
    if database in access.HIDDEN_DATABASES:
        return {}
    aggregate_role = access.role_of(actor) in access.AGGREGATE_ROLES
    department = scope.department_scope(actor) if aggregate_role else None
    answered = {}
    for name in access.MANAGEMENT_QUERIES:
        query = _defined(database).get(name)
        if query is None:
            continue
        query = dict(query) if isinstance(query, dict) else {"sql": query}
        if aggregate_role:
            query["sql"] = PROTECTED_SQL.get(name, query["sql"])
        if department is not None:
            query["sql"] = scope.scoped_sql(query["sql"], department)
        answered[name] = query
    return answered
