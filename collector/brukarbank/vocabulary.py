"""Areas of lived experience a representative can bring, defined once.

The keys are stored in the contacts database and appear in the served
``representative_profile`` table; the labels are shown in Swedish and
English (the interface and Datasette's descriptions use the same words).
Adding an area is appending a tuple: keys are never renamed or reused.
"""

from __future__ import annotations

# (key, Swedish label, English label), in the order the form shows them.
EXPERIENCE_AREAS: tuple[tuple[str, str, str], ...] = (
    ("addiction", "Missbruk eller beroende", "Addiction"),
    ("mental_health", "Psykisk ohälsa", "Mental health"),
    ("child_welfare_child", "Barn- och ungdomsvård som barn", "Child welfare as a child"),
    ("child_welfare_parent", "Barn- och ungdomsvård som förälder", "Child welfare as a parent"),
    ("homelessness", "Hemlöshet", "Homelessness"),
    ("disability", "Funktionsnedsättning", "Disability"),
    ("economic_assistance", "Ekonomiskt bistånd", "Economic assistance"),
    ("other", "Annat", "Other"),
)
AREA_KEYS: tuple[str, ...] = tuple(key for key, _sv, _en in EXPERIENCE_AREAS)

# The served counts cover every area plus whether the person was prepared
# (trained) before the assignment: one suppression rule for all of them.
PREPARED = "prepared"
CHARACTERISTICS: tuple[str, ...] = AREA_KEYS + (PREPARED,)
CHARACTERISTIC_LABELS: dict[str, tuple[str, str]] = {
    **{key: (sv, en) for key, sv, en in EXPERIENCE_AREAS},
    PREPARED: ("Förberedd eller utbildad", "Prepared or trained"),
}


def area_label(key: str, language: str) -> str:
    """The area's label in ``language`` (Swedish unless ``en``); the key itself if unknown."""
    labels = CHARACTERISTIC_LABELS.get(key)
    if labels is None:
        return key
    return labels[1] if language == "en" else labels[0]
