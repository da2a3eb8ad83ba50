"""``medverkan demo``: the 2017 Helsingborg recruitment as a demo database.

The 2017 pilot (a head for the "Gemensamma resurser" division of the social
services department, about 100 staff in five units) is the case every part of
Medverkan was designed around, so the demo loads it as the evaluation report
describes it: the timeline of Table 1, the funnel 19 -> 6 -> 5 -> 3 and the
representatives' screening ratings of Table 2 exactly as printed.

Everything the report does *not* give is synthesised and flagged
``is_synthetic = 1``: which pseudonymised applicants reached which stage, each
party's ranking at the analysis meeting (the report only says every finalist
was both preferred and not preferred), the participants, and every
questionnaire answer. A few later recruitments (2018-2019, entirely
synthetic) are added so that cross-process aggregates have groups of at
least five respondents, which management views need before they show a cell.

Loading is idempotent: a process whose code already exists is left alone, so
running the command twice never duplicates anything. The demo links (one
open invitation per group in the 2017 case) are re-minted on every run,
because only token hashes are stored and a link cannot be printed twice.
"""

from __future__ import annotations

import datetime
import random
import secrets
from dataclasses import dataclass
from dataclasses import field

import click
from flask import current_app
from flask.cli import with_appcontext

from collector import invitations
from collector.invitations import RESPONDENT_PATH
from collector.invitations import create_invitation
from collector.invitations import invitation_url
from collector.coordinator.users import add_user
from collector.coordinator.users import get_user_by_username
from collector.coordinator.users import set_password
from collector.db import connect
from collector.db import immediate_transaction
from collector.demo.answers import AnswerGenerator
from collector.instruments.registry import instrument_for
from collector.instruments.registry import load_registered
from collector.migrations import init_databases
from collector.respondent.submission import store_response
from forms.vocabulary import RESPONDENT_GROUPS

CASE_CODE = "HBG-2017-GR"
SEED = 2017

DEPARTMENTS = [
    {"key": "socialforvaltningen", "name_sv": "Socialförvaltningen", "name_en": "Social services department"},
    {
        "key": "arbetsmarknadsforvaltningen",
        "name_sv": "Arbetsmarknadsförvaltningen",
        "name_en": "Labour market department",
    },
]


def _week(week: int, day: int = 1) -> str:
    """ISO date of ``day`` (1 = Monday) in ``week`` of 2017."""
    return datetime.date.fromisocalendar(2017, week, day).isoformat()


