"""Read side of reporting rounds: progress, tasks, snapshot content, history, comparison.

Every function loads in a fixed number of queries, whatever the number of capabilities.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import NotFound
from capabilities.ids import is_row_id
from capabilities.models import (
    ACTIVE_MEASURE_STATES,
    ALL_ENTRY_STATES,
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
    RoundApproval,
    RoundAreaOrganisation,
    RoundEntry,
    RoundReviewer,
    RoundSnapshot,
    StatusAssessment,
    User,
)
from capabilities.queries import api_shapes_rounds as shapes
from capabilities.queries.register import current_assessments
from capabilities.queries.scores import LevelInput, Score, ScoreChange, compare_scores, scores
from capabilities.redaction import ASSESSMENT, CONFIDENTIAL_LABEL, MEASURE, is_hidden, redact

SNAPSHOT_FORMAT = 1
MEMBER_OPEN_STATES = (NOT_STARTED, "utkast", "återremitterad")


def get_round(session: so.Session, round_id: int) -> ReportingRound:
    """The round with its reviewers and organisations, or NotFound (also for an id out of range)."""
    if not is_row_id(round_id):
        raise NotFound(f"Uppföljningsomgång med id {round_id} finns inte.")
    round_ = session.scalar(
        sa.select(ReportingRound)
        .where(ReportingRound.id == round_id)
        .options(
            so.selectinload(ReportingRound.reviewers).joinedload(RoundReviewer.user),
            so.selectinload(ReportingRound.area_organisations).joinedload(
                RoundAreaOrganisation.actor
            ),
            so.selectinload(ReportingRound.area_organisations).joinedload(
                RoundAreaOrganisation.area
            ),
            so.joinedload(ReportingRound.opened_by),
            so.joinedload(ReportingRound.closed_by),
        )
    )
    if round_ is None:
        raise NotFound(f"Uppföljningsomgång med id {round_id} finns inte.")
    return round_


def list_rounds(session: so.Session) -> list[tuple[ReportingRound, RoundSnapshot | None]]:
    """All rounds, newest first, with their snapshot when closed: one query."""
    return [
        (r, s)
        for r, s in session.execute(
            sa.select(ReportingRound, RoundSnapshot)
            .outerjoin(RoundSnapshot, RoundSnapshot.round_id == ReportingRound.id)
            .order_by(ReportingRound.opened_at.desc(), ReportingRound.id.desc())
        )
    ]


def open_round(session: so.Session) -> ReportingRound | None:
    return session.scalar(sa.select(ReportingRound).where(ReportingRound.status == "öppen"))


# --- tasks and progress ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoundTask:
    """Something a user must do in the open round: draft/submit (member) or review."""

    round_id: int
    round_name: str
    deadline: date
    capability_number: str
    capability_title: str
    state: str
    role: str  # "member" or "reviewer"
    return_comment: str | None = None
    entry_id: int | None = None
    entry_version: int | None = None  # the row version: a new return is a new reminder
    author_ids: tuple[int, ...] = ()  # who wrote and who submitted the entry

    @property
    def is_returned(self) -> bool:
        return self.state == "återremitterad"


@dataclass
class _CapRow:
    capability_id: int
    number: str
    title: str
    area_id: int
    area_number: str
    area_title: str
    entry: RoundEntry | None = None

    @property
    def state(self) -> str:
        return self.entry.state if self.entry else NOT_STARTED


def _round_rows(session: so.Session, round_: ReportingRound) -> list[_CapRow]:
    """Capabilities in the round (not retired on its reference date) with their entries."""
    rows = {
        cap_id: _CapRow(cap_id, number, title, area_id, area_number, area_title)
        for cap_id, number, title, area_id, area_number, area_title in session.execute(
            sa.select(
                Capability.id,
                Capability.number,
                Capability.title,
                Area.id,
                Area.number,
                Area.title,
            )
            .join(Area, Area.id == Capability.area_id)
            .where(
                sa.or_(
                    Capability.retired_on.is_(None),
                    Capability.retired_on > round_.reference_date,
                )
            )
            .order_by(Capability.sort_key)
        )
    }
    for entry in session.scalars(sa.select(RoundEntry).where(RoundEntry.round_id == round_.id)):
        if entry.capability_id in rows:
            rows[entry.capability_id].entry = entry
    return list(rows.values())


def _member_area_ids(round_: ReportingRound, user: User) -> set[int] | None:
    """Areas the user's organisation answers for; None when the round assigns none (= all)."""
    if not round_.area_organisations:
        return None
    return {
        link.area_id for link in round_.area_organisations if link.actor_id == user.organisation_id
    }


