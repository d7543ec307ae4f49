"""Bring an existing install's seeded reference data up to data/ where no user has touched it.

`formaga seed` only inserts missing reference rows, so an install seeded before issue 10 keeps
every assignment `pågående`, links dated by the seed run, the split "Regioner"/"Kommuner" and so
on. This pass corrects such rows, but only where users cannot have meant otherwise:

- an assignment's status, dnrs (printed form, per-dnr partial), recipients and decision date
  follow data/ while no one but the system user has an audit event on the assignment;
- reports and milestones the data gives are added when missing (matched by reference, and by
  due date + kind); a milestone still open is closed when the data records its delivery;
- Bilaga 3 links the system added keep their row; their citation as printed is filled in, and
  their start is moved back to the report's date;
- the actors "Regioner" → "Regioner och kommuner" and "Nato" → "Partnerskap för fred och Nato"
  are renamed while unedited; an unedited, unreferenced "Kommuner" is retired.

Every correction is audited as `seed_update` by the system user. Running it again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    Actor,
    Assignment,
    AssignmentRecipient,
    AuditEvent,
    CapabilityAssignment,
    Responsibility,
    User,
)
from capabilities.services.base import audit, snapshot
from importers.seed_rows import diary_numbers, milestone, recipients, report

RENAMED_ACTORS = {"Regioner": "Regioner och kommuner", "Nato": "Partnerskap för fred och Nato"}
MERGED_ACTOR = "Kommuner"


def _edited_by_users(session: so.Session, system: User, table: str) -> set[int]:
    """Ids of rows of `table` that someone other than the system user has an audit event on."""
    return set(
        session.scalars(
            sa.select(AuditEvent.entity_id).where(
                AuditEvent.entity_type == table,
                AuditEvent.user_id != system.id,
                AuditEvent.entity_id.is_not(None),
            )
        )
    )


def _state(assignment: Assignment) -> dict[str, Any]:
    return {
        "status": assignment.status,
        "status_source": assignment.status_source,
        "decided_on": assignment.decided_on,
        "decided_printed": assignment.decided_printed,
        "dnrs": [(d.number, d.printed, d.is_partial) for d in assignment.diary_numbers],
        "recipients": sorted((r.actor_id, r.is_lead, r.role) for r in assignment.recipients),
    }


def correct_assignments(
    session: so.Session,
    system: User,
    rows: list[dict[str, Any]],
    assignments: dict[str, Assignment],
    actors: dict[str, Actor],
    counts: Counter[str],
) -> None:
    edited = _edited_by_users(session, system, "assignments")
    for row in rows:
        assignment = assignments[row["key"]]
        before = snapshot(assignment) | {"dnrs": assignment.dnrs}
        changed = False
        if assignment.id not in edited:
            wanted_dnrs = diary_numbers(row)
            wanted_recipients = recipients(row, actors)
            wanted = {
                "status": row["status"],
                "status_source": row.get("status_source"),
                "decided_on": assignment.decided_on or row.get("decided_on"),
                "decided_printed": assignment.decided_printed or row.get("decided_printed"),
                "dnrs": [(d.number, d.printed, d.is_partial) for d in wanted_dnrs],
                "recipients": sorted((r.actor_id, r.is_lead, r.role) for r in wanted_recipients),
            }
            current = _state(assignment)
            if wanted != current:
                for name in ("status", "status_source", "decided_on", "decided_printed"):
                    setattr(assignment, name, wanted[name])
                if wanted["dnrs"] != current["dnrs"]:
                    assignment.diary_numbers.clear()
                    session.flush()
                    assignment.diary_numbers.extend(wanted_dnrs)
                if wanted["recipients"] != current["recipients"]:
                    assignment.recipients.clear()
                    session.flush()
                    assignment.recipients.extend(wanted_recipients)
                changed = True
        changed = (
            _correct_reports(session, assignment, row, untouched=assignment.id not in edited)
            or changed
        )
        by_due = {(m.due_on, m.kind): m for m in assignment.milestones}
        for entry in row["milestones"]:
            found = by_due.get((entry["due_on"], entry["kind"]))
            if found is None:
                assignment.milestones.append(milestone(entry))
                changed = True
            elif not found.is_done and entry.get("done_on") is not None:
                found.is_done, found.done_on, found.confirmed = True, entry["done_on"], True
                found.report_reference = found.report_reference or entry.get("report_reference")
                changed = True
            if found is not None and found.source is None and entry.get("source"):
                found.source = entry["source"]
                changed = True
        if changed:
            session.flush()
            after = snapshot(assignment) | {"dnrs": assignment.dnrs}
            audit(session, system, assignment, "seed_update", before=before, after=after)
            counts["assignments corrected"] += 1


def _correct_reports(
    session: so.Session, assignment: Assignment, row: dict[str, Any], *, untouched: bool
) -> bool:
    """Add the reports the data gives; on a row nobody edited also correct a report's final flag
    and remove one the data has moved elsewhere (reports come only from the seeds: no page or
    command adds them). True when something changed."""
    changed = False
    wanted = {entry["reference"]: entry for entry in row["reports"]}
    for existing in list(assignment.reports):
        entry = wanted.get(existing.reference)
        if entry is None and untouched:
            assignment.reports.remove(existing)
            changed = True
        elif entry is not None and untouched and existing.is_final != bool(entry.get("final")):
            existing.is_final = bool(entry.get("final"))
            changed = True
    references = {r.reference for r in assignment.reports}
    for entry in row["reports"]:
        if entry["reference"] not in references:
            assignment.reports.append(report(entry, len(assignment.reports)))
            changed = True
    if changed:
        session.flush()
    return changed


def correct_links(
    session: so.Session,
    system: User,
    cited: dict[tuple[int, int], str | None],
    dated: datetime | None,
    counts: Counter[str],
) -> None:
    """Fill in Bilaga 3 citations and date the system's links from the report."""
    links = session.scalars(
        sa.select(CapabilityAssignment).where(CapabilityAssignment.added_by_id == system.id)
    )
    for link in links:
        key = (link.capability_id, link.assignment_id)
        if key not in cited:
            continue
        before = snapshot(link)
        if link.cited_as is None and cited[key]:
            link.cited_as = cited[key]
        if dated is not None and link.added_at > dated:
            link.added_at = dated
        after = snapshot(link)
        if after != before:
            session.flush()
            audit(
                session,
                system,
                link,
                "seed_update",
                before=before,
                after=after,
                capability_id=link.capability_id,
            )
            counts["links corrected"] += 1


