"""The register overview, the capability page, and editing a capability's status and links."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from capabilities import services
from capabilities.models import (
    Actor,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    Responsibility,
)
from capabilities.queries import choices
from capabilities.queries.capability import capability_detail, changed_fields
from capabilities.queries.commitments import commitments
from capabilities.queries.linkable import linkable_assignments
from capabilities.queries.lookup import capability_or_not_found, chosen_row, one_or_not_found
from capabilities.queries.register_overview import (
    LEVEL_FILTERS,
    RegisterFilters,
    filter_actors,
    filter_areas,
    filter_assignment,
    filter_levels,
    register_page,
)
from capabilities.queries.rounds import capability_round_history
from web.access import acting_user, admin_required, editor_required
from web.db import db_session
from web.forms import (
    ConflictView,
    confirmed,
    page_request,
    parse_id,
    parse_version,
    save,
    submit,
    to_choices,
)
from web.register.forms import (
    CapabilityForm,
    ConfirmForm,
    LinkAssignmentForm,
    ResponsibilityForm,
    RetireForm,
)

bp = Blueprint("register", __name__)
_AREA_NUMBER = re.compile(r"[0-9]{1,2}\.[0-9]{1,3}")  # "3.2"; anything else filters nothing


def _filters() -> RegisterFilters:
    """Filters from the URL; malformed ids and unknown levels are dropped rather than failing."""
    value = {
        k: request.args.get(k, "").strip()
        for k in ("area", "level", "actor", "assignment", "assignment_q", "q")
    }

    return RegisterFilters(
        area=value["area"] if _AREA_NUMBER.fullmatch(value["area"]) else "",
        level=value["level"] if value["level"] in LEVEL_FILTERS else "",
        actor=parse_id(value["actor"]),
        assignment=parse_id(value["assignment"]),
        assignment_q=value["assignment_q"][:200].replace("\x00", ""),
        q=value["q"][:200].replace("\x00", ""),
    )


@bp.get("/register")
def overview() -> ResponseReturnValue:
    db = db_session()
    filters = _filters()
    page = register_page(
        db,
        filters,
        page_request(),
        can_see_confidential=current_user.can_see_confidential,
    )
    return render_template(
        "register/overview.html",
        rows=page.items,
        page=page,
        args=filters,
        levels=filter_levels(db),
        areas=filter_areas(db),
        actors=filter_actors(db),
        assignment=filter_assignment(db, filters.assignment),
        filtered=filters.any,
    )


@bp.get("/capabilities/<number>")
def capability(number: str) -> ResponseReturnValue:
    detail = capability_detail(
        db_session(), number, can_see_confidential=current_user.can_see_confidential
    )
    return render_template(
        "register/capability.html",
        detail=detail,
        cap=detail.capability,
        changed_fields=changed_fields,
        confirm=ConfirmForm(),
        round_history=capability_round_history(db_session(), detail.capability.id),
        commitments=commitments(db_session(), capability_number=detail.capability.number),
        linked=request.args.get("linked", type=int),
    )


@bp.route("/capabilities/<number>/assignments/link", methods=["GET", "POST"])
@editor_required
def link_assignment(number: str) -> ResponseReturnValue:
    """Search every linkable assignment (dnr spelled either way, or title words), page through
    them, link one; then back to the capability's links with the new one highlighted."""
    cap = capability_or_not_found(db_session(), number)
    db = db_session()
    query = (request.values.get("q") or "").replace("\x00", "").strip()[:200]  # NUL: PostgreSQL
    page = linkable_assignments(db, cap.id, query, page_request())
    form = LinkAssignmentForm()
    form.assignment_id.choices = to_choices((a.assignment_id, a.title) for a in page.items)

    def page_html() -> str:
        return render_template(
            "register/link_assignment.html", form=form, cap=cap, page=page, query=query
        )

    if form.is_submitted():
        chosen = chosen_row(db, Assignment, parse_id(form.assignment_id.data))
        if chosen is not None:  # chosen on this page of the list, whichever page is shown now
            form.assignment_id.choices += to_choices([(chosen.id, chosen.title)])
        if not form.validate() or chosen is None:
            if chosen is None:
                form.assignment_id.errors = [_("Välj ett regeringsuppdrag i listan.")]
            return page_html(), 422
        return save(
            form,
            lambda: services.link_assignment(
                db, acting_user(), cap, chosen, partial=form.partial.data, note=form.note.data
            ),
            render=lambda _conflict: page_html(),
            success=_("Uppdraget är kopplat till %(number)s.", number=cap.number),
            redirect_to=lambda link: url_for(
                "register.capability", number=cap.number, linked=link.id, _anchor="links"
            ),
        )
    return page_html()