def _tasks(round_: ReportingRound, rows: list[_CapRow], user: User) -> list[RoundTask]:
    tasks: list[RoundTask] = []
    if not user.is_active:
        return tasks
    if user.can_edit:
        areas = _member_area_ids(round_, user)
        for row in rows:
            if row.state in MEMBER_OPEN_STATES and (areas is None or row.area_id in areas):
                tasks.append(_task(round_, row, "member", user))
    if any(r.user_id == user.id for r in round_.reviewers):
        for row in rows:
            entry = row.entry
            if (
                entry is not None
                and entry.state == "inskickad"
                and user.id not in (entry.submitted_by_id, entry.updated_by_id)
            ):
                tasks.append(_task(round_, row, "reviewer", user))
    return tasks


def _task(round_: ReportingRound, row: _CapRow, role: str, user: User) -> RoundTask:
    entry = row.entry
    # The reviewer's comment is content of the entry: hidden with it (F3).
    comment = (
        entry.return_comment
        if entry is not None and not is_hidden(entry.confidential, user.can_see_confidential)
        else None
    )
    return RoundTask(
        round_id=round_.id,
        round_name=round_.name,
        deadline=round_.deadline,
        capability_number=row.number,
        capability_title=row.title,
        state=row.state,
        role=role,
        return_comment=comment,
        entry_id=entry.id if entry is not None else None,
        entry_version=entry.version if entry is not None else None,
        author_ids=tuple(
            sorted({i for i in (entry.updated_by_id, entry.submitted_by_id) if i is not None})
        )
        if entry is not None
        else (),
    )


def _returned_first(tasks: list[RoundTask]) -> list[RoundTask]:
    """Returned entries lead (the next step is theirs), then the rest in register order."""
    return sorted(tasks, key=lambda t: not t.is_returned)


def _open_round_with_people(session: so.Session) -> ReportingRound | None:
    """The open round with its reviewers and area organisations loaded: one query each."""
    return session.scalar(
        sa.select(ReportingRound)
        .where(ReportingRound.status == "öppen")
        .options(
            so.selectinload(ReportingRound.reviewers),
            so.selectinload(ReportingRound.area_organisations),
        )
    )


def round_tasks_for(session: so.Session, user: User) -> list[RoundTask]:
    """What `user` must submit or review in the open round (empty when none is open).

    As member: capabilities not yet submitted (ej påbörjad, utkast, återremitterad) in the
    areas the user's organisation answers for (all areas when the round assigns none).
    As reviewer: submissions by others waiting for a decision. Four queries.
    """
    current = _open_round_with_people(session)
    if current is None:
        return []
    return _returned_first(_tasks(current, _round_rows(session, current), user))


@dataclass(frozen=True)
class RoundCounts:
    """The open round at a glance for one user (start page): what is returned to the members,
    still to submit, and waiting for a reviewer."""

    round_id: int
    round_name: str
    deadline: date
    returned: int  # entries the user may write that were sent back
    to_submit: int  # not started or drafts the user may write
    awaiting_review: int  # submitted, waiting for a decision (the whole round)
    to_review: int  # of those, what this user may decide on as reviewer

    def days_left(self, today: date) -> int:
        return (self.deadline - today).days


def round_counts_for(session: so.Session, user: User) -> RoundCounts | None:
    """Counts of the open round for `user`, or None when no round is open. Four queries."""
    current = _open_round_with_people(session)
    if current is None:
        return None
    rows = _round_rows(session, current)
    tasks = _tasks(current, rows, user)
    member = [t for t in tasks if t.role == "member"]
    return RoundCounts(
        round_id=current.id,
        round_name=current.name,
        deadline=current.deadline,
        returned=sum(t.is_returned for t in member),
        to_submit=sum(not t.is_returned for t in member),
        awaiting_review=sum(row.state == "inskickad" for row in rows),
        to_review=sum(t.role == "reviewer" for t in tasks),
    )


@dataclass
class StateCounts:
    label: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ALL_ENTRY_STATES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def completion(self) -> float:
        """Share approved (fastställd), in per cent with one decimal."""
        return round(100 * self.counts["fastställd"] / self.total, 1) if self.total else 0.0


@dataclass
class RoundProgress:
    round: ReportingRound
    snapshot: RoundSnapshot | None
    overall: StateCounts
    by_area: list[StateCounts]
    by_organisation: list[StateCounts]
    member_tasks: list[RoundTask]
    reviewer_tasks: list[RoundTask]
    rows: list[_CapRow]
    is_reviewer: bool


