"""E-mail reminders: what each subscribed user has not yet been told about, and the sent log.

A task is told about once per state (open, due within 14 days, past its date) and date: the
digest holds the tasks whose current state and date are not yet in the user's log. The log is
written only after the mail server has accepted the digest, so nothing goes twice and a failed
send goes out on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.models import ReminderNotice, User
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS
from capabilities.queries.tasks import Task, round_decisions_for, tasks_for


@dataclass(frozen=True)
class DigestItem:
    task: Task
    state: str  # open | due_soon | overdue
    rescheduled: bool  # the user was told about this task before, with another date


@dataclass(frozen=True)
class Digest:
    user: User
    items: list[DigestItem]

    def section(self, state: str) -> list[DigestItem]:
        return [item for item in self.items if item.state == state]


def subscribers(session: so.Session) -> list[User]:
    """Active users with an e-mail address and reminders switched on, by username."""
    return list(
        session.scalars(
            sa.select(User)
            .where(
                User.reminders_enabled.is_(True),
                User.is_active.is_(True),
                User.is_system.is_(False),
                User.email.is_not(None),
                User.email != "",
            )
            .order_by(User.username)
        )
    )


def pending_digests(
    session: so.Session, *, today: date, stale_months: int = DEFAULT_STALE_MONTHS
) -> list[Digest]:
    """One digest per subscriber with something new to tell; subscribers without none."""
    users = subscribers(session)
    if not users:
        return []
    sent: dict[int, set[tuple[str, str, date | None]]] = {u.id: set() for u in users}
    for user_id, key, state, due_on in session.execute(
        sa.select(
            ReminderNotice.user_id,
            ReminderNotice.task_key,
            ReminderNotice.state,
            ReminderNotice.due_on,
        ).where(ReminderNotice.user_id.in_(sent))
    ):
        sent[user_id].add((key, state, due_on))
    digests = []
    for user in users:
        told = sent[user.id]
        told_keys = {key for key, _state, _due in told}
        items = []
        tasks = tasks_for(session, user, today=today, stale_months=stale_months)
        for task in [*tasks, *round_decisions_for(session, user)]:
            state = task.state(today)
            if (task.key, state, task.due_on) in told:
                continue
            rescheduled = task.key in told_keys and not any(
                key == task.key and due == task.due_on for key, _state, due in told
            )
            items.append(DigestItem(task, state, rescheduled))
        if items:
            digests.append(Digest(user, items))
    return digests


def record_sent(session: so.Session, digest: Digest) -> None:
    """Log the digest's items as told; call once the mail server has accepted it."""
    now = utcnow()
    for item in digest.items:
        session.add(
            ReminderNotice(
                user_id=digest.user.id,
                task_key=item.task.key,
                state=item.state,
                due_on=item.task.due_on,
                sent_at=now,
            )
        )
    session.flush()
