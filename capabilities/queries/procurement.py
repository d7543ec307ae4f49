"""Read side of procurement proposals, industry contacts and commitments.

Confidential proposals are redacted here, like measures: a viewer without clearance gets the
proposal's existence and stage, never its title, answers, decisions or contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored
from capabilities.errors import NotFound
from capabilities.guidance import CATEGORIES, QUESTIONS, Question, unanswered_questions
from capabilities.ids import is_row_id
from capabilities.models import (
    IndustryContact,
    Measure,
    MeasureCapability,
    ProcurementProposal,
    ProposalStep,
)
from capabilities.queries import api_shapes_procurement as shapes
from capabilities.queries.industry_contacts import ContactView, contact_views
from capabilities.redaction import MEASURE, is_hidden, redact_record

YES_NO_TEXT = {"ja": "Ja", "nej": "Nej", "vet_ej": "Vet ej"}
PROCURING_TEXT = {"adda": "Adda inköpscentral", "inera": "Inera"}


@dataclass(frozen=True)
class Answer:
    question: Question
    lines: tuple[str, ...]  # empty when unanswered

    @property
    def answered(self) -> bool:
        return bool(self.lines)


@dataclass(frozen=True)
class CapabilityLink:
    number: str
    title: str
    reason: str | None = None


@dataclass(frozen=True)
class ProposalRow:
    id: int
    measure_id: int
    title: str | None  # None: confidential and the viewer is not cleared
    confidential: bool
    stage: str
    category: str | None
    answered: int
    procured_by: str | None
    updated_at: datetime


@dataclass(frozen=True)
class StepView:
    from_stage: str
    to_stage: str
    decided_on: date
    decided_by: str
    decision: str
    recorded_by: str
    recorded_at: datetime


# A step's view shows these as they are stored, and who recorded it by name.
STEP_FIELDS = ("from_stage", "to_stage", "decided_on", "decided_by", "decision", "recorded_at")


@dataclass(frozen=True)
class ProposalDetail:
    id: int
    measure_id: int
    version: int
    stage: str
    confidential: bool
    hidden: bool  # the viewer may not read the content
    title: str | None
    description: str | None
    secrecy_ref: str | None
    proposing_group: str | None
    category: str | None
    procured_by: str | None
    answers: tuple[Answer, ...]
    unanswered: tuple[int, ...]
    capabilities: tuple[CapabilityLink, ...]
    steps: tuple[StepView, ...]
    contacts: tuple[ContactView, ...]
    created_at: datetime
    updated_at: datetime


def procured_by(proposal: ProcurementProposal) -> str | None:
    if proposal.procuring_body == "region":
        return proposal.procuring_region
    return PROCURING_TEXT.get(proposal.procuring_body or "")


def _with_note(head: str | None, note: str | None) -> tuple[str, ...]:
    if head is None:
        return ()
    return (head, note) if note else (head,)


def answers(proposal: ProcurementProposal) -> tuple[Answer, ...]:
    """Each of the ten questions with its answer as readable lines (Swedish), in order."""
    p = proposal
    missing = set(unanswered_questions(p))
    need = (
        f"{p.expected_need_per_year:,} per år".replace(",", " ")
        if p.expected_need_per_year is not None
        else None
    )
    contract = YES_NO_TEXT.get(p.existing_contract or "")
    if contract and p.contract_ends_on:
        contract += f", avtal gäller till och med {p.contract_ends_on.isoformat()}"
    regions = p.interested_regions or []
    consulted = YES_NO_TEXT.get(p.consulted_procurement or "")
    if consulted and p.consulted_regions:
        consulted += ": " + ", ".join(p.consulted_regions)
    by_number: dict[int, tuple[str, ...]] = {
        1: _with_note(p.product, None),
        2: _with_note(f"{p.category}) {CATEGORIES[p.category]}" if p.category else None, None),
        3: _with_note(YES_NO_TEXT.get(p.consensus or ""), p.consensus_note),
        4: _with_note(
            f"{len(regions)} {'region' if len(regions) == 1 else 'regioner'}: {', '.join(regions)}"
            if regions
            else None,
            None,
        ),
        5: _with_note(contract, p.contract_note),
        6: tuple(line for line in (need, p.expected_need) if line),
        7: _with_note(p.preparedness_relevance, None),
        8: _with_note(YES_NO_TEXT.get(p.health_economic_relevance or ""), p.health_economic_note),
        9: _with_note(YES_NO_TEXT.get(p.external_health_data or ""), p.external_health_data_note),
        10: _with_note(consulted, None),
    }
    return tuple(
        Answer(q, () if q.number in missing and not by_number[q.number] else by_number[q.number])
        for q in QUESTIONS
    )


def _can_read(measure: Measure, can_see_confidential: bool) -> bool:
    """A proposal's content follows its measure's confidentiality, by the one redaction rule."""
    return not is_hidden(measure.confidential, can_see_confidential)


def proposal_rows(
    session: so.Session, *, can_see_confidential: bool, stage: str = ""
) -> list[ProposalRow]:
    """All proposals, newest first, in one query."""
    query = (
        sa.select(ProcurementProposal)
        .options(so.joinedload(ProcurementProposal.measure))
        .order_by(ProcurementProposal.updated_at.desc(), ProcurementProposal.id.desc())
    )
    if stage:
        query = query.where(ProcurementProposal.stage == stage)
    rows = []
    for p in session.scalars(query):
        readable = _can_read(p.measure, can_see_confidential)
        rows.append(
            ProposalRow(
                id=p.id,
                measure_id=p.measure_id,
                title=p.measure.title if readable else None,
                confidential=p.measure.confidential,
                stage=p.stage,
                category=p.category if readable else None,
                answered=len(QUESTIONS) - len(unanswered_questions(p)) if readable else 0,
                procured_by=procured_by(p) if readable else None,
                updated_at=p.updated_at,
            )
        )
    return rows


def proposal_details(
    session: so.Session, *, can_see_confidential: bool, proposal_ids: list[int] | None = None
) -> list[ProposalDetail]:
    """Proposals (all, or those asked for) with answers, links, decisions and contacts.

    A fixed number of queries whatever the number of proposals, steps and contacts.
    """
    query = (
        sa.select(ProcurementProposal)
        .options(
            so.joinedload(ProcurementProposal.measure)
            .selectinload(Measure.capability_links)
            .joinedload(MeasureCapability.capability),
            so.selectinload(ProcurementProposal.steps).joinedload(ProposalStep.recorded_by),
        )
        .order_by(ProcurementProposal.updated_at.desc(), ProcurementProposal.id.desc())
    )
    if proposal_ids is not None:
        query = query.where(ProcurementProposal.id.in_(proposal_ids))
    proposals = session.scalars(query).unique().all()
    readable = [p.measure_id for p in proposals if _can_read(p.measure, can_see_confidential)]
    contacts: dict[int, list[IndustryContact]] = {}
    if readable:
        for contact in session.scalars(
            sa.select(IndustryContact)
            .where(IndustryContact.measure_id.in_(readable))
            .options(so.joinedload(IndustryContact.created_by))
            .order_by(IndustryContact.contacted_on, IndustryContact.id)
        ):
            contacts.setdefault(contact.measure_id, []).append(contact)
    return [_detail(p, contacts.get(p.measure_id, []), can_see_confidential) for p in proposals]


def proposal_detail(
    session: so.Session, proposal_id: int, *, can_see_confidential: bool
) -> ProposalDetail:
    """One proposal, or NotFound."""
    if not is_row_id(proposal_id):
        raise NotFound(f"Upphandlingsförslag med id {proposal_id} finns inte.")
    found = proposal_details(
        session, can_see_confidential=can_see_confidential, proposal_ids=[proposal_id]
    )
    if not found:
        raise NotFound(f"Upphandlingsförslag med id {proposal_id} finns inte.")
    return found[0]


def _detail(
    proposal: ProcurementProposal, contacts: list[IndustryContact], can_see_confidential: bool
) -> ProposalDetail:
    measure = proposal.measure
    hidden = not _can_read(measure, can_see_confidential)
    links = sorted(
        (link.capability for link in measure.capability_links if link.removed_at is None),
        key=lambda c: c.sort_key,
    )
    return ProposalDetail(
        **stored(proposal, ("id", "version", "stage", "created_at", "updated_at")),
        measure_id=measure.id,
        confidential=measure.confidential,
        hidden=hidden,
        **redact_record(
            MEASURE,
            measure,
            ("title", "description", "secrecy_ref"),
            can_see_confidential=can_see_confidential,
        ),
        proposing_group=None if hidden else proposal.proposing_group,
        category=None if hidden else proposal.category,
        procured_by=None if hidden else procured_by(proposal),
        answers=() if hidden else answers(proposal),
        unanswered=() if hidden else tuple(unanswered_questions(proposal)),
        capabilities=() if hidden else tuple(CapabilityLink(c.number, c.title) for c in links),
        steps=()
        if hidden
        else tuple(
            StepView(**stored(s, STEP_FIELDS), recorded_by=s.recorded_by.display_name)
            for s in proposal.steps
        ),
        contacts=() if hidden else contact_views(contacts),
    )


def proposal_as_json(d: ProposalDetail) -> shapes.Proposal:
    """One proposal for the API and the CLI; only existence and stage when hidden."""
    if d.hidden:
        return {
            "id": d.id,
            "measure_id": d.measure_id,
            "stage": d.stage,
            "confidential": d.confidential,
            "title": None,
            "redacted": True,
        }
    return {
        "id": d.id,
        "measure_id": d.measure_id,
        "stage": d.stage,
        "confidential": d.confidential,
        "redacted": False,
        "title": d.title,
        "proposing_group": d.proposing_group,
        "procured_by": d.procured_by,
        "unanswered": list(d.unanswered),
        "answers": [
            {"number": a.question.number, "question": a.question.text, "answer": list(a.lines)}
            for a in d.answers
        ],
        "capabilities": [c.number for c in d.capabilities],
        "steps": [
            {
                "from": s.from_stage,
                "to": s.to_stage,
                "decided_on": s.decided_on.isoformat(),
                "decided_by": s.decided_by,
                "decision": s.decision,
            }
            for s in d.steps
        ],
        "industry_contacts": len(d.contacts),
    }
