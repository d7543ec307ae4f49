"""The content a closed round keeps: every capability's approved assessment, links, measures
and responsibilities as canonical data (never drafts), and the register's like it now."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    ACTIVE_MEASURE_STATES,
    NOT_STARTED,
    Actor,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    DiaryNumber,
    MainGroup,
    Measure,
    MeasureCapability,
    ReportingRound,
    Responsibility,
    RoundEntry,
    RoundSnapshot,
    StatusAssessment,
    User,
)
from capabilities.queries.register import current_assessments

SNAPSHOT_FORMAT = 1


def iso_text(value: date | datetime | None) -> str | None:
    """A date or time as ISO text, as the snapshot and the JSON outputs write it."""
    return value.isoformat() if value is not None else None


def _structure(session: so.Session, *, reference_date: date | None) -> dict[int, dict[str, Any]]:
    """Capabilities with their links as they stand now, keyed by id, in register order."""
    query = (
        sa.select(Capability, Area, MainGroup)
        .join(Area, Area.id == Capability.area_id)
        .join(MainGroup, MainGroup.id == Area.main_group_id)
        .order_by(Capability.sort_key)
    )
    if reference_date is not None:
        query = query.where(
            sa.or_(Capability.retired_on.is_(None), Capability.retired_on > reference_date)
        )
    else:
        query = query.where(Capability.retired_on.is_(None))
    caps: dict[int, dict[str, Any]] = {}
    for capability, area, group in session.execute(query):
        caps[capability.id] = {
            "number": capability.number,
            "title": capability.title,
            "area": {"number": area.number, "title": area.title},
            "main_group": {"number": group.number, "title": group.title},
            "assignments": [],
            "measures": [],
            "responsibilities": [],
        }
    dnrs: dict[int, list[str]] = defaultdict(list)
    for assignment_id, number in session.execute(
        sa.select(DiaryNumber.assignment_id, DiaryNumber.number).order_by(
            DiaryNumber.assignment_id, DiaryNumber.position
        )
    ):
        dnrs[assignment_id].append(number)
    for link, title in session.execute(
        sa.select(CapabilityAssignment, Assignment.title)
        .join(Assignment, Assignment.id == CapabilityAssignment.assignment_id)
        .where(CapabilityAssignment.removed_at.is_(None))
        .order_by(CapabilityAssignment.assignment_id)
    ):
        if link.capability_id in caps:
            caps[link.capability_id]["assignments"].append(
                {
                    "id": link.assignment_id,
                    "title": title,
                    "dnrs": dnrs[link.assignment_id],
                    "partial": link.partial,
                }
            )
    for capability_id, measure in session.execute(
        sa.select(MeasureCapability.capability_id, Measure)
        .join(Measure, Measure.id == MeasureCapability.measure_id)
        .where(MeasureCapability.removed_at.is_(None))
        .order_by(Measure.id)
    ):
        if capability_id in caps:
            caps[capability_id]["measures"].append(
                {
                    "id": measure.id,
                    "title": measure.title,
                    "state": measure.state,
                    "active": measure.state in ACTIVE_MEASURE_STATES,
                    "confidential": measure.confidential,
                }
            )
    for capability_id, name, role in session.execute(
        sa.select(Responsibility.capability_id, Actor.name, Responsibility.role)
        .join(Actor, Actor.id == Responsibility.actor_id)
        .where(Responsibility.removed_at.is_(None))
        .order_by(Responsibility.role, Actor.name)
    ):
        if capability_id in caps:
            caps[capability_id]["responsibilities"].append({"actor": name, "role": role})
    return caps


def _assessment_json(
    source: RoundEntry | StatusAssessment, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "level": source.level,
        "target_level": source.target_level,
        "summary": source.summary,
        "justification": source.justification,
        "confidential": source.confidential,
        "secrecy_ref": source.secrecy_ref,
    } | (extra or {})


def round_snapshot_data(session: so.Session, round_: ReportingRound) -> dict[str, Any]:
    """The content frozen when a round closes: every capability's approved assessment (or its
    state, never a draft), links, measures and responsibilities as they stood. JSON-ready."""
    caps = _structure(session, reference_date=round_.reference_date)
    users = dict(session.execute(sa.select(User.id, User.display_name)).all())
    entries = {
        e.capability_id: e
        for e in session.scalars(
            sa.select(RoundEntry)
            .where(RoundEntry.round_id == round_.id)
            .options(so.selectinload(RoundEntry.approvals))
        )
    }
    capabilities = []
    for capability_id, data in caps.items():
        entry = entries.get(capability_id)
        state = entry.state if entry else NOT_STARTED
        assessment = None
        if entry is not None and entry.state == "fastställd":
            approval = [a for a in entry.approvals if a.decision == "fastställd"][-1]
            assessment = _assessment_json(
                entry,
                {
                    "content_version": approval.content_version,
                    "content_sha256": approval.content_sha256,
                    "submitted_by": users.get(entry.submitted_by_id or 0),
                    "approved_by": users.get(approval.reviewer_id),
                    "approved_at": iso_text(approval.decided_at),
                    "approval_comment": approval.comment,
                },
            )
        capabilities.append(data | {"state": state, "assessment": assessment})
    return {
        "format": SNAPSHOT_FORMAT,
        "round": {
            "id": round_.id,
            "name": round_.name,
            "reference_date": iso_text(round_.reference_date),
            "deadline": iso_text(round_.deadline),
            "opened_at": iso_text(round_.opened_at),
            "closed_at": iso_text(round_.closed_at),
            "closed_by": users.get(round_.closed_by_id or 0),
        },
        "capabilities": capabilities,
    }


def current_register_data(session: so.Session) -> dict[str, Any]:
    """The register as it stands now, in the snapshot's shape (for comparisons)."""
    caps = _structure(session, reference_date=None)
    current = current_assessments()
    for assessment in session.scalars(
        sa.select(StatusAssessment).join(current, current.c.id == StatusAssessment.id)
    ):
        if assessment.capability_id in caps:
            caps[assessment.capability_id]["assessment"] = _assessment_json(assessment)
    return {
        "format": SNAPSHOT_FORMAT,
        "round": None,
        "capabilities": [
            data | {"state": "aktuell", "assessment": data.get("assessment")}
            for data in caps.values()
        ],
    }


def snapshot_data(session: so.Session, snap: RoundSnapshot) -> dict[str, Any]:
    """A snapshot's content as it is shown: the frozen text with today's markings.

    Secrecy is judged when content is shown, not when it was frozen. A measure is confidential
    in the result if it was when the round closed or is now (as in history: a record marked
    confidential hides all its earlier content too), so the one redaction rule hides the
    title of a measure marked after closing. Only the parsed copy changes; the stored text
    and its hash are never touched. Assessments need no such look-up: a snapshot holds
    approved round entries, which cannot change once the round is closed.
    """
    data: dict[str, Any] = json.loads(snap.content)
    secret_now = set(session.scalars(sa.select(Measure.id).where(Measure.confidential)))
    for capability in data["capabilities"]:
        for measure in capability["measures"]:
            measure["confidential"] = bool(measure.get("confidential")) or (
                measure["id"] in secret_now
            )
    return data