# Table 1 of the evaluation report, one row per printed line. The flag says
# whether the representatives took part in that stage; the notes say how.
STAGES_2017 = [
    {
        "label_sv": "Rekrytering av brukarrepresentanter. Planering av rekryteringen",
        "label_en": "Recruiting the service-user representatives. Planning the recruitment",
        "starts_on": _week(16),
        "ends_on": _week(17, 7),
        "representatives_took_part": 0,
        "note_sv": "Tre brukarrepresentanter tillfrågades; lunchmöte med socialdirektören 8 maj.",
        "note_en": "Three representatives were asked; lunch meeting with the director on 8 May.",
    },
    {
        "label_sv": "Kravprofil upprättas. Utformning av annons",
        "label_en": "Requirement profile drawn up. Job advert written",
        "starts_on": _week(18),
        "ends_on": _week(18, 7),
        "representatives_took_part": 1,
        "note_sv": "Brukarrepresentanterna lämnade synpunkter på annonsen (11 maj).",
        "note_en": "The representatives commented on the advert (11 May).",
    },
    {
        "label_sv": "Annonsering",
        "label_en": "Advertising",
        "starts_on": _week(19),
        "ends_on": _week(20, 7),
        "representatives_took_part": 0,
        "note_sv": None,
        "note_en": None,
    },
    {
        "label_sv": "Sista ansökningsdag 26 maj",
        "label_en": "Application deadline 26 May",
        "starts_on": _week(21),
        "ends_on": "2017-05-26",
        "representatives_took_part": 0,
        "note_sv": "19 sökande, varav 6 med formell kompetens.",
        "note_en": "19 applicants, 6 of them formally qualified.",
    },
    {
        "label_sv": "Urval 1 och kallelse till intervjuer",
        "label_en": "Selection 1 and invitations to interview",
        "starts_on": _week(22),
        "ends_on": _week(22, 7),
        "representatives_took_part": 1,
        "note_sv": "Brukarrepresentanterna bedömde de sex sökande den 31 maj (tabell 2).",
        "note_en": "The representatives screened the six applicants on 31 May (Table 2).",
    },
    {
        "label_sv": "Urval 1: intervjuer 7 och 16 juni",
        "label_en": "Selection 1: first interviews on 7 and 16 June",
        "starts_on": "2017-06-07",
        "ends_on": "2017-06-16",
        "representatives_took_part": 0,
        "note_sv": "Fem sökande intervjuades av ledningen och HR, enhetschefer och fackliga företrädare; "
        "brukarrepresentanterna deltog inte.",
        "note_en": "Five applicants were interviewed by management and HR, unit managers and union "
        "representatives; the representatives did not take part.",
    },
    {
        "label_sv": "Urval 2, arbetsprover och tester. Återkoppling till kandidater. "
        "Referenstagning. Analysmöte 22 juni",
        "label_en": "Selection 2, work samples and tests. Feedback to candidates. "
        "References. Analysis meeting on 22 June",
        "starts_on": _week(25),
        "ends_on": _week(25, 7),
        "representatives_took_part": 1,
        "note_sv": "Brukarrepresentanterna mötte två finalister på Fontänhuset 20 juni och den tredje "
        "på distans 21 juni; en av dem deltog i analysmötet 22 juni.",
        "note_en": "The representatives met two finalists at Fontänhuset on 20 June and the third "
        "remotely on 21 June; one of them attended the analysis meeting on 22 June.",
    },
    {
        "label_sv": "Beslut om vem som fick tjänsten",
        "label_en": "Decision on who got the post",
        "starts_on": _week(27),
        "ends_on": _week(27, 7),
        "representatives_took_part": 0,
        "note_sv": None,
        "note_en": None,
    },
]

# Table 2 exactly as printed: rater -> applicant -> 1 yes, 2 yes with
# reservation, 3 doubtful, 4 no.
TABLE_2 = {
    "Brukare A": {"Sökande A": 4, "Sökande B": 3, "Sökande C": 4, "Sökande D": 1, "Sökande E": 4, "Sökande F": 4},
    "Brukare B": {"Sökande A": 1, "Sökande B": 1, "Sökande C": 1, "Sökande D": 4, "Sökande E": 4, "Sökande F": 4},
    "Brukare C": {"Sökande A": 4, "Sökande B": 2, "Sökande C": 4, "Sökande D": 1, "Sökande E": 3, "Sökande F": 2},
}

# Which pseudonym reached which stage is not in the report (it deliberately
# hides who was preferred); this assignment is synthetic but keeps the funnel.
APPLICANTS_2017 = {
    "Sökande A": "interviewed",
    "Sökande B": "finalist",
    "Sökande C": "interviewed",
    "Sökande D": "appointed",
    "Sökande E": "qualified",
    "Sökande F": "finalist",
}
FINALISTS_2017 = ["Sökande B", "Sökande D", "Sökande F"]

# Rankings at the analysis meeting (synthetic): every finalist is ranked
# first by some party and last by another, as the report describes.
RANKINGS_2017 = {
    "Brukarrepresentanter": ["Sökande B", "Sökande F", "Sökande D"],
    "Förvaltningsledning": ["Sökande D", "Sökande B", "Sökande F"],
    "HR-avdelningen": ["Sökande D", "Sökande F", "Sökande B"],
    "Enhetschefer": ["Sökande F", "Sökande D", "Sökande B"],
    "Fackliga företrädare": ["Sökande F", "Sökande B", "Sökande D"],
}

