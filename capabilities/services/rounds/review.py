"""A reviewer returns an entry (with a comment) or approves it; an approval records an ordinary
assessment through the assessment service, so the register moves on."""

from __future__ import annotations

from datetime import date

import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.i18n import N_
from capabilities.models import (
    RoundApproval,
    RoundEntry,
    User,
)
from capabilities.services.assessments import AssessmentInput, record_assessment
from capabilities.services.base import (
    Errors,
    audit,
    flush_versioned,
    snapshot,
)
from capabilities.services.rounds.common import is_reviewer, require_clearance, require_open
from capabilities.services.rounds.entries import entry_content, entry_content_hash


def _require_reviewable(
    user: User, entry: RoundEntry, expected_content_version: int | None
) -> None:
    round_ = entry.round
    require_open(round_)
    if not user.is_active or not is_reviewer(round_, user):
        raise PermissionDenied(
            N_(
                "Bara granskare i uppföljningsomgången ”%(name)s” kan fastställa eller "
                "återremittera bedömningar.",
                name=round_.name,
            )
        )
    require_clearance(user, entry)
    if entry.state != "inskickad":
        raise ValidationFailed(
            {
                "decision": [
                    N_(
                        "Bara inskickade bedömningar kan granskas (nu %(state)s).",
                        state=entry.state,
                    )
                ]
            }
        )
    if expected_content_version is not None and entry.content_version != expected_content_version:
        raise Conflict(
            N_(
                "Bedömningen har ändrats sedan du öppnade den (version %(mine)s, nu %(now)s). "
                "Granska den nya versionen.",
                mine=expected_content_version,
                now=entry.content_version,
            ),
            current=snapshot(entry),
        )


def return_entry(
    session: so.Session,
    user: User,
    entry: RoundEntry,
    *,
    comment: str | None,
    expected_content_version: int | None = None,
) -> RoundApproval:
    """Återremittera: send a submission back to the members with the reviewer's comment."""
    _require_reviewable(user, entry, expected_content_version)
    errors = Errors()
    text = errors.text("comment", comment, label="Kommentar", required=True)
    errors.raise_if_any()
    return _decide(session, user, entry, "återremitterad", text)


def approve_entry(
    session: so.Session,
    user: User,
    entry: RoundEntry,
    *,
    comment: str | None = None,
    expected_content_version: int | None = None,
    today: date | None = None,
) -> RoundApproval:
    """Fastställ: approve the submitted version; it becomes a StatusAssessment in the register."""
    _require_reviewable(user, entry, expected_content_version)
    if entry.submitted_by_id == user.id:
        raise PermissionDenied(
            N_(
                "Du kan inte fastställa en bedömning som du själv har skickat in. "
                "En annan granskare måste göra det."
            )
        )
    if entry.updated_by_id == user.id:
        raise PermissionDenied(
            N_(
                "Du kan inte fastställa en bedömning vars innehåll du själv har skrivit. "
                "En annan granskare måste göra det."
            )
        )
    errors = Errors()
    text = errors.text("comment", comment, label="Kommentar")
    errors.raise_if_any()
    today = today or date.today()
    assessment = record_assessment(
        session,
        user,
        entry.capability,
        AssessmentInput(**entry_content(entry), assessed_on=min(entry.round.reference_date, today)),
        today=today,
        approved_in=entry.round,
        author=entry.updated_by,
    )
    entry.approved_assessment_id = assessment.id
    return _decide(session, user, entry, "fastställd", text)


def _decide(
    session: so.Session, user: User, entry: RoundEntry, decision: str, comment: str | None
) -> RoundApproval:
    before = snapshot(entry)
    approval = RoundApproval(
        entry_id=entry.id,
        reviewer_id=user.id,
        decided_at=utcnow(),
        decision=decision,
        comment=comment,
        content_version=entry.content_version,
        content_sha256=entry_content_hash(entry, entry.capability.number),
    )
    session.add(approval)
    entry.state = decision
    entry.return_comment = comment if decision == "återremitterad" else None
    flush_versioned(session, "Bedömningen")
    audit(
        session,
        user,
        entry,
        "approve" if decision == "fastställd" else "return",
        before=before,
        after=snapshot(entry)
        | {
            "decision": decision,
            "comment": comment,
            "approved_version": approval.content_version,
            "content_sha256": approval.content_sha256,
        },
        capability_id=entry.capability_id,
        confidential=entry.confidential,
    )
    session.flush()
    return approval
