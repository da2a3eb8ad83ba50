"""Translated labels for keys stored in the databases (groups, roles, statuses, stages)."""

from flask_babel import lazy_gettext as _l

from collector.i18n import current_language
from forms.vocabulary import POST_LEVEL_KEYS
from forms.vocabulary import POST_LEVELS
from forms.vocabulary import RESPONDENT_GROUPS

ROLE_LABELS = {
    "coordinator": _l("Coordinator"),
    "evaluator": _l("Evaluator"),
    "management": _l("Management"),
    "admin": _l("Administrator"),
}
STATUS_LABELS = {
    "planning": _l("Planning"),
    "collecting": _l("Collecting answers"),
    "closed": _l("Closed"),
}
STAGE_LABELS = {
    "applied": _l("Applied"),
    "qualified": _l("Qualified"),
    "interviewed": _l("Interviewed"),
    "finalist": _l("Finalist"),
    "appointed": _l("Appointed"),
}
FUNNEL_LABELS = {
    "applicants": _l("Applicants"),
    "qualified": _l("Qualified"),
    "interviewed": _l("Interviewed"),
    "finalists": _l("Finalists"),
}
INVITATION_STATUS_LABELS = {
    None: _l("Not invited"),
    "open": _l("Not answered"),
    "submitting": _l("Not answered"),
    "answered": _l("Answered"),
    "closed": _l("Link closed"),
}

ACTION_LABELS = {
    "sign_in": _l("signed in"),
    "sign_out": _l("signed out"),
    "user_add": _l("created an account"),
    "user_update": _l("changed an account"),
    "user_disable": _l("disabled an account"),
    "user_password": _l("set a password"),
    "user_email": _l("changed an account's email address"),
    "process_create": _l("created the process"),
    "process_update": _l("changed the process"),
    "process_delete": _l("deleted the process"),
    "stages_update": _l("changed the stages"),
    "applicants_update": _l("changed the applicants"),
    "participants_add": _l("added participants"),
    "participant_delete": _l("removed a participant"),
    "participant_update": _l("changed a participant"),
    "participants_export": _l("downloaded the participant list"),
    "invite": _l("sent invitations"),
    "print_links": _l("printed links"),
    "remind": _l("sent reminders"),
    "decision": _l("recorded the decision"),
    "feedback": _l("sent feedback"),
    "close": _l("closed the process"),
    "followup_send": _l("sent the follow-up invitation"),
    "followup_remind": _l("sent a follow-up reminder"),
    "municipality_set": _l("set the municipality's name"),
    "department_add": _l("added a department"),
    "department_rename": _l("renamed a department"),
    "department_remove": _l("removed a department"),
    "purge": _l("deleted contact data"),
}


def group_label(key: str) -> str:
    for group_key, label_sv, label_en in RESPONDENT_GROUPS:
        if group_key == key:
            return label_en if current_language() == "en" else label_sv
    return key


def post_level_label(key: str | None) -> str:
    """The post level in the reader's language; a process made before the field existed says so."""
    for level_key, label_sv, label_en in POST_LEVELS:
        if level_key == key:
            return label_en if current_language() == "en" else label_sv
    return str(_l("Not recorded"))


def post_level_choices() -> list[tuple[str, str]]:
    """The form's choices, with an empty first option so nothing is chosen for the coordinator."""
    return [("", str(_l("Choose the level of the post")))] + [(key, post_level_label(key)) for key in POST_LEVEL_KEYS]


def group_choices() -> list[tuple[str, str]]:
    return [(key, group_label(key)) for key, _sv, _en in RESPONDENT_GROUPS]


def department_label(department: dict | None) -> str:
    if not department:
        return ""
    return department["name_en"] if current_language() == "en" else department["name_sv"]


def template_globals() -> dict:
    return {
        "ROLE_LABELS": ROLE_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STAGE_LABELS": STAGE_LABELS,
        "FUNNEL_LABELS": FUNNEL_LABELS,
        "INVITATION_STATUS_LABELS": INVITATION_STATUS_LABELS,
        "ACTION_LABELS": ACTION_LABELS,
        "group_label": group_label,
        "post_level_label": post_level_label,
    }
