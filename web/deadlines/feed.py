"""A user's deadlines (or the whole register's) as an iCalendar file."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from capabilities.db import Session, utcnow
from capabilities.models import User
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS
from capabilities.queries.tasks import calendar_tasks
from capabilities.reports.ical import CalendarEvent, calendar_bytes
from web.deadlines.labels import task_status, task_summary, task_url


def feed_bytes(session: Session, user: User | None, *, today: date) -> bytes:
    """The calendar; needs a request context (links are absolute URLs to this register)."""
    tasks = calendar_tasks(session, user, stale_months=DEFAULT_STALE_MONTHS)
    can_edit = bool(user is not None and user.can_edit)
    events = []
    for task in tasks:
        assert task.due_on is not None  # calendar tasks are dated
        url = task_url(task, can_edit=can_edit, external=True)
        lines = [task_status(task, today, DEFAULT_STALE_MONTHS)]
        if task.dnrs:
            lines.append(_("Dnr: %(dnrs)s", dnrs=", ".join(task.dnrs)))
        lines.append(url)
        events.append(
            CalendarEvent(
                key=task.key,
                day=task.due_on,
                summary=task_summary(task),
                description="\n".join(lines),
                url=url,
            )
        )
    if user is None:
        name = _("Förmågeregistret – alla tidpunkter")
        key = "calendar-all"
    else:
        name = _("Förmågeregistret – %(name)s", name=user.display_name)
        key = f"calendar-user-{user.id}"
    return calendar_bytes(
        events,
        name=name,
        description=_("Redovisningstillfällen och bedömningar att förnya, från Förmågeregistret."),
        calendar_key=key,
        stamp=utcnow(),
    )
