"""Between the measure form, the service and the conflict box: data in, versions compared."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from capabilities.queries.measures import MeasureView
from web.forms import ComparedField, Shown, compare_fields, shown_text
from web.measures.forms import FIELD_LABELS, PRIORITY_LABELS, STATE_LABELS, MeasureForm


def stored_data(view: MeasureView) -> dict[str, Any]:
    """A stored measure as form data (edit form prefill, and the conflict box's right column)."""
    return {
        "title": view.title,
        "description": view.description,
        "state": view.state,
        "cost_effectiveness": view.cost_effectiveness,
        "legal_assessment": view.legal_assessment,
        "priority": view.priority or "",
        "due_on": view.due_on.isoformat() if view.due_on else "",
        "capability_ids": [str(c.id) for c in view.capabilities],
        "actor_ids": [str(a.id) for a in view.actors],
        "confidential": view.confidential,
        "secrecy_ref": view.secrecy_ref,
        "version": str(view.version),
    }


def _shown(name: str, value: Any) -> Shown:
    """A field value as the conflict box shows it."""
    if name == "state":
        return str(STATE_LABELS.get(value, value or "–"))
    if name == "priority":
        return (
            str(PRIORITY_LABELS[value]) if value in PRIORITY_LABELS else str(_("Ingen prioritet"))
        )
    if name == "confidential":
        return str(_("Ja") if value else _("Nej"))
    return shown_text(value)


def compare_versions(form: MeasureForm, stored: MeasureView) -> list[ComparedField]:
    """Both versions side by side: what the member submitted and what is stored now."""
    mine = {name: _shown(name, value) for name, value in vars(form.to_input()).items()}
    for name in ("capability_ids", "actor_ids"):
        chosen = set(form[name].data or [])
        mine[name] = [c.label for c in form[name].choices if c.value in chosen]
    theirs = {name: _shown(name, value) for name, value in stored_data(stored).items()}
    theirs["capability_ids"] = [c.label for c in stored.capabilities]
    theirs["actor_ids"] = [a.label for a in stored.actors]
    return compare_fields(FIELD_LABELS, mine, theirs, lambda _n, v: v)
