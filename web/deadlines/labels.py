"""How a task reads, in the user's language: on the start page, in the calendar, in e-mail."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from capabilities.queries.tasks import (
    MILESTONE_DONE,
    NOT_ASSESSED,
    REASSESSMENT,
    ROUND_APPROVED,
    ROUND_DEADLINE,
    ROUND_RETURNED,
    ROUND_REVIEW,
    STALE,
    Task,
)
from capabilities.redaction import CONFIDENTIAL_LABEL
from web.assignments.forms import KIND_LABELS

# Reminder states, as the e-mail's sections and the start page's tags call them.
STATE_LABELS = {
    "open": _l("Nya uppgifter"),
    "due_soon": _l("Inom 14 dagar"),
    "overdue": _l("Datum passerat"),
}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def task_summary(task: Task) -> str:
    """One line: what is to be done, e.g. "Delredovisning: Uppdrag att …"."""
    if task.kind == "round":
        return _round_summary(task)
    if task.kind == "milestone":
        kind = _capitalised(
            str(KIND_LABELS.get(task.milestone_kind or "", task.milestone_kind or ""))
        )
        if task.as_partner:
            return _("%(kind)s (ni är samarbetspart): %(title)s", kind=kind, title=task.title)
        return _("%(kind)s: %(title)s", kind=kind, title=task.title)
    if task.reason == NOT_ASSESSED:
        return _(
            "Bedöm delförmåga %(number)s %(title)s", number=task.capability_number, title=task.title
        )
    return _(
        "Ny bedömning av delförmåga %(number)s %(title)s",
        number=task.capability_number,
        title=task.title,
    )


def _round_summary(task: Task) -> str:
    if task.reason == ROUND_RETURNED:
        return _(
            "%(round)s: %(number)s är återremitterad – åtgärda och skicka in igen",
            round=task.title,
            number=task.capability_number,
        )
    if task.reason == ROUND_APPROVED:
        return _(
            "%(round)s: din bedömning av %(number)s är fastställd",
            round=task.title,
            number=task.capability_number,
        )
    if task.reason == ROUND_DEADLINE:
        return _("Sista dag i uppföljningsomgången %(round)s", round=task.title)
    if task.reason == ROUND_REVIEW:
        return ngettext(
            "%(round)s: granska %(num)d inskickad delförmåga",
            "%(round)s: granska %(num)d inskickade delförmågor",
            task.count,
            round=task.title,
        )
    return ngettext(
        "%(round)s: fyll i och skicka in %(num)d delförmåga",
        "%(round)s: fyll i och skicka in %(num)d delförmågor",
        task.count,
        round=task.title,
    )


def task_status(task: Task, today: date, stale_months: int) -> str:
    """Where the task stands, e.g. "Redovisning ej registrerad" or "Senast bedömd 2025-01-10"."""
    if task.reason == ROUND_RETURNED:
        # The comment was redacted with the entry: None when the viewer may not read it.
        comment = task.comment if task.comment is not None else _(CONFIDENTIAL_LABEL)
        return _(
            "Granskarens kommentar: ”%(comment)s”. Sista dag %(day)s",
            comment=comment,
            day=_iso(task.due_on),
        )
    if task.reason == ROUND_APPROVED:
        return _("Fastställd och införd i registret")
    if task.kind == "round":
        return _("Sista dag %(day)s", day=_iso(task.due_on))
    if task.kind == "milestone":
        if task.reason == MILESTONE_DONE:
            return _("Redovisad")
        if task.due_on is not None and task.due_on < today:
            return _("Redovisning ej registrerad")
        return _("Ska redovisas senast %(day)s", day=_iso(task.due_on))
    if task.reason == NOT_ASSESSED:
        return _("Ej bedömd")
    assessed = _(
        "Senast bedömd %(day)s: %(level)s", day=_iso(task.assessed_on), level=task.level_label
    )
    if task.reason in (STALE, REASSESSMENT):
        return _(
            "%(assessed)s. En bedömning är inaktuell efter %(months)s månader.",
            assessed=assessed,
            months=stale_months,
        )
    return assessed


def task_url(task: Task, *, can_edit: bool, external: bool = False) -> str:
    """Where the task is done: the assessment form (the capability page for readers), the
    assignment's milestones, or the round (its one capability's entry when only one waits)."""
    if task.kind == "round":
        if task.capability_number is not None:
            return url_for(
                "rounds.entry",
                round_id=task.round_id,
                number=task.capability_number,
                _external=external,
            )
        return url_for("rounds.show", round_id=task.round_id, _external=external)
    if task.kind == "milestone":
        return url_for(
            "assignments.detail",
            assignment_id=task.assignment_id,
            _anchor="redovisningar",
            _external=external,
        )
    endpoint = "register.new_assessment" if can_edit else "register.capability"
    return url_for(endpoint, number=task.capability_number, _external=external)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "–"
