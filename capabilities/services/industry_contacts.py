"""Industry contacts (seed 004's documentation principle) on a measure or proposal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy.orm as so

from capabilities.guidance import PRINCIPLES
from capabilities.i18n import N_
from capabilities.models import CONTACT_FORMS, IndustryContact, Measure, User
from capabilities.services.base import MAX_TEXT, Errors, add_audited, require_editor
from capabilities.services.measures import PROPOSAL_WORDING, require_measure_clearance


@dataclass(frozen=True)
class ContactInput:
    """A contact with industry, as the documentation principle asks it to be recorded."""

    contacted_on: str | date | None = None
    organisation: str = ""
    participants: str = ""
    form: str = ""
    purpose: str = ""
    benefits: str = ""
    documented_in: str = ""
    principles: Sequence[str] = field(default_factory=tuple)


# The contact's free-text fields: label, required, longest length (the form is a choice).
TEXTS = {
    "organisation": ("Företag eller organisation", True, 200),
    "participants": ("Deltagare", True, 2000),
    "purpose": ("Syfte", True, MAX_TEXT),
    "benefits": ("Erbjudet eller betalt", False, MAX_TEXT),
    "documented_in": ("Var kontakten är dokumenterad", True, 300),
}


def record_industry_contact(
    session: so.Session,
    acting_user: User,
    measure: Measure,
    data: ContactInput,
    *,
    today: date | None = None,
) -> IndustryContact:
    """Document one contact with industry on a measure or proposal (seed 004)."""
    require_editor(acting_user)
    require_measure_clearance(acting_user, measure, PROPOSAL_WORDING)
    today = today or date.today()
    errors = Errors()
    contacted_on = errors.date_value(
        "contacted_on", data.contacted_on, label="Datum", required=True
    )
    if contacted_on is not None and contacted_on > today:
        errors.add("contacted_on", N_("En kontakt kan inte registreras innan den har ägt rum."))
    clean = {
        name: errors.text(
            name, getattr(data, name), label=label, required=required, max_length=limit
        )
        for name, (label, required, limit) in TEXTS.items()
    }
    clean["form"] = errors.choice("form", data.form or None, CONTACT_FORMS, label="Form")
    principles = [p for p in dict.fromkeys(data.principles) if p]
    unknown = [p for p in principles if p not in PRINCIPLES]
    if unknown:
        errors.add("principles", N_("Okänd princip: %(items)s.", items=", ".join(unknown)))
    errors.raise_if_any()
    contact = IndustryContact(
        measure_id=measure.id,
        contacted_on=contacted_on,
        principles=[p for p in PRINCIPLES if p in principles],
        created_by_id=acting_user.id,
        **clean,
    )
    return add_audited(session, acting_user, contact, confidential=measure.confidential)
