"""Procurement proposals (seed 000) and industry contacts (seed 004).

A proposal is a measure of its own kind: `create_proposal` creates the Measure (title,
description, capabilities, confidentiality) through the measure service and the proposal row with
the guidance's answers beside it. The process moves only along seed 000's path, one recorded
decision at a time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import ValidationFailed
from capabilities.guidance import REGIONS, unanswered_questions
from capabilities.i18n import N_
from capabilities.models import (
    DECIDING_BODIES,
    NEXT_STAGES,
    Measure,
    ProcurementProposal,
    ProposalStep,
    User,
)
from capabilities.models.procurement import NSG, PROCURING_BODIES
from capabilities.services.base import (
    Errors,
    add_audited,
    audit,
    check_version,
    flush_versioned,
    require_editor,
    snapshot,
)
from capabilities.services.measures import (
    PROPOSAL_WORDING,
    MeasureInput,
    create_measure,
    require_measure_clearance,
    update_measure,
    validate_measure,
)
from capabilities.services.proposal_answers import ProposalInput, StepInput, check_answers

# The measure's state follows the proposal into the procurement and out of the process.
MEASURE_STATE_FOR_STAGE = {"upphandling": "pågående", "avtal": "genomförd", "avslutat": "avförd"}
STAGE_NAMES = {
    "forslag": "NPO/NAG:s förslag",
    "inkopsfunktion": "inköpsfunktionens bedömning",
    "mtp_nsg": "MTP-rådet/NSG",
    "halsoekonomi": "hälsoekonomisk utvärdering och rekommendation",
    "upphandling": "upphandling",
    "avtal": "avtal",
    "avslutat": "avslutat utan upphandling",
}


def _all_valid(session: so.Session, data: ProposalInput) -> dict[str, Any]:
    """The answers, after checking them and the measure's fields together: one message list."""
    problems: dict[str, list[str]] = {}
    answers: dict[str, Any] = {}
    try:
        answers = check_answers(data)
    except ValidationFailed as exc:
        problems.update(exc.errors)
    try:
        validate_measure(session, _measure_fields(data), PROPOSAL_WORDING)
    except ValidationFailed as exc:
        problems = exc.errors | problems
    if problems:
        raise ValidationFailed(problems)
    return answers


def _measure_fields(data: ProposalInput, measure: Measure | None = None) -> MeasureInput:
    """The proposal's measure: the fields the proposal form edits over the measure's others."""
    return replace(
        MeasureInput() if measure is None else MeasureInput.of(measure),
        title=data.title,
        description=data.description,
        confidential=data.confidential,
        secrecy_ref=data.secrecy_ref,
        capability_ids=list(data.capability_ids),
    )


def create_proposal(
    session: so.Session, acting_user: User, data: ProposalInput
) -> ProcurementProposal:
    """Create the measure and its proposal; answers may be filled in later."""
    require_editor(acting_user)
    answers = _all_valid(session, data)
    measure = create_measure(session, acting_user, _measure_fields(data))
    proposal = ProcurementProposal(measure_id=measure.id, created_by_id=acting_user.id, **answers)
    return add_audited(session, acting_user, proposal, confidential=measure.confidential)


def update_proposal(
    session: so.Session,
    acting_user: User,
    proposal: ProcurementProposal,
    data: ProposalInput,
    *,
    expected_version: int | None,
) -> ProcurementProposal:
    """Update the measure's fields and the answers; refuse a stale version."""
    require_editor(acting_user)
    require_measure_clearance(acting_user, proposal.measure, PROPOSAL_WORDING)
    check_version(proposal, expected_version, "Förslaget")
    answers = _all_valid(session, data)
    update_measure(
        session,
        acting_user,
        proposal.measure,
        _measure_fields(data, proposal.measure),
        expected_version=proposal.measure.version,
    )
    before = snapshot(proposal)
    for key, value in answers.items():
        setattr(proposal, key, value)
    proposal.updated_at = utcnow()
    flush_versioned(session, "Förslaget")
    after = snapshot(proposal)
    if {k: v for k, v in before.items() if k not in ("version", "updated_at")} != {
        k: v for k, v in after.items() if k not in ("version", "updated_at")
    }:
        audit(
            session,
            acting_user,
            proposal,
            "update",
            before=before,
            after=after,
            confidential=proposal.measure.confidential,
        )
        session.flush()
    return proposal


