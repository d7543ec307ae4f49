from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from capabilities.services.assessments import KEEP_TARGET, AssessmentInput
from capabilities.services.register import CapabilityInput
from web.forms import to_choices

KEEP = "keep"  # the target choice that keeps a previous target the user may not see


class AssessmentFields(FlaskForm):
    """What an assessment and a round entry both ask, in this order (the level radios and the
    target choices are filled in by the view from `level_options`)."""

    level = RadioField(_l("Nivå"), choices=[], validate_choice=False)
    target_level = SelectField(_l("Målnivå (valfri)"), choices=[], validate_choice=False)
    summary = TextAreaField(_l("Statusbeskrivning"))
    justification = TextAreaField(_l("Motivering och underlag"))


class AssessmentForm(AssessmentFields):
    organisations = StringField(_l("Organisationer som medverkat"))
    assessed_on = DateField(_l("Bedömningsdatum"), default=date.today, validators=[Optional()])
    confidential = BooleanField(_l("Sekretessmarkerad"))
    secrecy_ref = StringField(_l("Sekretesshänvisning (t.ex. OSL 18:13)"))

    def to_input(self) -> AssessmentInput:
        """The new assessment as the service takes it; the KEEP choice keeps the old target."""
        target = self.target_level.data
        return AssessmentInput(
            level=self.level.data,
            target_level=KEEP_TARGET if target == KEEP else target,
            summary=self.summary.data,
            justification=self.justification.data,
            organisations=self.organisations.data,
            assessed_on=self.assessed_on.data,
            confidential=bool(self.confidential.data),
            secrecy_ref=self.secrecy_ref.data,
        )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Skäl till återkallelsen"))


class LinkAssignmentForm(FlaskForm):
    assignment_id = RadioField(_l("Regeringsuppdrag"), choices=[], coerce=str)
    partial = BooleanField(_l("Uppdraget stärker delförmågan delvis"))
    note = StringField(_l("Anteckning"))


class ResponsibilityForm(FlaskForm):
    actor_id = SelectField(_l("Aktör"), choices=[])
    role = SelectField(
        _l("Roll"),
        choices=to_choices([("ansvarar", _l("Ansvarar")), ("kan_ansvara", _l("Kan ansvara"))]),
    )
    note = StringField(_l("Anteckning"))


class ConfirmForm(FlaskForm):
    """A POST that needs nothing but the CSRF token (end a link, and the like)."""


class CapabilityForm(FlaskForm):
    area = SelectField(_l("Område"), choices=[])
    number = StringField(_l("Nummer"))
    title = TextAreaField(_l("Delförmåga (text som i registret; punkter på egna rader)"))
    assignments_note = StringField(_l("Anteckning om uppdrag"))
    version = HiddenField()

    def to_input(self) -> CapabilityInput:
        """The edited text (a new capability's area and number go to create_capability)."""
        return CapabilityInput(self.title.data, self.assignments_note.data)


class RetireForm(FlaskForm):
    retired_on = DateField(
        _l("Avvecklas från och med"), default=date.today, validators=[Optional()]
    )
