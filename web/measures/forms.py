"""Forms and display labels for measures. The service validates; the forms only carry input.

Selects skip WTForms' own choice check (`validate_choice=False`) and values stay strings, so
that every refusal comes from the service, with its Swedish message on the right field.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import DateInput

from capabilities.services.measures import MeasureInput

STATE_LABELS = {
    "förslag": _l("förslag"),
    "prioriterad": _l("prioriterad"),
    "beslutad": _l("beslutad"),
    "pågående": _l("pågående"),
    "genomförd": _l("genomförd"),
    "avförd": _l("avförd"),
}
PRIORITY_LABELS = {"hög": _l("hög"), "medel": _l("medel"), "låg": _l("låg")}
FIELD_LABELS = {
    "title": _l("Titel"),
    "description": _l("Beskrivning"),
    "state": _l("Status"),
    "priority": _l("Prioritet"),
    "cost_effectiveness": _l("Kostnadseffektivitet"),
    "legal_assessment": _l("Rättslig bedömning"),
    "due_on": _l("Klart senast"),
    "capability_ids": _l("Delförmågor"),
    "actor_ids": _l("Ansvariga aktörer"),
    "confidential": _l("Sekretessmarkerad"),
    "secrecy_ref": _l("Sekretesshänvisning"),
}
ACTION_LABELS = {"create": _l("Skapad"), "update": _l("Ändrad")}


def _choices(labels: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class MeasureForm(FlaskForm):
    title = StringField(FIELD_LABELS["title"])
    description = TextAreaField(FIELD_LABELS["description"])
    state = SelectField(
        FIELD_LABELS["state"],
        choices=_choices(STATE_LABELS),
        default="förslag",
        validate_choice=False,
    )
    cost_effectiveness = TextAreaField(FIELD_LABELS["cost_effectiveness"])
    legal_assessment = TextAreaField(FIELD_LABELS["legal_assessment"])
    priority = SelectField(
        FIELD_LABELS["priority"],
        choices=[SelectChoice("", _l("Ingen prioritet")), *_choices(PRIORITY_LABELS)],
        validate_choice=False,
    )
    due_on = StringField(FIELD_LABELS["due_on"], widget=DateInput())
    capability_ids = SelectMultipleField(
        _l("Delförmågor som åtgärden höjer"), choices=[], coerce=str, validate_choice=False
    )
    actor_ids = SelectMultipleField(
        FIELD_LABELS["actor_ids"], choices=[], coerce=str, validate_choice=False
    )
    confidential = BooleanField(FIELD_LABELS["confidential"])
    secrecy_ref = StringField(_l("Sekretesshänvisning (t.ex. OSL 18:13)"))
    version = HiddenField()

    def to_input(self) -> MeasureInput:
        """What the service takes; it strips, parses and validates with Swedish messages."""
        return MeasureInput(
            title=self.title.data,
            description=self.description.data,
            state=self.state.data,
            cost_effectiveness=self.cost_effectiveness.data,
            legal_assessment=self.legal_assessment.data,
            priority=self.priority.data or None,
            due_on=self.due_on.data,
            capability_ids=self.capability_ids.data or [],
            actor_ids=self.actor_ids.data or [],
            confidential=bool(self.confidential.data),
            secrecy_ref=self.secrecy_ref.data,
        )


class StateForm(FlaskForm):
    """The quick state change on the measure page."""

    state = SelectField(_l("Ny status"), choices=_choices(STATE_LABELS), validate_choice=False)
    version = HiddenField()
