""""Did it matter?": what became of the applicants the representatives said yes to.

The evaluation report, the municipality's impact targets and the 2019
researchers all ask whether the service-user representatives' judgement
changed the outcome. This module answers with what the served database
holds, per process and over processes:

* the funnel: of the applicants the representatives *said yes to*, how many
  reached the interview, the final round and the post;
* the rank the appointed applicant had with each party at the analysis meeting;
* Kendall's W between the representatives and each other party, pair by
  pair, over the finalists both ranked;
* next to it, the representatives' own answers to the questionnaire's
  ``influence`` items, so the outcome and the felt influence can be read together.

"Said yes to" is defined once, here (:func:`said_yes`): a strict majority of
the representatives who rated the applicant gave 1 (yes) or 2 (yes with
reservation). One "yes" out of three is a minority view, not the group's.

Pure functions over a sqlite3 connection; the page
(:mod:`datasette_plugins.influence_page`) decides who sees what.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field

from datasette_plugins import stats
from datasette_plugins import synthetic

YES_RATINGS = (1, 2)
# Applicant stages in order (forms/vocabulary.APPLICANT_STAGES, restated: this
# package must not import the collector's side).
STAGES = ("applied", "qualified", "interviewed", "finalist", "appointed")
FUNNEL_STAGES = ("interviewed", "finalist", "appointed")
INFLUENCE_THEME = "influence"
REPRESENTATIVE_GROUP = "representative"


def said_yes(ratings: list[int]) -> bool:
    """A strict majority of the ratings given are 1 or 2."""
    ratings = [r for r in ratings if r is not None]
    return bool(ratings) and 2 * sum(1 for r in ratings if r in YES_RATINGS) > len(ratings)


def is_representatives(party: str) -> bool:
    """The rankings' party names are free text ("Brukarrepresentanter"); the
    representatives' party is the one named for service users (brukare)."""
    name = (party or "").strip().lower()
    return name.startswith("brukar") or name in ("representative", "representatives", "service users")


def reached(stage: str | None, target: str) -> bool:
    """True when an applicant whose furthest stage is ``stage`` passed ``target``."""
    if stage not in STAGES:
        return False
    return STAGES.index(stage) >= STAGES.index(target)


@dataclass
class ProcessInfluence:
    id: int
    code: str
    post_title: str
    department: str | None
    synthetic: bool
    yes: list[str] = field(default_factory=list)  # applicants the representatives said yes to
    funnel: dict = field(default_factory=dict)  # stage -> how many of ``yes`` reached it
    appointed: list[str] = field(default_factory=list)
    appointed_ranks: list = field(default_factory=list)  # (party, {applicant: rank})
    agreement: list = field(default_factory=list)  # (other party, W or None, finalists used)
    representatives_party: str | None = None
    stages_known: bool = True  # some applicant's stage is known (left-out synthetic stages are not)
    appointed_synthetic: bool = False  # who was appointed is invented (a synthetic stage or process fact)

    @property
    def has_data(self) -> bool:
        return bool(self.yes or self.appointed or self.agreement)


PROCESS_COLUMNS = ("id", "code", "post_title", "department", "is_synthetic", "appointed_applicant", "synthetic_facts")


def process_rows(conn, process_ids=None) -> list[dict]:
    sql = "select id, code, post_title, department, coalesce(is_synthetic, 0), appointed_applicant, synthetic_facts from processes"
    rows = conn.execute(sql + " order by id").fetchall()
    out = [dict(zip(PROCESS_COLUMNS, r)) for r in rows]
    if process_ids is not None:
        wanted = set(process_ids)
        out = [p for p in out if p["id"] in wanted]
    return out


def for_process(conn, process: dict, include_synthetic: bool = True) -> ProcessInfluence:
    """One process's figures; without ``include_synthetic`` every synthetic row and
    invented fact is left out (a process invented as a whole gives nothing)."""
    pid = process["id"]
    ratings = defaultdict(list)
    invented = synthetic.invented_facts(process)
    if invented == {"*"} and not include_synthetic:
        return ProcessInfluence(id=pid, code=process["code"], post_title=process["post_title"],
                                department=process["department"], synthetic=False, stages_known=False)
    real_only = synthetic.flag_filter(include_synthetic)
    is_synthetic = invented == {"*"}
    for applicant, rating, flag in conn.execute(
        "select applicant, rating, coalesce(is_synthetic, 0) from screening_ratings where process_id = ?" + real_only, [pid]
    ):
        ratings[applicant].append(rating)
        is_synthetic = is_synthetic or bool(flag)
    stages, invented_stage = {}, set()
    for pseudonym, stage, flag in conn.execute(
        "select pseudonym, stage_reached, is_synthetic from applicants where process_id = ?" + real_only, [pid]
    ):
        stages[pseudonym] = stage
        is_synthetic = is_synthetic or bool(flag)
        if flag:
            invented_stage.add(pseudonym)
    yes = sorted(a for a, values in ratings.items() if said_yes(values))
    funnel = {stage: sum(1 for a in yes if reached(stages.get(a), stage)) for stage in FUNNEL_STAGES}
    appointed = sorted(a for a, s in stages.items() if s == "appointed")
    appointed_invented = bool(invented & {"*", "appointed_applicant"})
    appointed_synthetic = bool(set(appointed) & invented_stage)
    if not appointed and process.get("appointed_applicant") and (include_synthetic or not appointed_invented):
        appointed = [process["appointed_applicant"]]
        is_synthetic = is_synthetic or appointed_invented
        appointed_synthetic = appointed_invented
    by_party = defaultdict(dict)
    for party, applicant, rank, flag in conn.execute(
        "select party, applicant, rank, coalesce(is_synthetic, 0) from rankings where process_id = ?" + real_only
        + " order by party",
        [pid],
    ):
        by_party[party][applicant] = rank
        is_synthetic = is_synthetic or bool(flag)
    result = ProcessInfluence(
        id=pid, code=process["code"], post_title=process["post_title"], department=process["department"],
        synthetic=is_synthetic and include_synthetic, yes=yes, funnel=funnel, appointed=appointed,
        stages_known=bool(stages), appointed_synthetic=appointed_synthetic and include_synthetic,
    )
    result.appointed_ranks = [(party, {a: ranks.get(a) for a in appointed}) for party, ranks in by_party.items()]
    reps = next((p for p in by_party if is_representatives(p)), None)
    result.representatives_party = reps
    if reps is not None:
        for party, ranks in by_party.items():
            if party != reps:
                result.agreement.append((party, *pair_w(by_party[reps], ranks)))
    return result


