"""The evaluation design's fixed vocabularies, defined once.

Respondent groups, applicant stages and interface languages are fixed by the
evaluation design; definitions, the collector, its migrations and the demo
all import them from here so that a group or stage cannot drift between
modules. ``forms`` imports nothing of the project, so everyone may import this.
"""

from __future__ import annotations

# Respondent groups in their display order: (key, Swedish label, English label).
# The labels also live in the served database (``respondent_groups``) so that
# Datasette and exports can show them in both languages.
RESPONDENT_GROUPS = [
    ("representative", "Brukarrepresentant", "Service-user representative"),
    ("candidate", "Sökande", "Candidate"),
    ("manager", "Chef eller tjänsteperson", "Manager or official"),
    ("union", "Facklig företrädare", "Union representative"),
    ("hired_followup", "Anställd, uppföljning efter sex månader", "Hired person, six-month follow-up"),
]
GROUP_KEYS = [key for key, _sv, _en in RESPONDENT_GROUPS]

# Applicant stages, in the order a candidate passes them.
APPLICANT_STAGES = ("applied", "qualified", "interviewed", "finalist", "appointed")

# Interface and questionnaire languages, Swedish first.
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

# The level of the post a recruitment fills: (key, Swedish label, English label).
# A structured field on the process (served ``processes.post_level``, migration
# m007) so that figures can be compared between recruitments of managers and
# of social workers; ``post_title`` stays free text. Processes created before
# the field existed keep NULL, shown as "not recorded", never guessed.
POST_LEVELS = [
    ("manager", "Chef", "Manager"),
    ("social_worker", "Socialsekreterare", "Social worker"),
    ("other", "Annan tjänst", "Other post"),
]
POST_LEVEL_KEYS = [key for key, _sv, _en in POST_LEVELS]

# Reading variants of a questionnaire: None is the standard wording; an
# easy-to-read variant ("lättläst": short sentences, common words, one thing
# per question) asks the same common core with the same keys and codes, so
# its answers pool with the standard version's. A participant is given the
# variant when the coordinator chose it for them (contacts
# ``participants.easy_read``). (key, Swedish label, English label).
EASY_READ = "easy_read"
READINGS = [(EASY_READ, "Lättläst", "Easy to read")]
READING_KEYS = [key for key, _sv, _en in READINGS]
