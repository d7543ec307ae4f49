"""Reporting rounds: open, draft, submit, return, approve, close.

Every function takes the acting user, checks permission, validates with Swedish messages,
writes an AuditEvent (with the capability, so the step shows on the capability page) and
flushes; the caller commits once.

An approval records a normal StatusAssessment through the status service, so the register
moves on; the round keeps its own record (entry, approvals, and at closing the snapshot).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.i18n import N_
from capabilities.models import (
    Actor,
    Area,
    Capability,
    ReportingRound,
    RoundApproval,
    RoundAreaOrganisation,
    RoundEntry,
    RoundReviewer,
    RoundSnapshot,
    User,
)
from capabilities.services.assessments import _level, record_assessment, valid_levels
from capabilities.services.base import (
    MAX_SECRECY_REF,
    MAX_SHORT,
    Errors,
    audit,
    flush_versioned,
    require_admin,
    require_editor,
    snapshot,
)


def canonical_json(data: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text: the same bytes for the same data."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def open_round_of(session: so.Session) -> ReportingRound | None:
    return session.scalar(sa.select(ReportingRound).where(ReportingRound.status == "öppen"))


def _require_open(round_: ReportingRound) -> None:
    if not round_.is_open:
        raise PermissionDenied(
            N_(
                "Uppföljningsomgången ”%(name)s” är stängd och kan inte längre ändras.",
                name=round_.name,
            )
        )


def require_clearance(user: User, entry: RoundEntry) -> None:
    """A confidential entry is edited and reviewed only by users who may read it."""
    if entry.confidential and not user.can_see_confidential:
        raise PermissionDenied(
            N_(
                "Bedömningen är sekretessmarkerad. Bara användare med behörighet till "
                "sekretessmarkerade uppgifter kan ändra eller granska den."
            )
        )


def assigned_organisations(round_: ReportingRound, capability: Capability) -> list[str]:
    """Names of the organisations the round assigns the capability's area to (may be none)."""
    return sorted(
        link.actor.name for link in round_.area_organisations if link.area_id == capability.area_id
    )


def may_write(round_: ReportingRound, capability: Capability, user: User) -> bool:
    """Who writes a capability's entry: an admin, or an editor of an organisation the round
    assigns its area to; any editor when the round assigns the area to nobody."""
    if not user.can_edit:
        return False
    if user.is_admin:
        return True
    assigned = {
        link.actor_id for link in round_.area_organisations if link.area_id == capability.area_id
    }
    return not assigned or user.organisation_id in assigned


def require_area(round_: ReportingRound, capability: Capability, user: User) -> None:
    if not may_write(round_, capability, user):
        raise PermissionDenied(
            N_(
                "Området för %(number)s är tilldelat %(organisations)s i omgången. Bara dess "
                "medlemmar och administratörer kan ändra eller skicka in bedömningen.",
                number=capability.number,
                organisations=", ".join(assigned_organisations(round_, capability)),
            )
        )


def is_reviewer(round_: ReportingRound, user: User) -> bool:
    return any(r.user_id == user.id for r in round_.reviewers)


# --- opening ---------------------------------------------------------------------------------


