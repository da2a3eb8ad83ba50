"""WTForms classes of the coordinator workspace (labels are lazy msgids)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField
from wtforms import DateField
from wtforms import FieldList
from wtforms import Form
from wtforms import FormField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from collector.coordinator.participants import valid_email
from collector.coordinator.users import ROLES
from forms.vocabulary import APPLICANT_STAGES
from forms.vocabulary import POST_LEVEL_KEYS

# SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples.
LANGUAGE_CHOICES = [SelectChoice("sv", "Svenska"), SelectChoice("en", "English")]


def count_field(label):
    return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100000)])


class ProcessForm(FlaskForm):
    code = StringField(
        _l("Reference code"),
        description=_l("A short unique code, for example HBG-2017-GR."),
        validators=[
            InputRequired(), Length(max=40),
            Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", message=_l("Use letters, digits, dots and dashes only.")),
        ],
    )
    post_title = StringField(_l("Post"), validators=[InputRequired(), Length(max=200)])
    department = SelectField(_l("Department"), validators=[InputRequired()])
    post_level = SelectField(
        _l("Level of the post"),
        description=_l("Used to compare recruitments of managers with those of social workers."),
        validators=[InputRequired(message=_l("Choose the level of the post."))],
    )
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    opened_on = DateField(_l("Recruitment started"), validators=[Optional()])
    application_deadline = DateField(_l("Application deadline"), validators=[Optional()])
    decided_on = DateField(_l("Decision date"), validators=[Optional()])
    applicants = count_field(_l("Number of applicants"))
    qualified = count_field(_l("Number of qualified applicants"))
    interviewed = count_field(_l("Number interviewed"))
    finalists = count_field(_l("Number of finalists"))
    instrument_set = SelectField(
        _l("Questionnaires"),
        description=_l("The default questionnaires, or a department's own variant."),
        validators=[InputRequired()],
    )

    def validate_post_level(self, field):
        if field.data not in POST_LEVEL_KEYS:
            raise ValidationError(_l("Choose the level of the post."))

    def validate_qualified(self, field):
        if field.data is not None and self.applicants.data is not None and field.data > self.applicants.data:
            raise ValidationError(_l("Cannot be more than the number of applicants."))

    def validate_interviewed(self, field):
        if field.data is not None and self.qualified.data is not None and field.data > self.qualified.data:
            raise ValidationError(_l("Cannot be more than the number of qualified applicants."))

    def validate_finalists(self, field):
        if field.data is not None and self.interviewed.data is not None and field.data > self.interviewed.data:
            raise ValidationError(_l("Cannot be more than the number interviewed."))

    def validate_application_deadline(self, field):
        if field.data and self.opened_on.data and field.data < self.opened_on.data:
            raise ValidationError(_l("The deadline cannot be before the recruitment started."))


class StageRow(Form):
    label_sv = StringField(_l("Stage (Swedish)"), validators=[Optional(), Length(max=300)])
    label_en = StringField(_l("Stage (English)"), validators=[Optional(), Length(max=300)])
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To"), validators=[Optional()])
    representatives_took_part = BooleanField(_l("Representatives took part"))
    note_sv = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date cannot be before the start date."))


class StagesForm(FlaskForm):
    stages = FieldList(FormField(StageRow), min_entries=1)


class ApplicantRow(Form):
    pseudonym = StringField(_l("Pseudonym"), validators=[Optional(), Length(max=60)])
    stage_reached = SelectField(_l("Furthest stage reached"), choices=[], validate_choice=True)


class ApplicantsForm(FlaskForm):
    applicants = FieldList(FormField(ApplicantRow), min_entries=1)


class ParticipantForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    email = StringField(
        _l("Email address"),
        description=_l("Leave empty for people who get a printed link."),
        validators=[Optional(), Length(max=254)],
    )
    group_key = SelectField(_l("Group"), validators=[InputRequired()])
    language = SelectField(_l("Language of the invitation"), choices=LANGUAGE_CHOICES, default="sv")
    easy_read = BooleanField(
        _l("Easy-to-read questionnaire"),
        description=_l(
            "Short sentences and common words, same questions. For service-user representatives and the hired "
            "person's follow-up; other groups get the usual questionnaire."
        ),
    )

    def person_fields(self) -> list:
        """The fields of one person, in page order: the add and the edit form show the same."""
        return [self.name, self.email, self.group_key, self.language, self.easy_read]

    def validate_email(self, field):
        if field.data and not valid_email(field.data.strip().lower()):
            raise ValidationError(_l("Enter an email address like name@example.se."))


class ImportForm(FlaskForm):
    csv_text = TextAreaField(
        _l("Paste the list"),
        description=_l(
            "One person per line. The first line names the columns: name, email, group and optionally language. Commas or semicolons."
        ),
        validators=[Optional()],
    )
    csv_file = FileField(_l("Or choose a CSV file"))
    confirm = HiddenField()


class PrintForm(FlaskForm):
    group_key = SelectField(_l("Group for unnamed links"))
    language = SelectField(
        _l("Language of the unnamed slips"),
        description=_l("Participants you added get their slip in their own language."),
        choices=LANGUAGE_CHOICES, default="sv",
    )
    count = IntegerField(
        _l("Number of unnamed links"),
        description=_l("People without an email address who are participants get their own link as well."),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=200)],
    )


class DecisionForm(FlaskForm):
    appointed_applicant = SelectField(_l("Appointed applicant"), validators=[InputRequired()])
    decision_rationale = TextAreaField(_l("Rationale"), validators=[InputRequired(), Length(max=4000)])
    # Its description (the follow-up's timing) is set by the view, which knows FOLLOWUP_DAYS.
    hire_starts_on = DateField(_l("The hired person's start date"), validators=[Optional()])


def feedback_form(groups: list[str], field_name, group_label) -> FlaskForm:
    """A feedback form with a Swedish and an English message per group present among the recipients.

    Built per request because the groups depend on the process; ``field_name``
    and ``group_label`` come from the caller so this module stays free of them.
    """

    class FeedbackForm(FlaskForm):
        pass

    for group in groups:
        setattr(FeedbackForm, field_name(group, "sv"), TextAreaField(
            _l("%(group)s: message in Swedish", group=group_label(group)),
            validators=[InputRequired(), Length(max=6000)],
        ))
        setattr(FeedbackForm, field_name(group, "en"), TextAreaField(
            _l("%(group)s: message in English", group=group_label(group)),
            description=_l("Sent to those who chose English. Leave empty to send them the Swedish message."),
            validators=[Optional(), Length(max=6000)],
        ))
    return FeedbackForm()


class DeleteProcessForm(FlaskForm):
    code = StringField(
        _l("The process's reference code"),
        description=_l("Type the code to confirm that this process, and everything recorded for it, is deleted."),
        validators=[InputRequired(), Length(max=40)],
    )


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected button."""