def pair_w(first: dict, second: dict) -> tuple[float | None, int]:
    """Kendall's W of two parties over the finalists both ranked: (W, number of finalists).

    stats.kendall_w keeps only items every rater ranked; the count says how
    many that was, so a finalist left out is visible on the page.
    """
    common = set(first) & set(second)
    triples = [("a", item, first[item]) for item in common] + [("b", item, second[item]) for item in common]
    return stats.kendall_w(triples), len(common)


@dataclass
class Overview:
    processes: int = 0
    yes: int = 0
    funnel: dict = field(default_factory=lambda: {s: 0 for s in FUNNEL_STAGES})
    ranks: dict = field(default_factory=dict)  # party -> list of the appointed's ranks
    agreement: dict = field(default_factory=dict)  # party -> list of W
    synthetic: bool = False

    def mean_rank(self, party):
        values = [r for r in self.ranks.get(party, []) if r is not None]
        return sum(values) / len(values) if values else None

    def mean_w(self, party):
        values = [w for w in self.agreement.get(party, []) if w is not None]
        return sum(values) / len(values) if values else None


def overview(results: list[ProcessInfluence]) -> Overview:
    """Sums and means over processes: the funnel summed, ranks and W averaged per party name."""
    total = Overview()
    for r in results:
        if not r.has_data:
            continue
        total.processes += 1
        total.synthetic = total.synthetic or r.synthetic
        if r.stages_known:  # "said yes to, then nothing" would be false: no funnel without stages
            total.yes += len(r.yes)
            for stage in FUNNEL_STAGES:
                total.funnel[stage] += r.funnel.get(stage, 0)
        for party, ranks in r.appointed_ranks:
            total.ranks.setdefault(party, []).extend(ranks.values())
        for party, w, _n in r.agreement:
            total.agreement.setdefault(party, []).append(w)
    return total


def influence_counts(conn, process_ids=None, k=None) -> list[dict]:
    """The representatives' answers to the ``influence`` items: per item key,
    text and {value: n}, summed over every version of the questionnaire.

    With ``k`` (aggregate roles), the attitudes page's pooling rule
    (aggregates.py): a process whose representatives gave fewer than k
    answers to an item joins the sum only when such small cells together
    reach k, so the sum never differs from another shown sum by one small group.
    """
    sql = """
        select q.key, min(q.text_sv), min(q.text_en), ac.process_id, ac.value_int, sum(ac.n)
        from answer_counts ac join questions q on q.id = ac.question_id
        where q.theme = ? and q.type = 'likert' and ac.group_key = ? and ac.n > 0 {filter}
        group by q.key, ac.process_id, ac.value_int order by min(q.position), q.key
    """
    params = [INFLUENCE_THEME, REPRESENTATIVE_GROUP]
    where = ""
    if process_ids is not None:
        ids = [int(i) for i in process_ids] or [-1]
        where = "and ac.process_id in (" + ",".join("?" * len(ids)) + ")"
        params += ids
    items, cells = {}, defaultdict(dict)
    for key, text_sv, text_en, process_id, value, n in conn.execute(sql.format(filter=where), params):
        items.setdefault(key, {"key": key, "text_sv": text_sv, "text_en": text_en, "counts": {}})
        cell = cells[(key, process_id)]
        cell[value] = cell.get(value, 0) + n
    for key, item in items.items():
        small = {}
        for (cell_key, _process), counts in cells.items():
            if cell_key != key:
                continue
            target = small if k is not None and sum(counts.values()) < k else item["counts"]
            for value, n in counts.items():
                target[value] = target.get(value, 0) + n
        if small and sum(small.values()) >= k:
            for value, n in small.items():
                item["counts"][value] = item["counts"].get(value, 0) + n
        item["partial"] = bool(small) and sum(small.values()) < k
    return [item for item in items.values() if item["counts"] or item["partial"]]


def synthetic_answers(conn, process_ids=None) -> bool:
    """Whether any representative answer in these processes is synthetic."""
    sql = "select 1 from responses where group_key = ? and is_synthetic = 1"
    params = [REPRESENTATIVE_GROUP]
    if process_ids is not None:
        ids = [int(i) for i in process_ids] or [-1]
        sql += " and process_id in (" + ",".join("?" * len(ids)) + ")"
        params += ids
    return bool(conn.execute(sql + " limit 1", params).fetchone())
