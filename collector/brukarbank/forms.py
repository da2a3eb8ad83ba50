"""WTForms of the pool pages (labels are lazy msgids, translated in brukarbank.po).

Bad input never reaches SQLite: text fields refuse control characters (a
NUL byte included), numbers must be finite and within range (``NaN``,
``Infinity``, negative hours or amounts are form errors, not 500s).
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import DecimalField
from wtforms import SelectChoice
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import StopValidation
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput
from wtforms.widgets import ListWidget

from collector.coordinator.participants import normalise_email
from collector.coordinator.participants import valid_email

# SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples.
LANGUAGE_CHOICES = [SelectChoice("sv", "Svenska"), SelectChoice("en", "English")]
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]{4,28}$")
MAX_HOURS = Decimal(1000)
MAX_AMOUNT = Decimal(1_000_000)


def no_control_characters(form, field):
    if field.data and CONTROL_CHARACTERS.search(field.data):
        raise StopValidation(_l("Remove the invisible control characters from this field."))


def finite_number(form, field):
    """Decimal('NaN') and Infinity parse, but NumberRange cannot compare NaN: stop them first."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter a number, for example 2.5."))


class CommaDecimalField(DecimalField):
    """Accepts a decimal comma (Swedish keyboards: "4,5") as well as a point."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(",", ".").replace(" ", "").replace("\u00a0", "")]
        super().process_formdata(valuelist)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), no_control_characters, Length(max=200)])
    email = StringField(_l("Email address"), validators=[InputRequired(), no_control_characters, Length(max=254)])
    phone = StringField(
        _l("Phone (optional)"),
        description=_l("Digits, spaces and dashes, for example 070-123 45 67."),
        validators=[Optional(), no_control_characters, Length(max=30)],
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="sv", validators=[InputRequired()])
    department = SelectField(_l("Department"), validators=[InputRequired()])
    areas = MultiCheckboxField(
        _l("Areas of lived experience"),
        description=_l("Choose every area the person brings experience from. Only counts of these reach evaluators."),
        validators=[Optional()],
    )

    def validate_email(self, field):
        field.data = normalise_email(field.data)
        if not valid_email(field.data):
            raise ValidationError(_l("Enter an email address like name@example.se."))

    def validate_phone(self, field):
        field.data = " ".join((field.data or "").split())
        if field.data and not PHONE_PATTERN.match(field.data):
            raise ValidationError(_l("Enter a phone number with digits, for example 070-123 45 67."))


class TrainingForm(FlaskForm):
    course = StringField(
        _l("Course or preparation (optional)"),
        description=_l("For example the pool's introduction course. Leave empty to record only that preparation was received."),
        validators=[Optional(), no_control_characters, Length(max=200)],
    )
    completed_on = DateField(
        _l("Date (optional)"),
        description=_l("Year-month-day, for example 2026-03-14."),
        validators=[Optional()],
    )


class CompensationForm(FlaskForm):
    assignment = StringField(
        _l("Assignment"),
        description=_l("For example: interview panel, two interviews."),
        validators=[Optional(), no_control_characters, Length(max=300)],
    )
    hours = CommaDecimalField(
        _l("Hours"),
        description=_l("Hours worked, for example 4.5."),
        places=None,
        validators=[Optional(), finite_number, NumberRange(min=0, max=MAX_HOURS, message=_l("Enter hours between 0 and 1000."))],
    )
    amount_sek = CommaDecimalField(
        _l("Compensation (SEK)"),
        description=_l("The arvode in kronor, for example 1200."),
        places=None,
        validators=[
            Optional(), finite_number, NumberRange(min=0, max=MAX_AMOUNT, message=_l("Enter an amount between 0 and 1,000,000 kronor.")),
        ],
    )
    paid_on = DateField(
        _l("Date paid (optional)"),
        description=_l("Year-month-day, for example 2026-03-14."),
        validators=[Optional()],
    )


class PickForm(FlaskForm):
    members = MultiCheckboxField(_l("Representatives"), coerce=int, validate_choice=True)

    def validate_members(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one representative."))


class ConfirmForm(FlaskForm):
    """A button with a CSRF token (remove, delete)."""
