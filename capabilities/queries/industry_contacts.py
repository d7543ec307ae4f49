"""Contacts with industry (seed 004) on a measure or proposal, as the documentation principle
asks them to be recorded; a contact on a confidential measure is read only with clearance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored
from capabilities.guidance import PRINCIPLES
from capabilities.models import (
    IndustryContact,
    Measure,
    ProcurementProposal,
)
from capabilities.queries.lookup import one_or_not_found
from capabilities.redaction import is_hidden

CONTACT_FORM_TEXT = {"mote": "möte", "digitalt_mote": "digitalt möte", "skriftlig": "skriftlig"}


@dataclass(frozen=True)
class ContactView:
    id: int
    contacted_on: date
    organisation: str
    participants: str
    form: str
    purpose: str
    benefits: str | None
    documented_in: str
    principles: tuple[str, ...]
    missing_principles: tuple[str, ...]
    recorded_by: str


# A contact's view shows these as they are stored; form, principles and author as text.
CONTACT_FIELDS = (
    "id",
    "contacted_on",
    "organisation",
    "participants",
    "purpose",
    "benefits",
    "documented_in",
)


def contact_views(contacts: list[IndustryContact]) -> tuple[ContactView, ...]:
    return tuple(
        ContactView(
            **stored(c, CONTACT_FIELDS),
            form=CONTACT_FORM_TEXT[c.form],
            principles=tuple(PRINCIPLES[p] for p in c.principles),
            missing_principles=tuple(v for k, v in PRINCIPLES.items() if k not in c.principles),
            recorded_by=c.created_by.display_name,
        )
        for c in contacts
    )


def industry_contacts(
    session: so.Session, measure_id: int, *, can_see_confidential: bool
) -> tuple[ContactView, ...] | None:
    """A measure's contacts, oldest first; None when the measure is hidden from the viewer."""
    measure = one_or_not_found(
        session, Measure, measure_id, f"Åtgärd med id {measure_id} finns inte."
    )
    if is_hidden(measure.confidential, can_see_confidential):
        return None
    contacts = session.scalars(
        sa.select(IndustryContact)
        .where(IndustryContact.measure_id == measure_id)
        .options(so.joinedload(IndustryContact.created_by))
        .order_by(IndustryContact.contacted_on, IndustryContact.id)
    ).all()
    return contact_views(list(contacts))


@dataclass(frozen=True)
class ContactRow:
    """An industry contact with the measure or proposal it belongs to, for exports."""

    measure_id: int
    measure_title: str
    proposal_id: int | None
    contact: ContactView


def industry_contact_rows(session: so.Session, *, can_see_confidential: bool) -> list[ContactRow]:
    """Every contact on a measure the viewer may read, by date (two queries).

    Contacts on a confidential measure are left out for a viewer without clearance: a contact's
    organisation and purpose would reveal what the measure is about.
    """
    contacts = session.scalars(
        sa.select(IndustryContact)
        .options(so.joinedload(IndustryContact.created_by))
        .order_by(IndustryContact.contacted_on, IndustryContact.id)
    ).all()
    measure_ids = {c.measure_id for c in contacts}
    if not measure_ids:
        return []
    measures = {
        m.id: (m, proposal_id)
        for m, proposal_id in session.execute(
            sa.select(Measure, ProcurementProposal.id)
            .outerjoin(ProcurementProposal, ProcurementProposal.measure_id == Measure.id)
            .where(Measure.id.in_(measure_ids))
        )
    }
    readable = [
        c
        for c in contacts
        if not is_hidden(measures[c.measure_id][0].confidential, can_see_confidential)
    ]
    return [
        ContactRow(c.measure_id, measures[c.measure_id][0].title, measures[c.measure_id][1], view)
        for c, view in zip(readable, contact_views(readable), strict=True)
    ]
