"""Translated labels for keys stored in the databases (groups, roles, statuses, stages)."""

from flask_babel import lazy_gettext as _l

from collector.i18n import current_language
from collector.migrations import RESPONDENT_GROUPS

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


def group_label(key: str) -> str:
    for group_key, label_sv, label_en in RESPONDENT_GROUPS:
        if group_key == key:
            return label_en if current_language() == "en" else label_sv
    return key


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
        "group_label": group_label,
    }
