"""Measures: the list, one measure's page, creating, editing and moving it between states."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from capabilities import services
from capabilities.db import Session
from capabilities.errors import PermissionDenied
from capabilities.models import MEASURE_STATES, PRIORITIES, Measure
from capabilities.queries.industry_contacts import industry_contacts
from capabilities.queries.lookup import one_or_not_found
from capabilities.queries.measures import (
    NO_PRIORITY,
    MeasureDetail,
    MeasureFilters,
    MeasureView,
    actor_options,
    capability_options,
    measure_detail,
    measure_page,
    measure_view,
)
from web.access import acting_user, editor_required
from web.db import db_session
from web.forms import (
    ComparedField,
    ConflictView,
    compare_fields,
    page_request,
    parse_id,
    parse_version,
    save,
    submit,
)
from web.measures.data import compare_versions, stored_data
from web.measures.forms import (
    ACTION_LABELS,
    FIELD_LABELS,
    PRIORITY_LABELS,
    STATE_LABELS,
    MeasureForm,
    StateForm,
)

bp = Blueprint("measures", __name__, url_prefix="/measures")

_NUMBER = re.compile(r"\d{1,2}(\.\d{1,3}){1,3}")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "STATE_LABELS": STATE_LABELS,
        "PRIORITY_LABELS": PRIORITY_LABELS,
        "FIELD_LABELS": FIELD_LABELS,
        "ACTION_LABELS": ACTION_LABELS,
        "NO_PRIORITY": NO_PRIORITY,
    }


def _filters() -> MeasureFilters:
    """Filters from the URL; unknown or malformed values are dropped rather than failing."""
    value = {
        k: request.args.get(k, "").strip() for k in ("state", "priority", "capability", "actor")
    }
    return MeasureFilters(
        state=value["state"] if value["state"] in MEASURE_STATES else "",
        priority=value["priority"] if value["priority"] in (*PRIORITIES, NO_PRIORITY) else "",
        capability=value["capability"] if _NUMBER.fullmatch(value["capability"]) else "",
        actor=parse_id(value["actor"]),
        q=request.args.get("q", "").strip()[:200],
    )


@bp.get("/")
def index() -> ResponseReturnValue:
    db = db_session()
    filters = _filters()
    page = measure_page(
        db,
        filters,
        can_see_confidential=current_user.can_see_confidential,
        today=date.today(),
        request=page_request(),
    )
    return render_template(
        "measures/index.html",
        page=page,
        filters=filters,
        actors=actor_options(db),
    )


@bp.get("/<int:measure_id>")
def detail(measure_id: int) -> ResponseReturnValue:
    found = _detail(measure_id)
    form = StateForm(data={"state": found.measure.state, "version": found.measure.version})
    return _render_detail(found, form)


@bp.post("/<int:measure_id>/state")
@editor_required
def change_state(measure_id: int) -> ResponseReturnValue:
    """Quick state change; a stale version re-shows the page with both states."""
    db = db_session()
    measure = one_or_not_found(db, Measure, measure_id)
    form = StateForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.state.data or ""

    def compare() -> list[ComparedField]:
        stored = _detail(measure_id).measure
        form.version.data = str(stored.version)
        return compare_fields(
            {"state": FIELD_LABELS["state"]},
            {"state": wanted},
            {"state": stored.state},
            lambda _name, value: str(STATE_LABELS.get(value, value)),
        )

    return save(
        form,
        lambda: services.transition_measure(
            db, acting_user(), measure, wanted, expected_version=parse_version(form.version.data)
        ),
        render=lambda conflict: _render_detail(_detail(measure_id), form, conflict),
        success=lambda _result: _(
            "Åtgärdens status är nu ”%(state)s”.", state=STATE_LABELS[wanted]
        ),
        redirect_to=url_for(".detail", measure_id=measure_id),
        conflict=compare,
    )


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new() -> ResponseReturnValue:
    db = db_session()
    form = MeasureForm()
    _set_choices(db, form)
    origin = request.args.get("capability", "").strip()
    if request.method == "GET" and origin:
        form.capability_ids.data = [
            c.value for c in form.capability_ids.choices if _number(c.label) == origin
        ]
    valid = {_number(c.label) for c in form.capability_ids.choices}
    return submit(
        form,
        lambda: services.create_measure(db, acting_user(), form.to_input()),
        render=lambda conflict: _render_form(form, None, origin),
        success=_("Åtgärden är sparad."),
        # started from a capability page: back to where the user came from
        redirect_to=lambda measure: (
            url_for("register.capability", number=origin)
            if origin in valid
            else url_for(".detail", measure_id=measure.id)
        ),
    )


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(measure_id: int) -> ResponseReturnValue:
    """Edit with optimistic concurrency: a stale version gets 409 with both versions shown."""
    db = db_session()
    measure = one_or_not_found(db, Measure, measure_id)
    stored = _editable_view(db, measure_id)
    form = MeasureForm(data=stored_data(stored) if request.method == "GET" else None)
    _set_choices(db, form, stored)

    def compare() -> list[ComparedField]:
        nonlocal stored
        stored = _editable_view(db, measure_id)
        form.version.data = str(stored.version)
        return compare_versions(form, stored)

    return submit(
        form,
        lambda: services.update_measure(
            db,
            acting_user(),
            measure,
            form.to_input(),
            expected_version=parse_version(form.version.data),
        ),
        render=lambda conflict: _render_form(form, stored, conflict=conflict),
        success=_("Åtgärden är uppdaterad."),
        redirect_to=url_for(".detail", measure_id=measure_id),
        conflict=compare,
    )


# --- helpers ---------------------------------------------------------------------------------


def _detail(measure_id: int) -> MeasureDetail:
    return measure_detail(
        db_session(),
        measure_id,
        can_see_confidential=current_user.can_see_confidential,
        today=date.today(),
    )


def _editable_view(db: Session, measure_id: int) -> MeasureView:
    """The stored measure; refused to non-cleared users when confidential (they can't see it)."""
    view = measure_view(
        db, measure_id, can_see_confidential=current_user.can_see_confidential, today=date.today()
    )
    if view.redacted:
        raise PermissionDenied(
            _(
                "Åtgärden är sekretessmarkerad. Du behöver behörighet att se sekretessmarkerade "
                "uppgifter för att ändra den."
            )
        )
    return view


def _number(label: str) -> str:
    return label.split(" ", 1)[0]


def _set_choices(db: Session, form: MeasureForm, stored: MeasureView | None = None) -> None:
    """Options: capabilities not retired and actors still active, plus whatever is linked."""
    keep_caps = [c.id for c in stored.capabilities] if stored else []
    keep_actors = [a.id for a in stored.actors] if stored else []
    form.capability_ids.choices = [
        SelectChoice(str(c.id), c.full_label) for c in capability_options(db, keep=keep_caps)
    ]
    form.actor_ids.choices = [
        SelectChoice(str(a.id), a.label) for a in actor_options(db, keep=keep_actors)
    ]


def _render_form(
    form: MeasureForm,
    stored: MeasureView | None,
    origin: str = "",
    *,
    conflict: ConflictView | None = None,
) -> str:
    if stored is not None:
        cancel = url_for(".detail", measure_id=stored.id)
    elif origin and _NUMBER.fullmatch(origin):
        cancel = url_for("register.capability", number=origin)
    else:
        cancel = url_for(".index")
    return render_template(
        "measures/form.html",
        form=form,
        measure=stored,
        cancel=cancel,
        conflict=conflict,
    )


def _render_detail(
    found: MeasureDetail, form: StateForm, state_conflict: ConflictView | None = None
) -> str:
    return render_template(
        "measures/detail.html",
        detail=found,
        m=found.measure,
        state_form=form,
        state_conflict=state_conflict,
        contacts=industry_contacts(
            db_session(), found.measure.id, can_see_confidential=current_user.can_see_confidential
        ),
    )