def open_round(
    session: so.Session,
    user: User,
    *,
    name: str | None,
    reference_date: date | str | None,
    deadline: date | str | None,
    reviewer_ids: Iterable[int | str],
    area_organisations: Iterable[tuple[int, int]] = (),
) -> ReportingRound:
    """Open a round (admin). One round is open at a time."""
    require_admin(user)
    errors = Errors()
    name_text = errors.text("name", name, label="Namn", required=True, max_length=MAX_SHORT)
    reference = errors.date_value(
        "reference_date", reference_date, label="Lägesdatum", required=True
    )
    due = errors.date_value("deadline", deadline, label="Sista dag", required=True)
    if reference and due and due < reference:
        errors.add("deadline", N_("Sista dag kan inte ligga före lägesdatum."))
    if name_text and session.scalar(
        sa.select(ReportingRound.id).where(ReportingRound.name == name_text)
    ):
        errors.add(
            "name",
            N_("Det finns redan en uppföljningsomgång som heter ”%(name)s”.", name=name_text),
        )
    current = open_round_of(session)
    if current is not None:
        errors.add(
            "name",
            N_(
                "Uppföljningsomgången ”%(name)s” är redan öppen. Stäng den innan en ny öppnas.",
                name=current.name,
            ),
        )
    ids: list[int] = []
    for raw in reviewer_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            errors.add("reviewers", N_("Okänd granskare: ”%(value)s”.", value=raw))
    reviewers = list(session.scalars(sa.select(User).where(User.id.in_(ids)))) if ids else []
    found = {r.id for r in reviewers}
    for missing in sorted(set(ids) - found):
        errors.add("reviewers", N_("Användare med id %(id)s finns inte.", id=missing))
    for reviewer in reviewers:
        if not reviewer.can_edit or reviewer.is_system:
            errors.add(
                "reviewers",
                N_(
                    "%(name)s kan inte vara granskare: "
                    "granskare måste vara aktiva med rollen medlem eller admin.",
                    name=reviewer.display_name,
                ),
            )
    if not ids:
        errors.add("reviewers", N_("Välj minst en granskare."))
    pairs = sorted(set(area_organisations))
    if pairs:
        area_ids = set(
            session.scalars(sa.select(Area.id).where(Area.id.in_({a for a, _ in pairs})))
        )
        actor_ids = set(
            session.scalars(sa.select(Actor.id).where(Actor.id.in_({o for _, o in pairs})))
        )
        for area_id, actor_id in pairs:
            if area_id not in area_ids:
                errors.add("area_organisations", N_("Område med id %(id)s finns inte.", id=area_id))
            if actor_id not in actor_ids:
                errors.add(
                    "area_organisations",
                    N_("Organisation med id %(id)s finns inte.", id=actor_id),
                )
    errors.raise_if_any()
    assert name_text and reference and due

    round_ = ReportingRound(
        name=name_text,
        reference_date=reference,
        deadline=due,
        status="öppen",
        opened_by_id=user.id,
        opened_at=utcnow(),
    )
    session.add(round_)
    session.flush()
    for reviewer in sorted(reviewers, key=lambda r: r.id):
        session.add(RoundReviewer(round_id=round_.id, user_id=reviewer.id))
    for area_id, actor_id in pairs:
        session.add(RoundAreaOrganisation(round_id=round_.id, area_id=area_id, actor_id=actor_id))
    session.flush()
    audit(
        session,
        user,
        round_,
        "open",
        after=snapshot(round_)
        | {"reviewer_ids": sorted(found), "area_organisations": [list(p) for p in pairs]},
    )
    session.flush()
    session.refresh(round_)
    return round_


# --- drafting and submitting -----------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    """What a member writes for one capability in a round."""

    level: int | str | None
    summary: str | None
    target_level: int | str | None = None
    justification: str | None = None
    confidential: bool = False
    secrecy_ref: str | None = None


CONTENT_FIELDS = (
    "level",
    "target_level",
    "summary",
    "justification",
    "confidential",
    "secrecy_ref",
)


def entry_content(entry: RoundEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in CONTENT_FIELDS}


def entry_content_hash(entry: RoundEntry, capability_number: str) -> str:
    """SHA-256 of exactly what a reviewer decides on."""
    return sha256_text(
        canonical_json(
            entry_content(entry)
            | {"capability": capability_number, "content_version": entry.content_version}
        )
    )


def _validated_content(session: so.Session, data: EntryInput) -> dict[str, Any]:
    errors = Errors()
    levels = valid_levels(session)
    level = _level(errors, "level", data.level, levels, label="Nivå", required=True)
    target = _level(errors, "target_level", data.target_level, levels, label="Målnivå")
    summary = errors.text("summary", data.summary, label="Statusbeskrivning", required=True)
    justification = errors.text("justification", data.justification, label="Motivering")
    secrecy = errors.text(
        "secrecy_ref", data.secrecy_ref, label="Sekretesshänvisning", max_length=MAX_SECRECY_REF
    )
    if data.confidential and not secrecy:
        errors.add(
            "secrecy_ref",
            N_("Ange sekretesshänvisning (t.ex. OSL 18:13) för sekretessmarkerad uppgift."),
        )
    errors.raise_if_any()
    return {
        "level": level,
        "target_level": target,
        "summary": summary,
        "justification": justification,
        "confidential": bool(data.confidential),
        "secrecy_ref": secrecy,
    }


def entry_for(
    session: so.Session, round_: ReportingRound, capability: Capability
) -> RoundEntry | None:
    return session.scalar(
        sa.select(RoundEntry).where(
            RoundEntry.round_id == round_.id, RoundEntry.capability_id == capability.id
        )
    )


