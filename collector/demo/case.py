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
questionnaire answer. Answers that state a fact of the recruitment (offered
the post, met the representatives, told who got it and how soon ...) are not
drawn: they are ``answer_facts`` in case_2017.yaml, each with its source
sentence, and the synthetic processes fix theirs once per process. A few later recruitments (2018-2019, entirely
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

import click
from flask import current_app
from flask.cli import with_appcontext

from collector import invitations
from collector.coordinator.users import add_user
from collector.coordinator.users import get_user_by_username
from collector.coordinator.users import set_password
from collector.db import connect
from collector.db import immediate_transaction
from collector.demo.answers import AnswerGenerator
from collector.demo.plans import CASE_CODE
from collector.demo.plans import DEPARTMENTS
from collector.demo.plans import SEED
from collector.demo.plans import ProcessPlan
from collector.demo.plans import demo_plans
from collector.instruments.registry import instrument_for
from collector.instruments.registry import load_registered
from collector.invitations import RESPONDENT_PATH
from collector.invitations import create_invitation
from collector.invitations import invitation_url
from collector.migrations import init_databases
from collector.respondent.submission import store_response
from forms.vocabulary import RESPONDENT_GROUPS

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
    for plan in demo_plans(seed):
        code = plan.process["code"]
        if _process_id(served, code) is not None:
            skipped.append(code)
            continue
        process_id = _write_process(served, plan)
        generator = AnswerGenerator(random.Random(f"{seed}:{code}"), learning=plan.learning)
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
            # Which pseudonym reached which stage is never in the documents (the
            # report hides who was preferred): every demo stage is invented.
            {"process_id": process_id, "pseudonym": name, "stage_reached": stage, "position": position, "is_synthetic": 1}
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
        fixed = plan.fixed_answers.get(group_key, [])
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
                "fixed": fixed[number - 1] if number <= len(fixed) else {},
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


class RealResponsesPresent(click.ClickException):
    """The database holds real responses: the demo would mix invented ones into them."""

    def __init__(self, count: int):
        super().__init__(
            f"Databasen innehåller {count} verkliga svar. Demon lägger till påhittade rekryteringar och svar bredvid "
            "dem; använd en egen databas för demon, eller --force om det verkligen är meningen. / "
            f"The database holds {count} real responses. The demo adds invented recruitments and answers next to "
            "them; give the demo a database of its own, or use --force if that is really intended."
        )
        self.count = count


def real_responses(served, seed: int = SEED) -> int:
    """Responses that are not synthetic, outside the demo's own processes.

    Answers given through the demo links (the 2017 case) are someone trying
    the demo, not evaluation data, so they do not count.
    """
    codes = [plan.process["code"] for plan in demo_plans(seed)]
    marks = ",".join("?" * len(codes))
    row = served.execute(
        "select count(*) from responses r join processes p on p.id = r.process_id "
        f"where coalesce(r.is_synthetic, 0) = 0 and p.code not in ({marks})",
        codes,
    ).fetchone()
    return row[0]


def run_demo(
    served_path: str, contacts_path: str, *, base_url: str, staff: bool = False, force: bool = False
) -> DemoResult:
    """Create or migrate both databases, then load the demo into them.

    With ``staff`` the demo admin account gets a fresh password (in
    ``DemoResult.staff_password``). A database holding real responses is
    refused (:class:`RealResponsesPresent`) unless ``force``: invented
    processes next to real ones are one toggle away from a real figure.
    """
    init_databases(served_path, contacts_path)
    served = connect(served_path)
    contacts = connect(contacts_path)
    try:
        count = real_responses(served)
        if count and not force:
            raise RealResponsesPresent(count)
        result = load_demo(served, contacts, base_url=base_url)
        if staff:
            result.staff_password = reset_demo_staff(contacts)
        return result
    finally:
        served.conn.close()
        contacts.conn.close()


@click.command("demo")
@click.option("--force", is_flag=True, help="Load even into a database that holds real responses.")
@with_appcontext
def demo_command(force):
    """Load the 2017 Helsingborg case (plus synthetic later recruitments)."""
    config = current_app.config
    result = run_demo(config["DATABASE"], config["CONTACTS_DATABASE"], base_url=config["PUBLIC_BASE_URL"], force=force)
    for code in result.created:
        click.echo(f"Loaded {code}")
    for code in result.skipped:
        click.echo(f"Already loaded, left unchanged: {code}")
    print_links(result.links)


commands = [demo_command]