def correct_actors(
    session: so.Session, system: User, actors: dict[str, Actor], counts: Counter[str]
) -> None:
    """Rename and merge actors as Bilaga 2 prints them; `actors` (name → row) is updated."""
    edited = _edited_by_users(session, system, "actors")
    for old, new in RENAMED_ACTORS.items():
        actor = actors.get(old)
        if actor is None or new in actors or actor.id in edited:
            continue
        before = snapshot(actor)
        actor.name = new
        session.flush()
        audit(session, system, actor, "seed_update", before=before, after=snapshot(actor))
        actors[new] = actors.pop(old)
        counts["actors corrected"] += 1
    merged = actors.get(MERGED_ACTOR)
    if merged is None or merged.retired_on is not None or merged.id in edited:
        return
    in_use = session.scalar(
        sa.select(sa.func.count())
        .select_from(Responsibility)
        .where(Responsibility.actor_id == merged.id)
    ) or session.scalar(
        sa.select(sa.func.count())
        .select_from(AssignmentRecipient)
        .where(AssignmentRecipient.actor_id == merged.id)
    )
    users = session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.organisation_id == merged.id)
    )
    if in_use or users:
        return
    before = snapshot(merged)
    merged.retired_on = date.today()
    session.flush()
    audit(session, system, merged, "seed_update", before=before, after=snapshot(merged))
    counts["actors corrected"] += 1
