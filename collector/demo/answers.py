"""Synthetic questionnaire answers for the demo, shaped by the 2017 report.

Answers are generated from whatever instrument definitions are registered,
per question type, so the demo keeps working when the questionnaires
change. Each respondent group gets a tendency per theme (a mean on the 1-5
agreement scale) taken from what the evaluation report says about that
group: managers positive, union representatives critical and concerned
(conflict of interest, staff safety, later encounters in the exercise of
public authority, applicants' privacy), representatives positive about
taking part but missing framing, quick feedback and dialog, candidates
liking the representatives' meeting but unsure what the post involved, the
hired person at six months finding the work less user-driven than promised.

The free-text answers are written for the demo; they paraphrase the
report's themes and never quote it.
"""

from __future__ import annotations

import random

from forms.model import DONT_KNOW
from forms.model import NO
from forms.model import YES
from forms.model import condition_met

# Theme families (forms.definitions.THEMES -> family). Unknown themes fall
# back to keyword matching, so a new theme still gets a sensible tendency.
THEME_FAMILY = {
    "attitude": "attitude",
    "continuation": "attitude",
    "organisation": "organisation",
    "trust": "trust",
    "framing": "framing",
    "feedback": "feedback",
    "dialog": "dialog",
    "time_notice": "time",
    "influence": "influence",
    "representativeness": "representativeness",
    "conflict_of_interest": "union",
    "staff_safety": "union",
    "authority_encounters": "union",
    "applicant_privacy": "union",
    "post_clarity": "post_clarity",
    "question_fairness": "candidate",
    "venue": "venue",
    "candidate_experience": "candidate",
    "expectations": "expectations",
}
THEME_KEYWORDS = [
    ("union", ("union", "conflict", "safety", "privacy", "authority")),
    ("expectations", ("expect", "reality")),
    ("candidate", ("candidate",)),
    ("framing", ("framing", "prepar")),
    ("feedback", ("feedback",)),
    ("dialog", ("dialog",)),
    ("time", ("time", "notice")),
    ("trust", ("trust",)),
    ("attitude", ("attitude", "continu")),
]

# Mean agreement (1-5) by group and theme family; "default" covers the rest.
TENDENCIES = {
    "manager": {
        "default": 3.9,
        "attitude": 4.5,
        "trust": 4.1,
        "organisation": 3.7,
        "representativeness": 3.0,
        "union": 2.0,
        "dialog": 3.4,
        "time": 3.3,
    },
    "union": {
        "default": 2.8,
        "attitude": 2.1,
        "trust": 2.5,
        "influence": 2.6,
        "representativeness": 2.4,
        "union": 4.5,
        "organisation": 3.0,
    },
    "representative": {
        "default": 3.3,
        "attitude": 4.6,
        "trust": 3.6,
        "framing": 2.1,
        "feedback": 1.9,
        "dialog": 2.0,
        "time": 2.2,
        "influence": 2.8,
        "representativeness": 4.1,
        "union": 2.0,
    },
    "candidate": {
        "default": 3.7,
        "attitude": 3.9,
        "candidate": 3.8,
        "post_clarity": 2.6,
        "venue": 4.4,
        "feedback": 3.0,
        "union": 2.4,
    },
    "hired_followup": {
        "default": 3.4,
        "attitude": 4.0,
        "expectations": 2.5,
        "union": 2.3,
    },
}

# Question-key keywords that override the theme's tendency ("*" = every group).
KEY_OVERRIDES: dict[str, list] = {"*": []}

# The contested items (conflict of interest, staff safety, later encounters,
# applicants' information) are worded in both directions, so a group's
# tendency depends on the direction: agreeing that there is a risk is the
# critical answer, agreeing that it was or can be handled the reassured one.
# Mean agreement with a *risk* statement; a reassuring one gets 6 - mean.
# The report: union representatives critical ("jävs- och säkerhetsproblem"),
# managers positive; the representatives and candidates are not reported on
# these and get milder, plausible views (representatives least worried).
CONTESTED_RISK_AGREEMENT = {
    "union": 4.4,
    "manager": 2.1,
    "representative": 1.8,
    "candidate": 2.6,
    "hired_followup": 2.3,
}
RISK_KEYWORDS = ("risk", "concern")
REASSURING_KEYWORDS = ("handled", "protected", "manageable")
CONTESTED_THEMES = {"conflict_of_interest", "staff_safety", "authority_encounters", "applicant_privacy"}