# The three representatives ranked the finalists individually too (two
# preferred one finalist, the third another; the remote finalist rose as an
# alternative for all three). Used for their synthetic ranking answers.
REPRESENTATIVE_RANKINGS_2017 = [
    ["Sökande B", "Sökande F", "Sökande D"],
    ["Sökande F", "Sökande D", "Sökande B"],
    ["Sökande B", "Sökande F", "Sökande D"],
]

PROCESS_2017 = {
    "code": CASE_CODE,
    "post_title": "Verksamhetschef, Gemensamma resurser",
    "department": "socialforvaltningen",
    "unit": "Gemensamma resurser",
    "description": "Pilot 2017: rekrytering av verksamhetschef för verksamhetsområdet Gemensamma resurser "
    "(cirka 100 medarbetare i fem enheter) med tre brukarrepresentanter. Tidslinje (tabell 1), "
    "tratten 19-6-5-3 och brukarnas urval (tabell 2) enligt utvärderingsrapporten; vilka sökande "
    "som nådde vilket steg, parternas rangordning och alla enkätsvar är syntetiska.",
    "opened_on": _week(16),
    "application_deadline": "2017-05-26",
    "decided_on": _week(27),
    "closed_on": None,
    "applicants": 19,
    "qualified": 6,
    "interviewed": 5,
    "finalists": 3,
    "status": "collecting",
    "appointed_applicant": "Sökande D",
    "decision_rationale": "Syntetiskt: rapporten anger inte vem som fick tjänsten.",
    "feedback_sent_on": None,
    "instrument_set": "default",
    "is_synthetic": 0,
}


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


def _synthetic_process(
    rng: random.Random,
    *,
    code: str,
    post_title: str,
    department: str,
    unit: str,
    opened_on: str,
    counts: tuple[int, int, int, int],
    status: str = "closed",
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
    return ProcessPlan(
        process={
            "code": code,
            "post_title": post_title,
            "department": department,
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
        participation={
            "representative": (3, 3),
            "candidate": (n_interviewed, max(2, n_interviewed - 1)),
            "manager": (5, 4),
            "union": (3, 2),
            "hired_followup": (1, 1),
        },
        answer_window={
            "representative": (day(65), day(90)),
            "candidate": (day(65), day(80)),
            "manager": (day(65), day(90)),
            "union": (day(65), day(90)),
            "hired_followup": (follow_up, follow_up),
        },
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
                "hired_followup": ("2018-01-15", "2018-01-15"),
            },
            representative_rankings=[list(order) for order in REPRESENTATIVE_RANKINGS_2017],
        ),
        _synthetic_process(
            rng,
            code="DEMO-2018-BOF",
            post_title="Socialsekreterare, barn och familj",
            department="socialforvaltningen",
            unit="Barn och familj",
            opened_on="2018-09-03",
            counts=(24, 7, 5, 2),
        ),
        _synthetic_process(
            rng,
            code="DEMO-2019-VUX",
            post_title="Socialsekreterare, vuxen",
            department="socialforvaltningen",
            unit="Vuxen",
            opened_on="2019-02-04",
            counts=(31, 8, 6, 3),
        ),
        _synthetic_process(
            rng,
            code="DEMO-2019-EKB",
            post_title="Socialsekreterare, ekonomiskt bistånd",
            department="socialforvaltningen",
            unit="Ekonomiskt bistånd",
            opened_on="2019-04-01",
            counts=(18, 6, 4, 2),
        ),
        _synthetic_process(
            rng,
            code="DEMO-2019-AMF",
            post_title="Arbetsmarknadskonsulent",
            department="arbetsmarknadsforvaltningen",
            unit="Jobbcenter",
            opened_on="2019-08-19",
            counts=(27, 6, 5, 3),
        ),
    ]
    return plans


# --- writing ----------------------------------------------------------------


@dataclass
class DemoResult:
    created: list[str]
    skipped: list[str]
    links: dict[str, str]
    staff_password: str | None = None


