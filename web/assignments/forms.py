"""Forms and display labels for government assignments.

The service validates and gives the Swedish messages; the forms only carry input. Selects skip
WTForms' own choice check so that every refusal comes from the service, on the right field.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import DateInput, URLInput

from capabilities.errors import ValidationFailed
from capabilities.queries.assignments import AssignmentDetail
from capabilities.services.assignments import AssignmentInput
from web.forms import is_id, to_choices

STATUS_LABELS = {
    "pågående": _l("pågående"),
    "redovisat": _l("redovisat"),
    "avslutat": _l("avslutat"),
}
KIND_LABELS = {"delredovisning": _l("delredovisning"), "slutredovisning": _l("slutredovisning")}
DUE_LABELS = {
    "overdue": _l("Redovisning ej registrerad (datum passerat)"),
    "90": _l("Redovisning inom 90 dagar"),
}
FIELD_LABELS = {
    "title": _l("Titel"),
    "dnrs": _l("Diarienummer"),
    "description": _l("Beskrivning"),
    "decided_on": _l("Beslutsdatum"),
    "url": _l("Länk till beslutet"),
    "status": _l("Status"),
    "recipient_ids": _l("Mottagare"),
    "lead_actor_id": _l("Huvudansvarig mottagare"),
}


class AssignmentForm(FlaskForm):
    title = TextAreaField(FIELD_LABELS["title"], render_kw={"rows": 3})
    dnrs = StringField(FIELD_LABELS["dnrs"])
    description = TextAreaField(FIELD_LABELS["description"])
    decided_on = StringField(FIELD_LABELS["decided_on"], widget=DateInput())
    url = StringField(FIELD_LABELS["url"], widget=URLInput())
    status = SelectField(
        FIELD_LABELS["status"],
        choices=to_choices(STATUS_LABELS.items()),
        default="pågående",
        validate_choice=False,
    )
    recipient_ids = SelectMultipleField(
        FIELD_LABELS["recipient_ids"], choices=[], coerce=str, validate_choice=False
    )
    lead_actor_id = SelectField(
        FIELD_LABELS["lead_actor_id"], choices=[], coerce=str, validate_choice=False
    )
    version = HiddenField()

    def to_input(self) -> AssignmentInput:
        """What the service takes; it strips, parses the dnrs and validates in Swedish. A
        recipient or lead that is not an id from the list is refused here, on its field."""
        lead = self.lead_actor_id.data or ""
        if lead and not is_id(lead):
            raise ValidationFailed({"lead_actor_id": [_("Välj huvudansvarig i listan.")]})
        return AssignmentInput(
            title=self.title.data,
            dnrs=self.dnrs.data or "",
            description=self.description.data,
            decided_on=self.decided_on.data,
            url=self.url.data,
            status=self.status.data,
            recipient_ids=_ids(self.recipient_ids.data),
            lead_actor_id=int(lead) if lead else None,
        )


def _ids(values: list[str] | None) -> list[int]:
    """Actor ids from the form; anything else is refused like an unknown actor."""
    if any(not is_id(v) for v in values or []):
        raise ValidationFailed({"recipient_ids": [_("Välj mottagare i listan.")]})
    return [int(v) for v in values or []]


class MilestoneForm(FlaskForm):
    """Add a delredovisning or slutredovisning deadline."""

    due_on = StringField(_l("Ska redovisas senast"), widget=DateInput())
    kind = SelectField(
        _l("Typ av redovisning"), choices=to_choices(KIND_LABELS.items()), validate_choice=False
    )
    report_reference = StringField(_l("Rapportreferens (valfri)"))


class CompleteMilestoneForm(FlaskForm):
    """Mark a milestone as reported in one step (date + optional reference); the templates
    render one per milestone with its own ids, on the assignment page and the dashboard."""

    done_on = StringField(_l("Redovisad den"), widget=DateInput())
    report_reference = StringField(_l("Rapportreferens"))
    back = HiddenField()


def stored_data(found: AssignmentDetail) -> dict[str, Any]:
    """The stored assignment as form data (dnrs as printed, so "(delvis)" survives an edit)."""
    a = found.assignment
    return {
        "title": a.title,
        "dnrs": ", ".join(dn.printed or dn.number for dn in a.diary_numbers),
        "description": a.description,
        "decided_on": a.decided_on.isoformat() if a.decided_on else "",
        "url": a.url,
        "status": a.status,
        "recipient_ids": [str(r.actor_id) for r in found.recipients],
        "lead_actor_id": str(found.lead_id) if found.lead_id else "",
        "version": str(a.version),
    }
