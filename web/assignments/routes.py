"""Government assignments: the list, one assignment's page, editing it and its milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from capabilities import services
from capabilities.models import Assignment, Milestone
from capabilities.queries.assignments import (
    DUE_CHOICES,
    AssignmentDetail,
    AssignmentFilters,
    actor_choices,
    assignment_detail,
    assignment_page,
)
from capabilities.queries.lookup import one_or_not_found
from web.access import acting_user, editor_required
from web.assignments.forms import (
    DUE_LABELS,
    FIELD_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    AssignmentForm,
    CompleteMilestoneForm,
    MilestoneForm,
    stored_data,
)
from web.db import db_session
from web.forms import (
    ComparedField,
    ConflictView,
    Shown,
    compare_fields,
    confirmed,
    page_request,
    save,
    shown_text,
    submit,
    submit_edit,
)

bp = Blueprint("assignments", __name__, url_prefix="/assignments")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "KIND_LABELS": KIND_LABELS,
        "DUE_LABELS": DUE_LABELS,
    }


def _filters() -> AssignmentFilters:
    """Filters from the URL; unknown values are ignored rather than failing."""
    due = request.args.get("due", "")
    status = request.args.get("status", "")
    return AssignmentFilters(
        due=due if due in DUE_CHOICES else "",
        status=status if status in STATUS_LABELS else "",
        q=request.args.get("q", "").strip()[:200],
    )


@bp.get("/")
def index() -> ResponseReturnValue:
    filters = _filters()
    page = assignment_page(
        db_session(),
        filters,
        today=date.today(),
        request=page_request(),
    )
    return render_template("assignments/index.html", page=page, filters=filters)


@bp.get("/<int:assignment_id>")
def detail(assignment_id: int) -> ResponseReturnValue:
    return _render_detail(_detail(assignment_id), MilestoneForm())


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new() -> ResponseReturnValue:
    form = AssignmentForm()
    _set_choices(form)
    return submit(
        form,
        lambda: services.create_assignment(db_session(), acting_user(), form.to_input()),
        render=lambda conflict: _render_form(form, None),
        success=_("Regeringsuppdraget är registrerat."),
        redirect_to=lambda assignment: url_for(".detail", assignment_id=assignment.id),
    )


@bp.route("/<int:assignment_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(assignment_id: int) -> ResponseReturnValue:
    """Edit with optimistic concurrency: a stale version gets 409 with both versions shown."""
    stored = _detail(assignment_id)
    form = AssignmentForm(data=stored_data(stored) if request.method == "GET" else None)
    _set_choices(form, keep=[r.actor_id for r in stored.recipients])

    def compare() -> list[ComparedField]:
        nonlocal stored
        stored = _detail(assignment_id)
        form.version.data = str(stored.assignment.version)
        _set_choices(form, keep=[r.actor_id for r in stored.recipients])
        return _compare(form, stored)

    return submit_edit(
        form,
        services.update_assignment,
        stored.assignment,
        render=lambda conflict: _render_form(form, stored, conflict),
        success=_("Regeringsuppdraget är uppdaterat."),
        redirect_to=url_for(".detail", assignment_id=assignment_id),
        conflict=compare,
    )


@bp.post("/<int:assignment_id>/milestones")
@editor_required
def add_milestone(assignment_id: int) -> ResponseReturnValue:
    db = db_session()
    assignment = one_or_not_found(db, Assignment, assignment_id)
    form = confirmed(MilestoneForm())
    return save(
        form,
        lambda: services.add_milestone(
            db,
            acting_user(),
            assignment,
            due_on=form.due_on.data,
            kind=form.kind.data or "",
            report_reference=form.report_reference.data,
        ),
        render=lambda conflict: _render_detail(_detail(assignment_id), form),
        success=_("Redovisningstillfället är tillagt."),
        redirect_to=url_for(".detail", assignment_id=assignment_id, _anchor="redovisningar"),
    )


@bp.post("/<int:assignment_id>/milestones/<int:milestone_id>/done")
@editor_required
def complete_milestone(assignment_id: int, milestone_id: int) -> ResponseReturnValue:
    db = db_session()
    milestone = one_or_not_found(db, Milestone, milestone_id, assignment_id=assignment_id)
    form = confirmed(CompleteMilestoneForm())
    back = {
        "dashboard": url_for("dashboard.index", _anchor="h-milestones"),
        "unconfirmed": url_for("confirmation.index"),
    }.get(
        form.back.data or "",
        url_for(".detail", assignment_id=assignment_id, _anchor="redovisningar"),
    )
    if milestone.is_done:
        flash(_("Redovisningstillfället var redan markerat som redovisat."), "info")
        return redirect(back)

    def render_refused(_conflict: ConflictView | None) -> str:
        messages = [m for field in form for m in field.errors] + list(form.form_errors)
        return _render_detail(
            _detail(assignment_id),
            MilestoneForm(formdata=None),
            done_errors={milestone_id: messages},
        )

    return save(
        form,
        lambda: services.complete_milestone(
            db,
            acting_user(),
            milestone,
            done_on=form.done_on.data or None,
            report_reference=form.report_reference.data,
        ),
        render=render_refused,
        success=_("Redovisningstillfället är markerat som redovisat."),
        redirect_to=back,
    )


# --- helpers ---------------------------------------------------------------------------------


def _detail(assignment_id: int) -> AssignmentDetail:
    return assignment_detail(db_session(), assignment_id, today=date.today())


def _render_detail(
    found: AssignmentDetail,
    milestone_form: MilestoneForm,
    *,
    done_errors: dict[int, list[str]] | None = None,
) -> str:
    return render_template(
        "assignments/detail.html",
        detail=found,
        a=found.assignment,
        milestone_form=milestone_form,
        done_form=CompleteMilestoneForm(formdata=None),
        done_errors=done_errors or {},
        today=date.today(),
    )


def _set_choices(form: AssignmentForm, keep: list[int] | None = None) -> None:
    """Recipients: actors not retired, plus those already chosen."""
    actors = [SelectChoice(str(i), label) for i, label in actor_choices(db_session(), keep or [])]
    form.recipient_ids.choices = actors
    form.lead_actor_id.choices = [SelectChoice("", _("Ingen angiven")), *actors]


def _shown(name: str, value: Any, labels: dict[str, str]) -> Shown:
    """A field value as the conflict box shows it."""
    if name == "status":
        return str(STATUS_LABELS.get(value, value or "–"))
    if name == "recipient_ids":
        return [labels.get(v, v) for v in value or []]
    if name == "lead_actor_id":
        return labels.get(value, "–") if value else "–"
    return shown_text(value)


def _compare(form: AssignmentForm, stored: AssignmentDetail) -> list[ComparedField]:
    """Both versions side by side: what the member submitted and what is stored now."""
    labels = {str(c.value): str(c.label) for c in form.recipient_ids.choices}
    mine = {name: form[name].data for name in FIELD_LABELS}
    return compare_fields(
        FIELD_LABELS, mine, stored_data(stored), lambda n, v: _shown(n, v, labels)
    )


def _render_form(
    form: AssignmentForm,
    stored: AssignmentDetail | None,
    conflict: ConflictView | None = None,
) -> str:
    return render_template(
        "assignments/form.html",
        form=form,
        stored=stored,
        cancel=url_for(".detail", assignment_id=stored.assignment.id)
        if stored
        else url_for(".index"),
        conflict=conflict,
    )