def load_demo(served, contacts, *, base_url: str | None = None, seed: int = SEED) -> DemoResult:
    """Load every demo process that is not there yet, then mint the demo links."""
    with immediate_transaction(served):
        for department in DEPARTMENTS:
            served["departments"].insert(department, pk="key", ignore=True)
    created, skipped = [], []
    for index, plan in enumerate(demo_plans(seed)):
        code = plan.process["code"]
        if _process_id(served, code) is not None:
            skipped.append(code)
            continue
        process_id = _write_process(served, plan)
        generator = AnswerGenerator(random.Random(f"{seed}:{code}"))
        _write_participants_and_responses(served, contacts, process_id, plan, generator)
        created.append(code)
    links = refresh_demo_links(served, contacts, base_url=base_url)
    return DemoResult(created=created, skipped=skipped, links=links)


def _process_id(served, code: str) -> int | None:
    row = served.execute("select id from processes where code = ?", [code]).fetchone()
    return row[0] if row else None


def _write_process(served, plan: ProcessPlan) -> int:
    with immediate_transaction(served):
        process_id = served["processes"].insert(plan.process).last_pk
        served["process_stages"].insert_all(
            {"process_id": process_id, "position": position, **stage}
            for position, stage in enumerate(plan.stages, start=1)
        )
        served["applicants"].insert_all(
            {"process_id": process_id, "pseudonym": name, "stage_reached": stage, "position": position}
            for position, (name, stage) in enumerate(plan.applicants.items(), start=1)
        )
        served["screening_ratings"].insert_all(
            {
                "process_id": process_id,
                "rater": rater,
                "applicant": applicant,
                "rating": rating,
                "is_synthetic": int(plan.screening_synthetic),
            }
            for rater, ratings in plan.screening.items()
            for applicant, rating in ratings.items()
        )
        served["rankings"].insert_all(
            {"process_id": process_id, "party": party, "applicant": applicant, "rank": rank, "is_synthetic": 1}
            for party, order in plan.rankings.items()
            for rank, applicant in enumerate(order, start=1)
        )
    return process_id


GROUP_NAMES = {
    "representative": "Brukare",
    "candidate": "Sökande",
    "manager": "Chef",
    "union": "Facklig",
    "hired_followup": "Anställd",
}


def _spread_dates(rng: random.Random, first: str, last: str, n: int) -> list[str]:
    start = datetime.date.fromisoformat(first)
    span = (datetime.date.fromisoformat(last) - start).days
    return sorted((start + datetime.timedelta(days=rng.randint(0, span))).isoformat() for _ in range(n))


def _write_participants_and_responses(served, contacts, process_id, plan, generator) -> None:
    """Participants and invitations in the contacts DB, answers in the served DB.

    Answered invitations are marked answered; nothing links them to the
    responses, exactly as after a real submission.
    """
    code = plan.process["code"]
    for group_key, (invited, answered) in plan.participation.items():
        instrument_id = instrument_for(served, process_id, group_key)
        instrument = load_registered(served, instrument_id)
        dates = _spread_dates(generator.rng, *plan.answer_window[group_key], answered)
        for number in range(1, invited + 1):
            participant_id = _add_participant(contacts, process_id, group_key, code, number)
            create_invitation(contacts, process_id, group_key, participant_id=participant_id, language="sv")
            if number > answered:
                continue
            answered_on = dates[number - 1]
            with immediate_transaction(contacts):
                invitations.mark_participant_answered(contacts, participant_id, answered_on)
            context = {
                "applicants": list(plan.applicants),
                "finalists": list(plan.finalists),
                "screening": list(plan.screening.values())[number - 1]
                if group_key == "representative" and number <= len(plan.screening)
                else None,
                "ranking": plan.representative_rankings[number - 1]
                if group_key == "representative" and number <= len(plan.representative_rankings)
                else None,
            }
            answers = generator.answers(instrument, group_key, context)
            store_response(
                served,
                process_id=process_id,
                group_key=group_key,
                instrument_id=instrument_id,
                answers=answers,
                language="sv" if generator.rng.random() < 0.9 else "en",
                submitted_on=answered_on,
                is_synthetic=True,
            )


