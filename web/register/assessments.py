"""Recording a status assessment (the target carries over) and withdrawing one."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from capabilities import services
from capabilities.models import Capability, StatusAssessment
from capabilities.queries.lookup import capability_or_not_found, one_or_not_found
from capabilities.queries.register import (
    LevelOption,
    StatusView,
    level_labels,
    level_options,
    status_view,
)
from web.access import acting_user, editor_required
from web.db import db_session
from web.forms import submit, to_choices
from web.register.forms import KEEP, AssessmentForm, WithdrawForm
from web.register.routes import bp


def _levels() -> list[LevelOption]:
    return level_options(db_session())


def _page(form: AssessmentForm, cap: Capability, previous: StatusView | None) -> str:
    return render_template(
        "register/assessment_form.html",
        form=form,
        cap=cap,
        levels=_levels(),
        previous=previous,
        keep=KEEP,
    )


@bp.route("/capabilities/<number>/assessments/new", methods=["GET", "POST"])
@editor_required
def new_assessment(number: str) -> ResponseReturnValue:
    cap = capability_or_not_found(db_session(), number)
    db = db_session()
    current = services.current_assessment(db, cap)
    previous = (
        status_view(current, level_labels(db), current_user.can_see_confidential)
        if current
        else None
    )
    form = AssessmentForm()
    levels = _levels()
    form.level.choices = to_choices((o.value, o.label) for o in levels)
    target_choices = [("", _("Ingen målnivå")), *((o.value, o.label) for o in levels)]
    # Offered whatever the hidden target is (even none): offering it only for a set target
    # would tell that one is set.
    if previous is not None and previous.redacted:
        target_choices.insert(0, (KEEP, _("Behåll nuvarande målnivå (sekretessmarkerad)")))
    form.target_level.choices = to_choices(target_choices)
    if not form.is_submitted():
        # A target only changes deliberately: start from the previous one.
        if previous is not None and previous.redacted:
            form.target_level.data = KEEP
        elif previous is not None and previous.target_level is not None:
            form.target_level.data = str(previous.target_level)
        return _page(form, cap, previous)
    return submit(
        form,
        lambda: services.record_assessment(db, acting_user(), cap, form.to_input()),
        render=lambda _conflict: _page(form, cap, previous),
        success=_("Statusbedömningen för %(number)s är sparad.", number=cap.number),
        redirect_to=url_for("register.capability", number=cap.number),
    )


@bp.route(
    "/capabilities/<number>/assessments/<int:assessment_id>/withdraw", methods=["GET", "POST"]
)
@editor_required
def withdraw_assessment(number: str, assessment_id: int) -> ResponseReturnValue:
    cap = capability_or_not_found(db_session(), number)
    db = db_session()
    assessment = one_or_not_found(db, StatusAssessment, assessment_id, capability_id=cap.id)
    if not services.can_withdraw(acting_user(), assessment):
        abort(403)
    view = status_view(assessment, level_labels(db), current_user.can_see_confidential)
    form = WithdrawForm()
    return submit(
        form,
        lambda: services.withdraw_assessment(
            db, acting_user(), assessment, reason=form.reason.data
        ),
        render=lambda _conflict: render_template(
            "register/withdraw_assessment.html",
            form=form,
            cap=cap,
            assessment=assessment,
            view=view,
        ),
        success=_("Bedömningen är återkallad."),
        redirect_to=url_for("register.capability", number=cap.number),
    )
