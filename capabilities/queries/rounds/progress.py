"""Where the open round stands: each user's tasks, the start page's counts, the round page's
progress. Each loads in a fixed number of queries, whatever the number of capabilities."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    ALL_ENTRY_STATES,
    NOT_STARTED,
    Area,
    Capability,
    ReportingRound,
    RoundEntry,
    RoundSnapshot,
    User,
)
from capabilities.queries import api_shapes_rounds as shapes
from capabilities.queries.rounds.lifecycle import get_round
from capabilities.queries.rounds.snapshot import iso_text
from capabilities.redaction import is_hidden

MEMBER_OPEN_STATES = (NOT_STARTED, "utkast", "återremitterad")


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
        "closed_at": iso_text(round_.closed_at),
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
