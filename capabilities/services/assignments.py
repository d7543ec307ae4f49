"""Government assignments: create/update (versioned), diary numbers, milestones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored
from capabilities.dnr import DnrError, parse_dnr_list
from capabilities.errors import ValidationFailed
from capabilities.i18n import N_
from capabilities.models import (
    ASSIGNMENT_STATUSES,
    MILESTONE_KINDS,
    Actor,
    Assignment,
    AssignmentRecipient,
    DiaryNumber,
    Milestone,
    User,
)
from capabilities.services.base import (
    MAX_TITLE,
    Errors,
    add_audited,
    audit,
    change_audited,
    check_version,
    flush_versioned,
    require_admin,
    require_editor,
    snapshot,
)

FIELDS = ("title", "description", "decided_on", "url", "status")


@dataclass(frozen=True)
class AssignmentInput:
    """An assignment as a form, the seed or a test gives it; the service parses and checks.

    `dnrs` is the diary numbers as typed ("S2022/03178, S2021/02921 (delvis)") or a list of
    them; the lead is added to the recipients when missing.
    """

    title: str | None = None
    description: str | None = None
    decided_on: str | date | None = None
    url: str | None = None
    status: str | None = None
    dnrs: str | Sequence[str] | None = None
    recipient_ids: Sequence[int | str] = ()
    lead_actor_id: int | str | None = None

    @classmethod
    def of(cls, assignment: Assignment) -> AssignmentInput:
        """The assignment as stored: change a few fields with dataclasses.replace."""
        return cls(
            **stored(assignment, FIELDS),
            dnrs=", ".join(d.printed or d.number for d in assignment.diary_numbers),
            recipient_ids=[r.actor_id for r in assignment.recipients],
            lead_actor_id=next((r.actor_id for r in assignment.recipients if r.is_lead), None),
        )


def _validate(session: so.Session, data: AssignmentInput) -> dict[str, Any]:
    errors = Errors()
    clean: dict[str, Any] = {
        "title": errors.text(
            "title", data.title, label="Titel", required=True, max_length=MAX_TITLE * 3
        ),
        "description": errors.text("description", data.description, label="Beskrivning"),
        "decided_on": errors.date_value("decided_on", data.decided_on, label="Beslutsdatum"),
        "url": errors.text("url", data.url, label="Länk", max_length=500),
        "status": errors.choice(
            "status", data.status or "pågående", ASSIGNMENT_STATUSES, label="Status"
        ),
    }
    if clean["url"] and not clean["url"].startswith(("https://", "http://")):
        errors.add("url", N_("Länken ska börja med https:// eller http://."))
    dnr_text = (
        data.dnrs if data.dnrs is None or isinstance(data.dnrs, str) else ", ".join(data.dnrs)
    )
    clean["dnrs"] = []
    if dnr_text and dnr_text.strip():
        try:
            clean["dnrs"] = parse_dnr_list(dnr_text)
        except DnrError as exc:
            errors.add("dnrs", exc.message)
    recipient_ids = [int(i) for i in data.recipient_ids or []]
    lead_id = data.lead_actor_id
    lead = int(lead_id) if lead_id not in (None, "") else None
    if lead is not None and lead not in recipient_ids:
        recipient_ids.insert(0, lead)
    if recipient_ids:
        found = set(session.scalars(sa.select(Actor.id).where(Actor.id.in_(recipient_ids))))
        if missing := [i for i in recipient_ids if i not in found]:
            errors.add(
                "recipient_ids",
                N_("Okänd aktör (id %(items)s).", items=", ".join(map(str, missing))),
            )
    clean["recipient_ids"] = list(dict.fromkeys(recipient_ids))
    clean["lead_actor_id"] = lead
    errors.raise_if_any()
    return clean


def _full_snapshot(assignment: Assignment) -> dict[str, Any]:
    data = snapshot(assignment)
    data["dnrs"] = [dn.printed or dn.number for dn in assignment.diary_numbers]
    data["recipients"] = sorted((r.actor_id, r.is_lead, r.role) for r in assignment.recipients)
    return data


def _apply(assignment: Assignment, clean: dict[str, Any]) -> None:
    if clean["status"] != assignment.status:
        # the stated source backed the old status, not the one a user now records
        assignment.status_source = None
    for key in FIELDS:
        setattr(assignment, key, clean[key])
    wanted = [(p.number, p.printed, p.is_partial) for p in clean["dnrs"]]
    current = [(d.number, d.printed, d.is_partial) for d in assignment.diary_numbers]
    if wanted != current:
        assignment.diary_numbers = [
            DiaryNumber(number=n, printed=pr, is_partial=part, position=i)
            for i, (n, pr, part) in enumerate(wanted)
        ]
    roles = {r.actor_id: r.role for r in assignment.recipients}
    wanted_recipients = [
        (a, a == clean["lead_actor_id"], roles.get(a, "mottagare")) for a in clean["recipient_ids"]
    ]
    current_recipients = [(r.actor_id, r.is_lead, r.role) for r in assignment.recipients]
    if sorted(wanted_recipients) != sorted(current_recipients):
        assignment.recipients = [
            AssignmentRecipient(actor_id=a, is_lead=lead, role=role)
            for a, lead, role in wanted_recipients
        ]


def create_assignment(session: so.Session, user: User, data: AssignmentInput) -> Assignment:
    require_editor(user)
    clean = _validate(session, data)
    assignment = Assignment()
    _apply(assignment, clean)
    return add_audited(session, user, assignment, after=_full_snapshot)


def update_assignment(
    session: so.Session,
    user: User,
    assignment: Assignment,
    data: AssignmentInput,
    *,
    expected_version: int,
) -> Assignment:
    require_editor(user)
    check_version(assignment, expected_version, "Uppdraget")
    clean = _validate(session, data)
    before = _full_snapshot(assignment)
    _apply(assignment, clean)
    after = _full_snapshot(assignment)
    if before == after:
        return assignment
    _touch(assignment)
    flush_versioned(session, "Uppdraget")
    audit(session, user, assignment, "update", before=before, after=_full_snapshot(assignment))
    session.flush()
    return assignment


def _touch(assignment: Assignment) -> None:
    """Mark the row itself dirty so its version bumps even when only child rows changed."""
    so.attributes.flag_modified(assignment, "title")


def add_milestone(
    session: so.Session,
    user: User,
    assignment: Assignment,
    *,
    due_on: Any,
    kind: str,
    report_reference: str | None = None,
) -> Milestone:
    require_editor(user)
    errors = Errors()
    due = errors.date_value("due_on", due_on, label="Datum", required=True)
    kind_value = errors.choice("kind", kind, MILESTONE_KINDS, label="Typ")
    ref = errors.text("report_reference", report_reference, label="Rapportreferens")
    errors.raise_if_any()
    milestone = Milestone(
        assignment_id=assignment.id, due_on=due, kind=kind_value, report_reference=ref
    )
    return add_audited(session, user, milestone)


def complete_milestone(
    session: so.Session,
    user: User,
    milestone: Milestone,
    *,
    done_on: Any = None,
    report_reference: str | None = None,
    today: date | None = None,
) -> Milestone:
    """Mark a delredovisning/slutredovisning as delivered on `done_on`.

    The date is asked for, never assumed: a delivery recorded as "today" for a deadline of 2023
    would be a wrong fact. It cannot lie ahead, nor before the assignment was decided.
    """
    require_editor(user)
    errors = Errors()
    today = today or date.today()
    done = errors.date_value("done_on", done_on, label="Redovisad datum", required=True)
    if done is not None and done > today:
        errors.add("done_on", N_("Redovisningsdatum kan inte ligga i framtiden."))
    assignment = milestone.assignment
    decided = assignment.decided_no_later_than()
    if done is not None and decided is not None and done < decided:
        errors.add(
            "done_on",
            N_(
                "Redovisningsdatum kan inte ligga före uppdragets beslut %(date)s.",
                date=assignment.decided_printed or decided.isoformat(),
            ),
        )
    ref = errors.text("report_reference", report_reference, label="Rapportreferens")
    errors.raise_if_any()
    values = {
        "is_done": True,
        "confirmed": True,
        "done_on": done,
        "report_reference": ref or milestone.report_reference,
    }
    return change_audited(
        session, user, milestone, values, what=None, action="complete", audit_unchanged=True
    )


def confirm_missed(session: so.Session, user: User, milestone: Milestone) -> Milestone:
    """An admin confirms that an unconfirmed seeded deadline was not met: from now on it counts
    as overdue ("Redovisning ej registrerad") like any other."""
    require_admin(user)
    if milestone.is_done or milestone.confirmed:
        raise ValidationFailed({"confirmed": [N_("Redovisningstillfället är redan bekräftat.")]})
    return change_audited(
        session,
        user,
        milestone,
        {"confirmed": True},
        what=None,
        action="confirm_missed",
        audit_unchanged=True,
    )