def save_entry(
    session: so.Session,
    user: User,
    round_: ReportingRound,
    capability: Capability,
    data: EntryInput,
    *,
    submit: bool = False,
    expected_version: int | None = None,
) -> RoundEntry:
    """Save a capability's assessment in the round as a draft, or submit it.

    Changing an approved (or submitted) entry makes it a draft again, or a new submission:
    the changed content needs a new approval. Unchanged content is not a new version.
    """
    require_editor(user)
    _require_open(round_)
    require_area(round_, capability, user)
    if capability.retired_on is not None:
        raise ValidationFailed(
            {
                "level": [
                    N_(
                        "Delförmåga %(number)s är avvecklad sedan %(day)s.",
                        number=capability.number,
                        day=capability.retired_on,
                    )
                ]
            }
        )
    content = _validated_content(session, data)
    entry = entry_for(session, round_, capability)
    if entry is not None:
        require_clearance(user, entry)
    now = utcnow()
    if entry is None:
        entry = RoundEntry(
            round_id=round_.id,
            capability_id=capability.id,
            state="utkast",
            content_version=1,
            updated_by_id=user.id,
            updated_at=now,
            **content,
        )
        session.add(entry)
        session.flush()
        before = None
        changed = True
    else:
        if expected_version is not None and entry.version != expected_version:
            raise Conflict(
                N_(
                    "Bedömningen av %(number)s i omgången har ändrats av någon annan sedan du "
                    "öppnade den (version %(mine)s, nu %(now)s). Jämför och spara igen.",
                    number=capability.number,
                    mine=expected_version,
                    now=entry.version,
                ),
                current=snapshot(entry),
            )
        before = snapshot(entry)
        changed = entry_content(entry) != content
        if not changed and not submit:
            return entry
        if not changed and entry.state in ("inskickad", "fastställd"):
            raise ValidationFailed(
                {
                    "level": [
                        N_(
                            "Bedömningen av %(number)s är redan %(state)s.",
                            number=capability.number,
                            state=entry.state,
                        )
                    ]
                }
            )
        if changed:
            for name, value in content.items():
                setattr(entry, name, value)
            entry.content_version += 1
            entry.updated_by_id = user.id
            entry.updated_at = now
        entry.state = "utkast"
        entry.approved_assessment_id = None
    if submit:
        entry.state = "inskickad"
        entry.submitted_by_id = user.id
        entry.submitted_at = now
    flush_versioned(session, "Bedömningen")
    action = "submit" if submit else "draft"
    if before is not None and before["state"] == "fastställd":
        action = "resubmit" if submit else "reopen"
    audit(
        session,
        user,
        entry,
        action,
        before=before,
        after=snapshot(entry),
        capability_id=capability.id,
        confidential=entry.confidential or bool(before and before["confidential"]),
    )
    session.flush()
    return entry


def submit_entry(
    session: so.Session, user: User, entry: RoundEntry, *, expected_version: int | None = None
) -> RoundEntry:
    """Submit a draft (or a returned entry) as it stands."""
    require_editor(user)
    _require_open(entry.round)
    require_area(entry.round, entry.capability, user)
    require_clearance(user, entry)
    if expected_version is not None and entry.version != expected_version:
        raise Conflict(
            N_("Bedömningen har ändrats av någon annan sedan du öppnade den. Ladda om sidan."),
            current=snapshot(entry),
        )
    if entry.state not in ("utkast", "återremitterad"):
        raise ValidationFailed(
            {
                "state": [
                    N_(
                        "Bara utkast och återremitterade bedömningar kan skickas in "
                        "(nu %(state)s).",
                        state=entry.state,
                    )
                ]
            }
        )
    before = snapshot(entry)
    entry.state = "inskickad"
    entry.submitted_by_id = user.id
    entry.submitted_at = utcnow()
    flush_versioned(session, "Bedömningen")
    audit(
        session,
        user,
        entry,
        "submit",
        before=before,
        after=snapshot(entry),
        capability_id=entry.capability_id,
        confidential=entry.confidential,
    )
    session.flush()
    return entry


# --- reviewing -------------------------------------------------------------------------------


def _require_reviewable(
    user: User, entry: RoundEntry, expected_content_version: int | None
) -> None:
    round_ = entry.round
    _require_open(round_)
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
        level=entry.level,
        target_level=entry.target_level,
        summary=entry.summary,
        justification=entry.justification,
        confidential=entry.confidential,
        secrecy_ref=entry.secrecy_ref,
        assessed_on=min(entry.round.reference_date, today),
        today=today,
        approved_in=entry.round,
        author=entry.updated_by,  # the member who wrote it, not the reviewer (issue 24)
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


# --- closing ---------------------------------------------------------------------------------


def close_round(session: so.Session, user: User, round_: ReportingRound) -> RoundSnapshot:
    """Freeze the round: store the canonical snapshot and its hash; no more changes."""
    from capabilities.queries.rounds import round_snapshot_data

    require_admin(user)
    _require_open(round_)
    before = snapshot(round_)
    round_.status = "stängd"
    round_.closed_by_id = user.id
    round_.closed_at = utcnow()
    flush_versioned(session, "Uppföljningsomgången")
    content = canonical_json(round_snapshot_data(session, round_))
    frozen = RoundSnapshot(
        round_id=round_.id, content=content, sha256=sha256_text(content), created_at=utcnow()
    )
    session.add(frozen)
    session.flush()
    audit(
        session,
        user,
        round_,
        "close",
        before=before,
        after=snapshot(round_) | {"snapshot_sha256": frozen.sha256},
    )
    session.flush()
    return frozen