# Free text written for the demo, by group and theme family ("any" = fallback).
FREE_TEXT = {
    "representative": {
        "framing": [
            "Jag hade velat få en skriftlig introduktion innan vi började, om vad vår roll var och vad vi kunde påverka.",
            "Det var oklart för mig vad vårt möte med kandidaterna skulle leda till.",
        ],
        "feedback": [
            "Vi fick veta väldigt sent vem som fick jobbet och varför. Snabbare besked hade gjort stor skillnad.",
        ],
        "dialog": [
            "Vi satt mest för oss själva. Jag hade velat prata med cheferna och facket under processen, inte bara i slutet.",
        ],
        "any": [
            "Roligt och lärorikt att vara med, och jag hoppas att det fortsätter.",
            "Schemat var pressat, särskilt dagarna när vi träffade de sökande.",
        ],
    },
    "manager": {
        "representativeness": [
            "Viktigt att brukarnas erfarenheter passar tjänsten; en chefstjänst kräver delvis andra perspektiv.",
        ],
        "any": [
            "Brukarnas frågor gav oss en bild av kandidaterna som vi annars inte hade fått.",
            "Bra initiativ. Nästa gång bör alla parter träffas tidigare i processen.",
            "Det behövs ordentlig återkoppling till brukarna, annars blir medverkan bara en kuliss.",
        ],
    },
    "union": {
        "union": [
            "Risk för jäv om brukare bedömer någon som senare ska fatta beslut i deras eget ärende.",
            "Personalens trygghet måste säkras om man senare möter samma personer i myndighetsutövning.",
            "De sökandes personuppgifter ska inte spridas utanför de som behöver dem.",
        ],
        "any": [
            "Vi är tveksamma till modellen så länge frågorna om jäv och sekretess inte är lösta.",
        ],
    },
    "candidate": {
        "post_clarity": [
            "Några frågor var svåra att svara på eftersom det var otydligt vad tjänsten faktiskt innebar.",
        ],
        "venue": [
            "Det var en fin lokal och en avslappnad stämning.",
        ],
        "candidate": [
            "Mötet med brukarna var det bästa samtalet i hela rekryteringen.",
            "Några frågor var svåra att svara på eftersom det var otydligt vad tjänsten faktiskt innebar.",
        ],
        "any": [
            "Det var en fin lokal och en avslappnad stämning.",
            "Jag hade gärna fått besked om nästa steg lite snabbare.",
        ],
    },
    "hired_followup": {
        "expectations": [
            "Rekryteringen gav bilden av ett mer brukarstyrt arbete än det jag möter i vardagen.",
        ],
        "any": [
            "Kontakten med brukarrepresentanterna har varit värdefull även efter anställningen.",
        ],
    },
}

TEXT_ANSWER_SHARE = 0.45
DONT_KNOW_SHARE = 0.05
SKIP_OPTIONAL_SHARE = 0.05


def theme_family(theme: str | None) -> str:
    theme = (theme or "").lower()
    if theme in THEME_FAMILY:
        return THEME_FAMILY[theme]
    for family, keywords in THEME_KEYWORDS:
        if any(keyword in theme for keyword in keywords):
            return family
    return "default"


# What the representatives missed in 2017 (framing, quick feedback, dialog,
# notice) and so how well the process was organised for them: the families a
# municipality that learns from its pilot improves, so the synthetic scale-up
# shows a trend over the years (issue 12 part 7). Never the contested items.
LEARNING_FAMILIES = {"framing", "feedback", "dialog", "time", "organisation"}