class StaffEmailMixin:
    """The account's own address: where "send a test to myself" goes. Optional."""

    email = StringField(
        _l("Email address"),
        description=_l("Tests of invitations, reminders and feedback are sent here."),
        validators=[Optional(), Length(max=254)],
    )

    def validate_email(self, field):
        if field.data and not valid_email(field.data.strip().lower()):
            raise ValidationError(_l("Enter an email address like name@example.se."))


class UserForm(StaffEmailMixin, FlaskForm):
    username = StringField(_l("Username"), validators=[InputRequired(), Length(min=2, max=64)])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(role, role) for role in ROLES])
    department = SelectField(_l("Department"), description=_l("Coordinators see only their department's processes."))
    password = PasswordField(_l("Password"), description=_l("At least 12 characters."), validators=[InputRequired()])


class UserEditForm(StaffEmailMixin, FlaskForm):
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(role, role) for role in ROLES])
    department = SelectField(_l("Department"))
    is_active = BooleanField(_l("Account active"))
    password = PasswordField(
        _l("New password"), description=_l("Leave empty to keep the current password."), validators=[Optional()]
    )


class AccountForm(StaffEmailMixin, FlaskForm):
    """What a signed-in person changes on their own account page."""


class MunicipalityForm(FlaskForm):
    name = StringField(
        _l("The municipality's name"),
        description=_l("For example Helsingborgs stad. Shown to staff and evaluators."),
        validators=[InputRequired(), Length(max=200)],
    )


class DepartmentNamesForm(FlaskForm):
    name_sv = StringField(
        _l("Name in Swedish"), description=_l("For example Socialförvaltningen."), validators=[InputRequired(), Length(max=200)]
    )
    name_en = StringField(
        _l("Name in English"),
        description=_l("For example Social services. Leave empty to use the Swedish name."),
        validators=[Optional(), Length(max=200)],
    )


class DepartmentForm(DepartmentNamesForm):
    key = StringField(
        _l("Department key"),
        description=_l(
            "A short permanent identifier of lower-case letters a-z, digits and dashes, for example socialforvaltningen. "
            "Processes, accounts and questionnaire variants refer to it, so it cannot be changed later."
        ),
        validators=[
            InputRequired(),
            Regexp(r"^[a-z0-9][a-z0-9_-]{1,39}$", message=_l(
                "Use 2 to 40 lower-case letters a-z, digits, dashes or underscores, starting with a letter or digit."
            )),
        ],
    )


__all__ = [name for name in dir() if name.endswith("Form")] + ["APPLICANT_STAGES"]
