"""Forms of the reporting-round pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import Optional

from web.register.forms import AssessmentFields


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class OpenRoundForm(FlaskForm):
    name = StringField(_l("Namn"))
    reference_date = DateField(_l("Lägesdatum"), validators=[Optional()])
    deadline = DateField(_l("Sista dag för inskick"), validators=[Optional()])
    reviewers = CheckboxesField(_l("Granskare"), choices=[], validate_choice=False)


class EntryForm(AssessmentFields):
    confidential = BooleanField(_l("Sekretessmarkerad"))
    secrecy_ref = StringField(_l("Sekretesshänvisning (t.ex. OSL 18:13)"))
    version = HiddenField()


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Kommentar (krävs vid återremiss)"))
    content_version = HiddenField()


class ConfirmForm(FlaskForm):
    """A POST that needs nothing but the CSRF token."""


class CloseForm(FlaskForm):
    """Closing a round: the round's name typed when anything is not approved."""

    confirm_name = StringField(_l("Skriv omgångens namn för att stänga den"))
