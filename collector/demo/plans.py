"""What the demo loads: the 2017 case (its facts read from ``case_2017.yaml``)
and a few synthetic later recruitments, as plans the writer in
``collector.demo.case`` turns into rows.

Why a data file: the report's facts (Table 1, Table 2, the funnel, the post)
are checked against the report by reading them, not code.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import yaml

SEED = 2017

# The report's facts (Table 1, Table 2, the funnel, the post) are data, not
# code: see case_2017.yaml next to this module.
# libyaml's parser when PyYAML has it (the same data, a tenth of the time):
# this module is imported by every `medverkan` command and server start.
CASE_2017 = yaml.load(
    (Path(__file__).parent / "case_2017.yaml").read_text(encoding="utf-8"),
    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
)
CASE_CODE = CASE_2017["code"]
# The report names the social services department; the third department,
# school and leisure, is synthetic: it carries recruitments over several years
# so the trends page (issue 12 part 7) has something to show.
SCHOOL_AND_LEISURE = "skola_och_fritid"
DEPARTMENTS = CASE_2017["departments"] + [
    {"key": SCHOOL_AND_LEISURE, "name_sv": "Skola och fritid", "name_en": "School and leisure"}
]
STAGES_2017 = CASE_2017["stages"]
TABLE_2 = CASE_2017["table_2"]
APPLICANTS_2017 = CASE_2017["applicants"]
FINALISTS_2017 = CASE_2017["finalists"]
RANKINGS_2017 = CASE_2017["rankings"]
REPRESENTATIVE_RANKINGS_2017 = CASE_2017["representative_rankings"]
PROCESS_2017 = CASE_2017["process"]
ANSWER_FACTS_2017 = CASE_2017["answer_facts"]


@dataclass
class ProcessPlan:
    """Everything the demo writes for one recruitment."""

    process: dict
    stages: list[dict]
    applicants: dict[str, str]
    finalists: list[str]
    screening: dict[str, dict[str, int]]
    screening_synthetic: bool
    rankings: dict[str, list[str]]
    # group -> (participants invited, of whom answered)
    participation: dict[str, tuple[int, int]]
    # group -> (first, last) submission date
    answer_window: dict[str, tuple[str, str]]
    representative_rankings: list[list[str]] = field(default_factory=list)
    # group -> one dict per answering respondent: question key -> the answer
    # that is a fact of the process, not drawn (offered the post, met the
    # representatives, told who got it ...).
    fixed_answers: dict[str, list[dict]] = field(default_factory=dict)
    # Agreement points the representatives' framing, feedback and dialog
    # gained from the earlier recruitments (collector.demo.answers.AnswerGenerator).
    learning: float = 0.0


def fixed_answers_from_facts(facts: dict) -> dict[str, list[dict]]:
    """``answer_facts`` of case_2017.yaml as one dict of fixed answers per respondent."""
    fixed = {}
    for group_key, group in facts.items():
        respondents = group["respondents"]
        per_respondent = [{} for _ in respondents]
        for key, fact in group["questions"].items():
            values = fact["values"] if "values" in fact else [fact["value"]] * len(respondents)
            if len(values) != len(respondents):
                raise ValueError(f"{group_key}.{key}: {len(values)} values for {len(respondents)} respondents")
            for answers, value in zip(per_respondent, values):
                answers[key] = value
        fixed[group_key] = per_respondent
    return fixed


def _synthetic_facts(
    code: str, applicants: dict[str, str], finalists: list[str], participation: dict[str, tuple[int, int]]
) -> dict[str, list[dict]]:
    """The factual answers of a synthetic process, the same for everyone who knows them.

    Drawn once per process (from their own seeded generator, so the
    attitudes drawn elsewhere stay as they were): whether anything changed at
    the last minute, whether the representatives got a written introduction,
    whether the union was consulted, whether the hire is still in post.
    Exactly one answering candidate, the appointed one, was offered the post;
    the finalists met the representatives; feedback went out three days after
    the decision, so everyone was told who and why within a week.
    """
    rng = random.Random(f"{SEED}:{code}:facts")
    late_change = 1 if rng.random() < 0.4 else 2
    written_intro = 1 if rng.random() < 0.6 else 2
    union_consulted = 1 if rng.random() < 0.5 else 2
    confidentiality = 1 if rng.random() < 0.7 else 2
    still_in_post = 1 if rng.random() < 0.8 else 2
    appointed = next(name for name, stage in applicants.items() if stage == "appointed")
    others = [name for name, stage in applicants.items() if stage in ("interviewed", "finalist")]
    rng.shuffle(others)
    candidates = [appointed] + others  # invited: every interviewed applicant
    n_candidates = participation["candidate"][1]
    n_managers = participation["manager"][1]
    representative = {
        "rep_tasks": [1, 2, 3],
        "framing_written_intro": written_intro,
        "time_late_changes": late_change,
        "feedback_told_outcome": 1,
        "feedback_told_why_chosen": 1,
        "feedback_how_soon": 1,
        "dialog_met_officials": 1,
    }
    return {
        "representative": [dict(representative) for _ in range(participation["representative"][1])],
        "candidate": [
            {
                "cand_offered_post": 1 if name == appointed else 2,
                "cand_met_representatives": 1 if name in finalists else 2,
            }
            for name in candidates[:n_candidates]
        ],
        "manager": [
            {
                "mgr_role": role,
                "framing_gave_introduction": written_intro,
                "feedback_reps_told_outcome": 1,
                "feedback_reps_told_why": 1,
                "feedback_reps_told_when": 1,
            }
            for role in ([1, 3] + [2] * n_managers)[:n_managers]
        ],
        "union": [
            {
                "union_consulted_beforehand": union_consulted,
                "union_told_outcome": 1,
                "union_told_why": 1,
                "applicant_privacy_confidentiality": confidentiality,
            }
            for _ in range(participation["union"][1])
        ],
        "hired_followup": [{"still_in_post": still_in_post}],
    }


def _synthetic_process(
    rng: random.Random,
    *,
    code: str,
    post_title: str,
    department: str,
    unit: str,
    opened_on: str,
    counts: tuple[int, int, int, int],
    post_level: str,
    status: str = "closed",
    answering: dict[str, tuple[int, int]] | None = None,
) -> ProcessPlan:
    """A later recruitment with fewer details than 2017, entirely synthetic."""
    opened = datetime.date.fromisoformat(opened_on)
    deadline = opened + datetime.timedelta(days=21)
    decided = opened + datetime.timedelta(days=63)
    n_applicants, n_qualified, n_interviewed, n_finalists = counts
    letters = [chr(ord("A") + i) for i in range(n_qualified)]
    pseudonyms = [f"Sökande {letter}" for letter in letters]
    order = pseudonyms[:]
    rng.shuffle(order)
    finalists = order[:n_finalists]
    interviewed = order[:n_interviewed]
    appointed = finalists[0]
    applicants = {}
    for name in pseudonyms:
        if name == appointed:
            applicants[name] = "appointed"
        elif name in finalists:
            applicants[name] = "finalist"
        elif name in interviewed:
            applicants[name] = "interviewed"
        else:
            applicants[name] = "qualified"
    screening = {}
    for rater in ("Brukare A", "Brukare B", "Brukare C"):
        screening[rater] = {
            name: max(1, min(4, (1 if name in finalists else 3) + rng.choice((-1, 0, 0, 1)))) for name in pseudonyms
        }
    rankings = {}
    for party in ("Brukarrepresentanter", "Chefer", "Fackliga företrädare"):
        ranked = finalists[:]
        rng.shuffle(ranked)
        rankings[party] = ranked

    def day(offset: int) -> str:
        return (opened + datetime.timedelta(days=offset)).isoformat()

    stages = [
        ("Kravprofil och annons", "Requirement profile and advert", 0, 7, 1),
        ("Annonsering", "Advertising", 7, 21, 0),
        ("Urval och intervjuer", "Selection and interviews", 22, 42, 1),
        ("Brukarmöte med finalister", "Representatives meet the finalists", 43, 50, 1),
        ("Beslut", "Decision", 56, 63, 0),
    ]
    follow_up = (decided + datetime.timedelta(days=182)).isoformat()
    participation = {
        "representative": (3, 3),
        "candidate": (n_interviewed, max(2, n_interviewed - 1)),
        "manager": (5, 4),
        "union": (3, 2),
        "hired_followup": (1, 1),
        **(answering or {}),
    }
    return ProcessPlan(
        process={
            "code": code,
            "post_title": post_title,
            "department": department,
            "post_level": post_level,
            "unit": unit,
            "description": "Syntetisk demoprocess (påhittad) för att visa jämförelser mellan rekryteringar.",
            "opened_on": opened_on,
            "application_deadline": deadline.isoformat(),
            "decided_on": decided.isoformat(),
            "closed_on": follow_up if status == "closed" else None,
            "applicants": n_applicants,
            "qualified": n_qualified,
            "interviewed": n_interviewed,
            "finalists": n_finalists,
            "status": status,
            "appointed_applicant": appointed,
            "decision_rationale": None,
            "feedback_sent_on": (decided + datetime.timedelta(days=3)).isoformat(),
            "instrument_set": "default",
            "is_synthetic": 1,
        },
        stages=[
            {
                "label_sv": sv,
                "label_en": en,
                "starts_on": day(start),
                "ends_on": day(end),
                "representatives_took_part": took_part,
                "note_sv": None,
                "note_en": None,
            }
            for sv, en, start, end, took_part in stages
        ],
        applicants=applicants,
        finalists=finalists,
        screening=screening,
        screening_synthetic=True,
        rankings=rankings,
        participation=participation,
        answer_window={
            "representative": (day(65), day(90)),
            "candidate": (day(65), day(80)),
            "manager": (day(65), day(90)),
            "union": (day(65), day(90)),
            "hired_followup": (follow_up, follow_up),
        },
        fixed_answers=_synthetic_facts(code, applicants, finalists, participation),
    )


def demo_plans(seed: int = SEED) -> list[ProcessPlan]:
    """The 2017 case followed by the synthetic later recruitments."""
    rng = random.Random(seed)
    plans = [
        ProcessPlan(
            process=dict(PROCESS_2017),
            stages=[dict(stage) for stage in STAGES_2017],
            applicants=dict(APPLICANTS_2017),
            finalists=list(FINALISTS_2017),
            screening={rater: dict(ratings) for rater, ratings in TABLE_2.items()},
            screening_synthetic=False,
            rankings={party: list(order) for party, order in RANKINGS_2017.items()},
            participation={
                # The evaluator interviewed the three representatives and most
                # officials; the 16 at the analysis meeting included HR, the
                # management team and unit managers.
                "representative": (3, 3),
                "candidate": (5, 4),
                "manager": (10, 8),
                "union": (3, 3),
                "hired_followup": (1, 1),
            },
            answer_window={
                "representative": ("2017-09-04", "2017-10-13"),
                "candidate": ("2017-07-10", "2017-08-25"),
                "manager": ("2017-09-04", "2017-10-27"),
                "union": ("2017-09-11", "2017-10-20"),
                "hired_followup": (ANSWER_FACTS_2017["hired_followup"]["answered_on"],) * 2,
            },
            representative_rankings=[list(order) for order in REPRESENTATIVE_RANKINGS_2017],
            fixed_answers=fixed_answers_from_facts(ANSWER_FACTS_2017),
        ),
        _synthetic_process(
            rng,
            code="DEMO-2018-BOF",
            post_title="Socialsekreterare, barn och familj",
            department="socialforvaltningen",
            unit="Barn och familj",
            opened_on="2018-09-03",
            counts=(24, 7, 5, 2),
            post_level="social_worker",
        ),
        _synthetic_process(
            rng,
            code="DEMO-2019-VUX",
            post_title="Socialsekreterare, vuxen",
            department="socialforvaltningen",
            unit="Vuxen",
            opened_on="2019-02-04",
            counts=(31, 8, 6, 3),
            post_level="social_worker",
        ),
        _synthetic_process(
            rng,
            code="DEMO-2019-EKB",
            post_title="Socialsekreterare, ekonomiskt bistånd",
            department="socialforvaltningen",
            unit="Ekonomiskt bistånd",
            opened_on="2019-04-01",
            counts=(18, 6, 4, 2),
            post_level="social_worker",
        ),
        _synthetic_process(
            rng,
            code="DEMO-2019-AMF",
            post_title="Arbetsmarknadskonsulent",
            department="arbetsmarknadsforvaltningen",
            unit="Jobbcenter",
            opened_on="2019-08-19",
            counts=(27, 6, 5, 3),
            post_level="other",
        ),
        # School and leisure (synthetic): managers and school social workers
        # recruited over three years, with larger panels (young people and
        # parents as representatives) so that single processes reach k.
        # Appended last: the processes above keep their draws.
        *_school_and_leisure(rng),
    ]
    return plans


SCHOOL_PANELS = {"representative": (5, 5), "manager": (7, 6), "union": (3, 2)}


def _school_and_leisure(rng: random.Random) -> list[ProcessPlan]:
    recruitments = [
        ("DEMO-2018-SOF-FRI", "Enhetschef, fritidsgårdar", "Fritid", "2018-03-05", (22, 6, 5, 3), "manager"),
        ("DEMO-2019-SOF-KUR", "Skolkurator, grundskola", "Elevhälsa", "2019-01-14", (19, 6, 5, 2), "social_worker"),
        ("DEMO-2019-SOF-REK", "Rektor, grundskola", "Grundskola", "2019-09-02", (14, 6, 4, 2), "manager"),
        ("DEMO-2020-SOF-KUR", "Skolkurator, gymnasiet", "Elevhälsa", "2020-02-03", (17, 6, 5, 3), "social_worker"),
        ("DEMO-2020-SOF-FRI", "Enhetschef, fritid och kultur", "Fritid", "2020-08-17", (25, 7, 5, 3), "manager"),
    ]
    plans = []
    for code, title, unit, opened_on, counts, level in recruitments:
        plan = _synthetic_process(
            rng, code=code, post_title=title, department=SCHOOL_AND_LEISURE, unit=unit, opened_on=opened_on,
            counts=counts, post_level=level, answering=SCHOOL_PANELS,
        )
        plan.learning = 0.6 * (int(opened_on[:4]) - 2018)  # each year's recruitments learned from the last
        plans.append(plan)
    return plans