def _add_participant(contacts, process_id: int, group_key: str, code: str, number: int) -> int:
    slug = code.lower().replace("-", "")
    with immediate_transaction(contacts):
        return contacts["participants"].insert(
            {
                "process_id": process_id,
                "group_key": group_key,
                "name": f"Demo {GROUP_NAMES[group_key]} {number}",
                "email": f"demo-{slug}-{group_key.replace('_', '')}{number}@example.invalid",
                "language": "sv",
                "created_on": datetime.date.today().isoformat(),
                "is_synthetic": 1,
            }
        ).last_pk


def refresh_demo_links(served, contacts, *, base_url: str | None = None) -> dict[str, str]:
    """Mint one open demo link per group for the 2017 case and return them.

    Only token hashes are stored, so a link cannot be shown twice: each call
    deletes the previous unused demo link of each group (status open, no
    draft) and mints a new one for the same "Demo … länk" participant, so
    repeated runs keep the number of participants and invitations constant.
    """
    process_id = _process_id(served, CASE_CODE)
    if process_id is None:
        return {}
    links = {}
    for group_key in GROUP_NAMES:
        name = f"Demo {GROUP_NAMES[group_key]} (länk)"
        with immediate_transaction(contacts):
            row = contacts.execute(
                "select id from participants where process_id = ? and group_key = ? and name = ?",
                [process_id, group_key, name],
            ).fetchone()
            if row:
                participant_id = row[0]
                invitations.discard_unused(contacts, participant_id)
            else:
                participant_id = contacts["participants"].insert(
                    {
                        "process_id": process_id,
                        "group_key": group_key,
                        "name": name,
                        "email": f"demo-link-{group_key.replace('_', '')}@example.invalid",
                        "language": "sv",
                        "created_on": datetime.date.today().isoformat(),
                        "is_synthetic": 1,
                    }
                ).last_pk
        token = create_invitation(contacts, process_id, group_key, participant_id=participant_id, language="sv")
        links[group_key] = link_for(token, base_url)
    return links


def link_for(token: str, base_url: str | None = None) -> str:
    """The respondent URL for ``token``; ``base_url`` overrides PUBLIC_BASE_URL."""
    if base_url is None:
        return invitation_url(token)
    return f"{base_url.rstrip('/')}{RESPONDENT_PATH}{token}"


def print_links(links: dict[str, str]) -> None:
    labels = {key: sv for key, sv, _ in RESPONDENT_GROUPS}
    click.echo("Demo links (2017 case), one per respondent group:")
    for group_key, url in links.items():
        click.echo(f"  {labels.get(group_key, group_key)}: {url}")


DEMO_STAFF_USERNAME = "demo"


def reset_demo_staff(contacts) -> str:
    """Give the demo's staff account (admin) a fresh password and return it.

    Only ``serve --demo`` calls this, on its own throwaway databases, so a
    newcomer can try the coordinator pages; the password is random per run.
    """
    password = secrets.token_urlsafe(12)
    user = get_user_by_username(contacts, DEMO_STAFF_USERNAME)
    if user:
        set_password(contacts, user["id"], password)
    else:
        add_user(contacts, DEMO_STAFF_USERNAME, password, "admin", display_name="Demo")
    return password


def run_demo(served_path: str, contacts_path: str, *, base_url: str, staff: bool = False) -> DemoResult:
    """Create or migrate both databases, then load the demo into them.

    With ``staff`` the demo admin account gets a fresh password (in
    ``DemoResult.staff_password``).
    """
    init_databases(served_path, contacts_path)
    served = connect(served_path)
    contacts = connect(contacts_path)
    try:
        result = load_demo(served, contacts, base_url=base_url)
        if staff:
            result.staff_password = reset_demo_staff(contacts)
        return result
    finally:
        served.conn.close()
        contacts.conn.close()


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the 2017 Helsingborg case (plus synthetic later recruitments)."""
    config = current_app.config
    result = run_demo(config["DATABASE"], config["CONTACTS_DATABASE"], base_url=config["PUBLIC_BASE_URL"])
    for code in result.created:
        click.echo(f"Loaded {code}")
    for code in result.skipped:
        click.echo(f"Already loaded, left unchanged: {code}")
    print_links(result.links)


commands = [demo_command]