class AnswerGenerator:
    """Generates one respondent's answers from a seeded random generator.

    ``learning`` (agreement points, default 0) raises the representatives'
    tendency on the ``LEARNING_FAMILIES``: a later synthetic recruitment that
    has learned from the earlier ones. With 0 the draws are exactly as before.
    """

    def __init__(self, rng: random.Random, learning: float = 0.0):
        self.rng = rng
        self.learning = learning

    def tendency(self, group_key: str, question) -> float:
        table = TENDENCIES.get(group_key, {"default": 3.0})
        mean = table.get(theme_family(question.theme), table["default"])
        for keywords, value in KEY_OVERRIDES["*"] + KEY_OVERRIDES.get(group_key, []):
            if any(keyword in question.key for keyword in keywords):
                mean = value
        contested = self._contested_direction(question)
        if contested is not None and group_key in CONTESTED_RISK_AGREEMENT:
            risk = CONTESTED_RISK_AGREEMENT[group_key]
            mean = risk if contested == "risk" else 6 - risk
        learned = group_key == "representative" and contested is None
        if learned and theme_family(question.theme) in LEARNING_FAMILIES:
            mean = min(5.0, mean + self.learning)
        return mean

    @staticmethod
    def _contested_direction(question) -> str | None:
        """"risk" or "reassuring" for a contested item, else None."""
        if any(keyword in question.key for keyword in REASSURING_KEYWORDS):
            if question.theme in CONTESTED_THEMES or question.key.split("_")[0] in {"conflict", "applicant", "staff", "authority"}:
                return "reassuring"
        if question.theme in CONTESTED_THEMES and any(keyword in question.key for keyword in RISK_KEYWORDS):
            return "risk"
        return None

    def answers(self, instrument, group_key: str, context: dict) -> dict:
        """A plausible set of answers to ``instrument`` for ``group_key``.

        ``context`` has ``applicants`` and ``finalists`` (pseudonyms) and
        optionally fixed ``screening`` (applicant -> 1-4) and ``ranking``
        (finalists in order) for a representative of the 2017 case, and
        ``fixed`` (question key -> answer) for the process's facts.
        """
        answers: dict = {}
        fixed = context.get("fixed") or {}
        for question in instrument.questions:
            if not condition_met(question, answers):
                continue
            if question.key in fixed:
                # A fact of the process (offered the post, told who got it ...):
                # never drawn, never skipped.
                answers[question.key] = fixed[question.key]
                continue
            if question.type in ("screening", "ranking") and context.get(question.type):
                # The 2017 representatives' own ratings and rankings are facts too.
                answers[question.key] = self.value(question, group_key, context)
                continue
            if not question.required and self.rng.random() < SKIP_OPTIONAL_SHARE:
                continue
            value = self.value(question, group_key, context)
            if value is not None and value != "" and value != [] and value != {}:
                answers[question.key] = value
        return answers

    def value(self, question, group_key: str, context: dict):
        kind = question.type
        if kind == "likert":
            return self._likert(question, group_key)
        if kind == "yesno":
            return self._yesno(question, group_key)
        if kind == "single":
            return self._single(question, group_key)
        if kind == "multiple":
            return self._multiple(question)
        if kind == "integer":
            return self._integer(question)
        if kind == "text":
            return self._text(question, group_key)
        if kind == "screening":
            return self._screening(question, context)
        if kind == "ranking":
            return self._ranking(question, context)
        return None

    def _likert(self, question, group_key):
        if question.dont_know and not question.required and self.rng.random() < DONT_KNOW_SHARE:
            return DONT_KNOW
        value = round(self.rng.gauss(self.tendency(group_key, question), 0.8))
        return max(1, min(5, value))

    def _yesno(self, question, group_key):
        if not question.required and self.rng.random() < DONT_KNOW_SHARE:
            return DONT_KNOW
        share_yes = (self.tendency(group_key, question) - 1) / 4
        return YES if self.rng.random() < share_yes else NO

    def _single(self, question, group_key):
        values = [choice.value for choice in question.choices]
        if not values:
            return None
        # Choices are listed from most to least favourable by convention, so
        # a positive group leans towards the first ones.
        if len(values) == 1:
            return values[0]
        share = (self.tendency(group_key, question) - 1) / 4
        last = len(values) - 1
        weights = [1 + 2 * (share * (last - i) + (1 - share) * i) / last for i in range(len(values))]
        return self.rng.choices(values, weights=weights)[0]

    def _multiple(self, question):
        values = [choice.value for choice in question.choices]
        if not values:
            return None
        return sorted(self.rng.sample(values, k=self.rng.randint(1, min(3, len(values)))))

    def _integer(self, question):
        low = question.minimum if question.minimum is not None else 0
        high = question.maximum if question.maximum is not None else low + 10
        high = min(high, low + 20)
        return self.rng.randint(low, high)

    def _text(self, question, group_key):
        pool = FREE_TEXT.get(group_key, {})
        options = pool.get(theme_family(question.theme)) or [text for texts in pool.values() for text in texts]
        if not options or (not question.required and self.rng.random() > TEXT_ANSWER_SHARE):
            return None
        return self.rng.choice(options)

    def _screening(self, question, context):
        applicants = context.get(question.items or "applicants") or context.get("applicants") or []
        fixed = context.get("screening")
        if fixed:
            return {name: fixed[name] for name in applicants if name in fixed}
        return {name: self.rng.randint(1, 4) for name in applicants}

    def _ranking(self, question, context):
        finalists = list(context.get(question.items or "finalists") or context.get("finalists") or [])
        fixed = context.get("ranking")
        if fixed and sorted(fixed) == sorted(finalists):
            order = fixed
        else:
            order = finalists[:]
            self.rng.shuffle(order)
        return {name: rank for rank, name in enumerate(order, start=1)}