def advance_proposal(
    session: so.Session,
    acting_user: User,
    proposal: ProcurementProposal,
    data: StepInput,
    *,
    expected_version: int | None,
    today: date | None = None,
) -> ProposalStep:
    """Record a decision and move the proposal one step along seed 000's path."""
    require_editor(acting_user)
    require_measure_clearance(acting_user, proposal.measure, PROPOSAL_WORDING)
    check_version(proposal, expected_version, "Förslaget")
    today = today or date.today()
    errors = Errors()
    allowed = NEXT_STAGES[proposal.stage]
    to_stage = errors.choice("to_stage", data.to_stage or None, allowed, label="Nästa steg")
    decided_on = errors.date_value(
        "decided_on", data.decided_on, label="Beslutsdatum", required=True
    )
    decided_by = errors.choice(
        "decided_by", data.decided_by or None, DECIDING_BODIES, label="Beslutad av"
    )
    decision = errors.text("decision", data.decision, label="Beslut", required=True)
    steps = list(proposal.steps)
    if decided_on is not None:
        if decided_on > today:
            errors.add("decided_on", N_("Beslutsdatum kan inte ligga i framtiden."))
        elif steps and decided_on < steps[-1].decided_on:
            errors.add(
                "decided_on",
                N_(
                    "Beslutsdatum kan inte vara före föregående beslut (%(decided_on)s).",
                    decided_on=steps[-1].decided_on.isoformat(),
                ),
            )
    if to_stage == "inkopsfunktion":
        missing = unanswered_questions(proposal)
        if missing:
            errors.add(
                "to_stage",
                N_(
                    "Förslaget kan inte lämnas till MTP-rådets inköpsfunktion förrän alla tio "
                    "frågor är besvarade. Obesvarade: %(items)s.",
                    items=", ".join(map(str, missing)),
                ),
            )
    procuring_body = procuring_region = None
    if to_stage == "upphandling":
        procuring_body = errors.choice(
            "procuring_body",
            data.procuring_body or None,
            PROCURING_BODIES,
            label="Upphandlande organisation",
        )
        if procuring_body == "region":
            procuring_region = errors.choice(
                "procuring_region", data.procuring_region or None, REGIONS, label="Region"
            )
        nsg_decided = decided_by == NSG or any(s.decided_by == NSG for s in steps)
        if procuring_body in ("adda", "inera") and not nsg_decided:
            name = "Adda inköpscentral" if procuring_body == "adda" else "Inera"
            errors.add(
                "procuring_body",
                N_(
                    "%(name)s kan genomföra en nationell upphandling först efter beslut i "
                    "Nationella samverkansgruppen för Läkemedel och medicinteknik (NSG). "
                    "Registrera NSG:s beslut först, eller låt en region genomföra upphandlingen.",
                    name=name,
                ),
            )
    errors.raise_if_any()
    assert to_stage is not None and decided_on is not None and decided_by is not None
    before = snapshot(proposal)
    step = ProposalStep(
        proposal_id=proposal.id,
        from_stage=proposal.stage,
        to_stage=to_stage,
        decided_on=decided_on,
        decided_by=decided_by,
        decision=decision or "",
        recorded_by_id=acting_user.id,
    )
    proposal.stage = to_stage
    if to_stage == "upphandling":
        proposal.procuring_body = procuring_body
        proposal.procuring_region = procuring_region
    proposal.updated_at = utcnow()
    flush_versioned(session, "Förslaget")
    session.add(step)
    new_state = MEASURE_STATE_FOR_STAGE.get(to_stage)
    if new_state and proposal.measure.state != new_state:
        update_measure(
            session,
            acting_user,
            proposal.measure,
            replace(MeasureInput.of(proposal.measure), state=new_state),
            expected_version=proposal.measure.version,
        )
    session.flush()
    audit(
        session,
        acting_user,
        proposal,
        "step",
        before=before,
        after=snapshot(proposal) | {"step": snapshot(step)},
        confidential=proposal.measure.confidential,
    )
    session.flush()
    session.expire(proposal, ["steps"])
    return step


def proposal_for_measure(session: so.Session, measure_id: int) -> ProcurementProposal | None:
    return session.scalars(
        sa.select(ProcurementProposal).where(ProcurementProposal.measure_id == measure_id)
    ).first()