@bp.post("/capabilities/<number>/assignments/<int:link_id>/end")
@editor_required
def end_assignment_link(number: str, link_id: int) -> ResponseReturnValue:
    cap = capability_or_not_found(db_session(), number)
    db = db_session()
    link = one_or_not_found(db, CapabilityAssignment, link_id)
    if link.capability_id != cap.id:
        abort(400)
    return _end(
        cap,
        lambda: services.end_assignment_link(db, acting_user(), link),
        _("Kopplingen till uppdraget är avslutad."),
    )


@bp.route("/capabilities/<number>/responsibilities/new", methods=["GET", "POST"])
@editor_required
def new_responsibility(number: str) -> ResponseReturnValue:
    cap = capability_or_not_found(db_session(), number)
    db = db_session()
    form = ResponsibilityForm()
    form.actor_id.choices = to_choices([("", _("Välj aktör")), *choices.active_actors(db)])

    def render(conflict: ConflictView | None) -> str:
        return render_template("register/responsibility_form.html", form=form, cap=cap)

    if form.is_submitted():
        actor = chosen_row(db, Actor, parse_id(form.actor_id.data))
        if not form.validate() or actor is None:
            if actor is None:
                form.actor_id.errors = [_("Välj en aktör.")]
            return render(None), 422
        return save(
            form,
            lambda: services.add_responsibility(
                db, acting_user(), cap, actor, role=form.role.data or "", note=form.note.data
            ),
            render=render,
            success=_("Ansvaret är registrerat."),
            redirect_to=url_for("register.capability", number=cap.number),
        )
    return render(None)


@bp.post("/capabilities/<number>/responsibilities/<int:responsibility_id>/end")
@editor_required
def end_responsibility(number: str, responsibility_id: int) -> ResponseReturnValue:
    cap = capability_or_not_found(db_session(), number)
    db = db_session()
    responsibility = one_or_not_found(db, Responsibility, responsibility_id, capability_id=cap.id)
    return _end(
        cap,
        lambda: services.end_responsibility(db, acting_user(), responsibility),
        _("Ansvaret är avslutat."),
    )


def _end(cap: Capability, end: Callable[[], object], success: str) -> ResponseReturnValue:
    """End a link or a responsibility from its confirm button; back to the capability page."""
    form = confirmed(ConfirmForm())
    back = url_for("register.capability", number=cap.number)
    return save(form, end, back=back, success=success, redirect_to=back)


def _area_choices() -> list[tuple[str, str]]:
    return [(str(a.id), f"{a.number} {a.title}") for a in choices.areas(db_session())]


@bp.route("/capabilities/new", methods=["GET", "POST"])
@admin_required
def new_capability() -> ResponseReturnValue:
    form = CapabilityForm()
    form.area.choices = to_choices(_area_choices())

    def render(conflict: ConflictView | None) -> str:
        return render_template("register/capability_form.html", form=form, cap=None)

    if form.is_submitted():
        db = db_session()
        area = chosen_row(db, Area, parse_id(form.area.data))
        if area is None or not form.validate():
            form.area.errors = [_("Välj ett område.")] if area is None else form.area.errors
            return render(None), 422
        return save(
            form,
            lambda: services.create_capability(
                db,
                acting_user(),
                area=area,
                number=form.number.data or "",
                title=form.title.data or "",
                assignments_note=form.assignments_note.data,
            ),
            render=render,
            success=lambda cap: _("Delförmåga %(number)s är tillagd.", number=cap.number),
            redirect_to=lambda cap: url_for("register.capability", number=cap.number),
        )
    return render(None)


@bp.route("/capabilities/<number>/edit", methods=["GET", "POST"])
@admin_required
def edit_capability(number: str) -> ResponseReturnValue:
    cap = capability_or_not_found(db_session(), number)
    form = CapabilityForm(obj=cap if request.method == "GET" else None)
    form.area.choices = to_choices(_area_choices())
    if request.method == "GET":
        form.version.data = str(cap.version)
    if form.is_submitted():
        return save(
            form,
            lambda: services.update_capability(
                db_session(),
                acting_user(),
                cap,
                form.to_input(),
                expected_version=parse_version(form.version.data),
            ),
            render=lambda conflict: render_template(
                "register/capability_form.html", form=form, cap=cap
            ),
            success=_("Delförmåga %(number)s är uppdaterad.", number=cap.number),
            redirect_to=url_for("register.capability", number=cap.number),
        )
    return render_template("register/capability_form.html", form=form, cap=cap)


@bp.route("/capabilities/<number>/retire", methods=["GET", "POST"])
@admin_required
def retire_capability(number: str) -> ResponseReturnValue:
    cap = capability_or_not_found(db_session(), number)
    form = RetireForm()
    return submit(
        form,
        lambda: services.retire_capability(
            db_session(), acting_user(), cap, retired_on=form.retired_on.data or ""
        ),
        render=lambda conflict: render_template("register/retire_form.html", form=form, cap=cap),
        success=_("Delförmåga %(number)s är avvecklad.", number=cap.number),
        redirect_to=url_for("register.capability", number=cap.number),
    )


from web.register import assessments as _assessments  # noqa: E402,F401  (registers its routes)