def round_progress(session: so.Session, round_id: int, user: User) -> RoundProgress:
    """Counts per state per area and per organisation, completion, and the viewer's tasks."""
    round_ = get_round(session, round_id)
    rows = _round_rows(session, round_)
    snap = session.scalar(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_.id))
    overall = StateCounts("")  # the total row; the page labels it
    by_area: dict[int, StateCounts] = {}
    orgs_by_area: dict[int, list[str]] = defaultdict(list)
    for link in round_.area_organisations:
        orgs_by_area[link.area_id].append(link.actor.short_name or link.actor.name)
    by_org: dict[str, StateCounts] = {}
    for row in rows:
        overall.counts[row.state] += 1
        area = by_area.setdefault(row.area_id, StateCounts(f"{row.area_number} {row.area_title}"))
        area.counts[row.state] += 1
        for org in orgs_by_area.get(row.area_id, [""]):  # "": no organisation named
            by_org.setdefault(org, StateCounts(org)).counts[row.state] += 1
    tasks = _tasks(round_, rows, user) if round_.is_open else []
    return RoundProgress(
        round=round_,
        snapshot=snap,
        overall=overall,
        by_area=list(by_area.values()),
        by_organisation=[by_org[k] for k in sorted(by_org)],
        member_tasks=_returned_first([t for t in tasks if t.role == "member"]),
        reviewer_tasks=[t for t in tasks if t.role == "reviewer"],
        rows=rows,
        is_reviewer=any(r.user_id == user.id for r in round_.reviewers),
    )


# --- one entry and the capability page -------------------------------------------------------


@dataclass
class EntryHistory:
    round: ReportingRound
    entry: RoundEntry | None
    approvals: list[RoundApproval]


def capability_round_history(session: so.Session, capability_id: int) -> list[EntryHistory]:
    """Every round's entry for a capability with its decisions, newest round first: 3 queries."""
    rounds = list(
        session.scalars(
            sa.select(ReportingRound).order_by(
                ReportingRound.opened_at.desc(), ReportingRound.id.desc()
            )
        )
    )
    entries = {
        e.round_id: e
        for e in session.scalars(
            sa.select(RoundEntry)
            .where(RoundEntry.capability_id == capability_id)
            .options(
                so.joinedload(RoundEntry.updated_by),
                so.joinedload(RoundEntry.submitted_by),
                so.selectinload(RoundEntry.approvals).joinedload(RoundApproval.reviewer),
            )
        )
    }
    return [
        EntryHistory(r, entries.get(r.id), entries[r.id].approvals if r.id in entries else [])
        for r in rounds
        if r.id in entries or r.is_open
    ]


def current_target_level(
    session: so.Session, capability_id: int, *, can_see_confidential: bool
) -> int | None:
    """The target level of the capability's current register assessment, if visible."""
    current = current_assessments()
    assessment = session.scalar(
        sa.select(StatusAssessment)
        .join(current, current.c.id == StatusAssessment.id)
        .where(StatusAssessment.capability_id == capability_id)
    )
    if assessment is None:
        return None
    shown = redact(
        ASSESSMENT,
        {"target_level": assessment.target_level},
        confidential=assessment.confidential,
        can_see_confidential=can_see_confidential,
    )
    value = shown["target_level"]
    return int(value) if value is not None else None


