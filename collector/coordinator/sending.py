"""What a send would do, before it is done: the confirmation pages' previews,
the reminder timing rule and "send a test to myself".

A preview renders the real mail bodies (``outreach.render_mail``: the same
templates, subject, text and HTML that go out) once per group and language
among the recipients, for the first recipient of each, so the coordinator
sees the message exactly as that person gets it. Only the personal link
differs: a preview and a test message carry an example link that opens
nothing, because a real link would be a live invitation.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from markupsafe import Markup

from collector.coordinator import feedback as feedback_store
from collector.coordinator import outreach
from collector.coordinator.mail import Outgoing
from collector.coordinator.mail import send_all
from collector.invitations import invitation_url
from forms.vocabulary import GROUP_KEYS

EXAMPLE_TOKEN = "exempel-exempel-exempel-exempel"
_BODY = re.compile(r"<body>(.*)</body>", re.S)


@dataclass
class Sample:
    """One group and language among the recipients: how many, and the message one of them gets."""

    group_key: str
    language: str
    count: int
    outgoing: Outgoing

    @property
    def html_body(self) -> Markup:
        # The mail's HTML is our own autoescaped template: its body can be shown inside the page as is.
        match = _BODY.search(self.outgoing.html)
        return Markup(match.group(1) if match else "")


def _samples(people: list[dict], render) -> list[Sample]:
    """One Sample per (group, language), in group order, Swedish first."""
    buckets: dict[tuple[str, str], list[dict]] = {}
    for person in people:
        buckets.setdefault((person["group_key"], person["language"] or "sv"), []).append(person)
    order = {key: index for index, key in enumerate(GROUP_KEYS)}
    samples = []
    for (group, language), members in sorted(buckets.items(), key=lambda item: (order.get(item[0][0], 99), item[0][1] != "sv")):
        outgoing = render(members[0])
        if outgoing is not None:
            samples.append(Sample(group, language, len(members), outgoing))
    return samples


def invitation_samples(served_db, contacts_db, config, process, today: datetime.date) -> list[Sample]:
    deadline = (today + datetime.timedelta(days=int(config["INVITATION_VALID_DAYS"]))).isoformat()
    people = outreach.uninvited_participants(contacts_db, process["id"])
    return _samples(
        people,
        lambda person: outreach.invitation_mail(
            "invitation", served_db, process, person, invitation_url(EXAMPLE_TOKEN), deadline
        ),
    )


def reminder_samples(served_db, contacts_db, config, process, today: datetime.date) -> list[Sample]:
    people = outreach.reminder_candidates(contacts_db, process["id"], int(config["REMINDER_MIN_DAYS"]), today)
    return _samples(
        people,
        lambda person: outreach.invitation_mail(
            "reminder", served_db, process, person, invitation_url(EXAMPLE_TOKEN), person["expires_on"]
        ),
    )


def feedback_samples(contacts_db, process, draft) -> list[Sample]:
    people = feedback_store.recipients(contacts_db, process["id"])

    def render(person):
        message = feedback_store.message_for(draft, person["group_key"], person["language"])
        return feedback_store.feedback_mail(process, person, message) if message else None

    return _samples(people, render)


def next_reminder_on(contacts_db, process_id: int, min_days: int, today: datetime.date) -> str | None:
    """The first day a reminder can go to someone who has not answered, or None if no one is waiting.

    A reminder waits ``min_days`` after the invitation and after the last reminder.
    """
    row = contacts_db.execute(
        "select min(max(i.sent_on, coalesce(i.last_reminded_on, i.sent_on))) from invitations i "
        "join participants p on p.id = i.participant_id "
        "where i.process_id = ? and i.status = 'open' and i.sent_on is not null and p.email is not null "
        "and i.expires_on >= ?",
        [process_id, today.isoformat()],
    ).fetchone()
    if not row or not row[0]:
        return None
    return (datetime.date.fromisoformat(row[0]) + datetime.timedelta(days=min_days)).isoformat()


def send_test(config, to: str, samples: list[Sample]) -> outreach.Outcome:
    """Send every sample to ``to`` (the signed-in coordinator), marked as a test in the subject."""
    pending = [
        Outgoing(to, "TEST: " + sample.outgoing.subject, sample.outgoing.text, sample.outgoing.html, sample.language)
        for sample in samples
    ]
    sent, failed = send_all(config, pending)
    return outreach.Outcome(sent=len(sent), failed=[m.to for m in failed])
