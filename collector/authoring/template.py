"""The XLSForm template offered for download on the authoring page.

A small, valid Medverkan questionnaire (two pages, the usual question types,
a condition, a department-free default) written by ``forms.xlsform.write_xlsform``,
so the template always matches what the importer accepts: an author edits
the rows instead of starting from an empty sheet or the specification.
"""

from __future__ import annotations

from forms.model import Choice
from forms.model import Condition
from forms.model import Instrument
from forms.model import Page
from forms.model import Question


def _t(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def template_instrument() -> Instrument:
    return Instrument(
        key="my_questionnaire",
        version=1,
        group="representative",
        title=_t("Din erfarenhet av rekryteringen", "Your experience of the recruitment"),
        intro=_t("Svaren sparas utan ditt namn.", "Your answers are stored without your name."),
        minutes=5,
        pages=(
            Page(
                key="preparation",
                title=_t("Förberedelser", "Preparation"),
                intro=_t("Frågor om tiden före mötena.", "Questions about the time before the meetings."),
                questions=(
                    Question(
                        "role_clear", "likert", _t("Jag visste vad min roll var.", "I knew what my role was."), "framing", required=True,
                    ),
                    Question(
                        "written_intro", "yesno", _t("Fick du en skriftlig introduktion?", "Did you get a written introduction?"),
                        "framing",
                    ),
                    Question(
                        "intro_helped", "likert", _t("Introduktionen hjälpte mig.", "The introduction helped me."), "framing",
                        condition=Condition("written_intro", (1,)),
                    ),
                ),
            ),
            Page(
                key="meetings",
                title=_t("Mötena", "The meetings"),
                questions=(
                    Question(
                        "meeting_kind", "single", _t("Hur träffade du de sökande?", "How did you meet the applicants?"), "organisation",
                        choices=(
                            Choice(1, _t("På plats", "In person")), Choice(2, _t("Digitalt", "Online")), Choice(3, _t("Båda", "Both")),
                        ),
                    ),
                    Question(
                        "meetings_count", "integer", _t("Hur många möten var du med på?", "How many meetings did you take part in?"),
                        "time_notice",
                        minimum=0, maximum=50,
                    ),
                    Question("comments", "text", _t("Något mer du vill säga?", "Anything else you want to say?"), "influence"),
                ),
            ),
        ),
    )