# --- snapshot content ------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
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
                    "approved_at": _iso(approval.decided_at),
                    "approval_comment": approval.comment,
                },
            )
        capabilities.append(data | {"state": state, "assessment": assessment})
    return {
        "format": SNAPSHOT_FORMAT,
        "round": {
            "id": round_.id,
            "name": round_.name,
            "reference_date": _iso(round_.reference_date),
            "deadline": _iso(round_.deadline),
            "opened_at": _iso(round_.opened_at),
            "closed_at": _iso(round_.closed_at),
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


# --- comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapabilityChange:
    number: str
    title: str
    area_number: str
    state_before: str | None
    state_after: str | None
    level_before: int | None
    level_after: int | None
    target_before: int | None
    target_after: int | None
    hidden: bool  # a confidential assessment on either side the viewer may not see
    assignments_added: list[str]
    assignments_ended: list[str]
    measures_added: list[str]
    measures_ended: list[str]

    @property
    def direction(self) -> shapes.Direction | None:
        """'↑', '↓' or '=' when both levels are known (and visible)."""
        if self.level_before is None or self.level_after is None:
            return None
        if self.level_after > self.level_before:
            return "↑"
        return "↓" if self.level_after < self.level_before else "="

    @property
    def target_changed(self) -> bool:
        return not self.hidden and self.target_before != self.target_after

    @property
    def state_changed(self) -> bool:
        """A change of workflow state between two rounds; against the register ("aktuell")
        the state is no change of its own."""
        if "aktuell" in (self.state_before, self.state_after):
            return False
        return self.state_before != self.state_after

    @property
    def changed(self) -> bool:
        return (
            self.level_before != self.level_after
            or self.target_changed
            or self.state_changed
            or bool(self.assignments_added or self.assignments_ended)
            or bool(self.measures_added or self.measures_ended)
        )

    def as_json(self) -> shapes.CapabilityChange:
        return {
            "number": self.number,
            "title": self.title,
            "area": self.area_number,
            "state_before": self.state_before,
            "state_after": self.state_after,
            "level_before": self.level_before,
            "level_after": self.level_after,
            "direction": self.direction,
            "target_before": self.target_before,
            "target_after": self.target_after,
            "target_changed": self.target_changed,
            "confidential_hidden": self.hidden,
            "assignments_added": self.assignments_added,
            "assignments_ended": self.assignments_ended,
            "measures_added": self.measures_added,
            "measures_ended": self.measures_ended,
        }


@dataclass
class Comparison:
    before_label: str
    after_label: str
    before_round: ReportingRound
    after_round: ReportingRound | None  # None: the current register
    before_sha256: str
    after_sha256: str | None
    capabilities: list[CapabilityChange]
    scores: list[ScoreChange]

    @property
    def title(self) -> str:
        """ "Lägesbild 2026 → Lägesbild 2027": always older → newer (see compare_rounds)."""
        return f"{self.before_label} → {self.after_label}"

    @property
    def changes(self) -> list[CapabilityChange]:
        return [c for c in self.capabilities if c.changed]

    def as_json(self) -> shapes.RoundComparison:
        return {
            "title": self.title,
            "before": {
                "label": self.before_label,
                "round_id": self.before_round.id,
                "sha256": self.before_sha256,
            },
            "after": {
                "label": self.after_label,
                "round_id": self.after_round.id if self.after_round else None,
                "sha256": self.after_sha256,
            },
            "capabilities": [c.as_json() for c in self.capabilities],
            "scores": [s.as_json() for s in self.scores],
        }


def _visible(assessment: dict[str, Any] | None, can_see: bool) -> dict[str, Any]:
    """A snapshot's assessment as the viewer may see it (the one redaction rule)."""
    if assessment is None:
        return {}
    return redact(
        ASSESSMENT,
        assessment,
        confidential=assessment.get("confidential"),
        can_see_confidential=can_see,
    )


def _visible_level(assessment: dict[str, Any] | None, can_see: bool) -> tuple[int | None, bool]:
    hidden = assessment is not None and is_hidden(assessment.get("confidential"), can_see)
    return _visible(assessment, can_see).get("level"), hidden


def _visible_target(assessment: dict[str, Any] | None, can_see: bool) -> int | None:
    value = _visible(assessment, can_see).get("target_level")
    return int(value) if value is not None else None


def _titles(items: list[dict[str, Any]], ids: set[int], can_see: bool) -> list[str]:
    titles = []
    for item in items:
        if item["id"] in ids:
            shown = redact(
                MEASURE, item, confidential=item.get("confidential"), can_see_confidential=can_see
            )
            titles.append(CONFIDENTIAL_LABEL if shown["title"] is None else str(shown["title"]))
    return titles


def _assignment_titles(capability: dict[str, Any] | None, ids: set[int]) -> list[str]:
    if capability is None:
        return []
    return [str(x["title"]) for x in capability["assignments"] if x["id"] in ids]


def _level_inputs(data: dict[str, Any], can_see: bool) -> list[LevelInput]:
    return [
        LevelInput(
            c["area"]["number"],
            c["area"]["title"],
            c["main_group"]["number"],
            c["main_group"]["title"],
            _visible_level(c.get("assessment"), can_see)[0],
        )
        for c in data["capabilities"]
    ]


def data_scores(data: dict[str, Any], *, can_see_confidential: bool) -> list[Score]:
    """e-SPAR scores of a snapshot's (or the current register's) content."""
    return scores(_level_inputs(data, can_see_confidential))


def _closed_snapshot(session: so.Session, round_id: int) -> tuple[ReportingRound, RoundSnapshot]:
    round_ = get_round(session, round_id)
    snap = session.scalar(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_id))
    if snap is None:
        raise NotFound(
            f"Uppföljningsomgången ”{round_.name}” är inte stängd än; bara stängda omgångar "
            "kan jämföras."
        )
    return round_, snap


def _age(round_: ReportingRound) -> tuple[date, datetime, int]:
    """Older rounds sort first: by the date assessed, then closing time, then id."""
    return (round_.reference_date, round_.closed_at or datetime.max, round_.id)


def compare_rounds(
    session: so.Session,
    first_id: int,
    second_id: int | None,
    *,
    can_see_confidential: bool,
) -> Comparison:
    """Compare two closed rounds, or (second_id None) a closed round with the register as it
    stands now. Constant number of queries.

    The one comparison every output (page, xlsx, API, CLI, PDF) is made from, and it always
    reads older → newer whichever round the caller names first: "before" is the older round,
    "after" the newer one (the register today is newest of all).
    """
    before_round, before_snap = _closed_snapshot(session, first_id)
    if second_id is None:
        after_round: ReportingRound | None = None
        after = current_register_data(session)
        after_label = "Registret i dag"
        after_sha: str | None = None
    else:
        after_round, after_snap = _closed_snapshot(session, second_id)
        if _age(after_round) < _age(before_round):
            before_round, after_round = after_round, before_round
            before_snap, after_snap = after_snap, before_snap
        after = snapshot_data(session, after_snap)
        after_label = after_round.name
        after_sha = after_snap.sha256
    before = snapshot_data(session, before_snap)
    can_see = can_see_confidential
    old = {c["number"]: c for c in before["capabilities"]}
    new = {c["number"]: c for c in after["capabilities"]}
    numbers = sorted(
        set(old) | set(new), key=lambda n: tuple(int(p) for p in n.split(".") if p.isdigit())
    )
    changes = []
    for number in numbers:
        a = old.get(number)
        b = new.get(number)
        a_assessment = a.get("assessment") if a else None
        b_assessment = b.get("assessment") if b else None
        level_a, hidden_a = _visible_level(a_assessment, can_see)
        level_b, hidden_b = _visible_level(b_assessment, can_see)
        a_assign = {x["id"] for x in a["assignments"]} if a else set()
        b_assign = {x["id"] for x in b["assignments"]} if b else set()
        a_measure = {x["id"] for x in a["measures"]} if a else set()
        b_measure = {x["id"] for x in b["measures"]} if b else set()
        source = b or a
        assert source is not None
        changes.append(
            CapabilityChange(
                number=number,
                title=source["title"],
                area_number=source["area"]["number"],
                state_before=a["state"] if a else None,
                state_after=b["state"] if b else None,
                level_before=level_a,
                level_after=level_b,
                target_before=_visible_target(a_assessment, can_see),
                target_after=_visible_target(b_assessment, can_see),
                hidden=hidden_a or hidden_b,
                assignments_added=_assignment_titles(b, b_assign - a_assign),
                assignments_ended=_assignment_titles(a, a_assign - b_assign),
                measures_added=_titles(b["measures"], b_measure - a_measure, can_see) if b else [],
                measures_ended=_titles(a["measures"], a_measure - b_measure, can_see) if a else [],
            )
        )
    return Comparison(
        before_label=before_round.name,
        after_label=after_label,
        before_round=before_round,
        after_round=after_round,
        before_sha256=before_snap.sha256,
        after_sha256=after_sha,
        capabilities=changes,
        scores=compare_scores(
            data_scores(before, can_see_confidential=can_see),
            data_scores(after, can_see_confidential=can_see),
        ),
    )


def round_summary(session: so.Session, round_id: int) -> shapes.Round:
    """A round's facts, state counts and snapshot hash as JSON-ready data (CLI show, API)."""
    round_ = get_round(session, round_id)
    rows = _round_rows(session, round_)
    counts = dict.fromkeys(ALL_ENTRY_STATES, 0)
    for row in rows:
        counts[row.state] += 1
    snap = session.scalar(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_.id))
    total = len(rows)
    return {
        "id": round_.id,
        "name": round_.name,
        "status": round_.status,
        "reference_date": round_.reference_date.isoformat(),
        "deadline": round_.deadline.isoformat(),
        "opened_at": round_.opened_at.isoformat(),
        "closed_at": _iso(round_.closed_at),
        "reviewers": [r.user.display_name for r in round_.reviewers],
        "area_organisations": [
            {"area": link.area.number, "organisation": link.actor.name}
            for link in round_.area_organisations
        ],
        "capabilities": total,
        "counts": counts,
        "completion_percent": round(100 * counts["fastställd"] / total, 1) if total else 0.0,
        "sha256": snap.sha256 if snap else None,
        # The stored content still hashes to the stored hash (byte for byte unchanged).
        "sha256_verified": (
            hashlib.sha256(snap.content.encode("utf-8")).hexdigest() == snap.sha256
            if snap
            else None
        ),
    }
