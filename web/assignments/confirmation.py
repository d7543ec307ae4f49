"""Seeded deadlines the register cannot vouch for, listed once for an admin to confirm.

A deadline printed in a 2023 report that had passed when it was seeded is "Ej bekräftad": the
admin records its delivery (date and report reference, through the assignment blueprint's
one delivery form) or confirms that it was missed, after which it counts as overdue.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from capabilities import services
from capabilities.models import Milestone
from capabilities.queries.dashboard import unconfirmed_milestones
from capabilities.queries.lookup import one_or_not_found
from web.access import acting_user, admin_required
from web.assignments.forms import KIND_LABELS
from web.db import db_session
from web.forms import confirmed, save

bp = Blueprint("confirmation", __name__, url_prefix="/assignments/unconfirmed")


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    today = date.today()
    return render_template(
        "assignments/unconfirmed.html",
        milestones=unconfirmed_milestones(db_session(), today=today),
        today=today,
        KIND_LABELS=KIND_LABELS,
    )


@bp.post("/<int:milestone_id>/missed")
@admin_required
def missed(milestone_id: int) -> ResponseReturnValue:
    form = confirmed(FlaskForm())
    db = db_session()
    milestone = one_or_not_found(db, Milestone, milestone_id)
    return save(
        form,
        lambda: services.confirm_missed(db, acting_user(), milestone),
        back=url_for(".index"),  # already confirmed: said on the list
        error_category="info",
        success=_(
            "Bekräftat: redovisningen %(date)s kom inte in.", date=milestone.due_on.isoformat()
        ),
        redirect_to=url_for(".index"),
    )
