"""Actors: the list, one actor's page, and (for admins) creating, editing and retiring."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from capabilities import services
from capabilities.models import Actor
from capabilities.queries.actors import ActorFilters, actor_detail, actor_list
from capabilities.queries.lookup import one_or_not_found
from web.access import acting_user, admin_required
from web.actors.forms import (
    BEREDSKAP_LABELS,
    BEREDSKAP_VALUES,
    FIELD_LABELS,
    KIND_LABELS,
    PUBLIC_LABELS,
    PUBLIC_VALUES,
    ActorForm,
    ConfirmForm,
    stored_data,
)
from web.assignments.forms import STATUS_LABELS
from web.db import db_session
from web.forms import (
    ComparedField,
    ConflictView,
    Shown,
    compare_fields,
    confirmed,
    save,
    shown_text,
    submit,
    submit_edit,
)
from web.measures.forms import STATE_LABELS as MEASURE_STATE_LABELS

bp = Blueprint("actors", __name__, url_prefix="/actors")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "KIND_LABELS": KIND_LABELS,
        "PUBLIC_LABELS": PUBLIC_LABELS,
        "BEREDSKAP_LABELS": BEREDSKAP_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "MEASURE_STATE_LABELS": MEASURE_STATE_LABELS,
    }


@bp.get("/")
def index() -> ResponseReturnValue:
    kind = request.args.get("kind", "")
    filters = ActorFilters(
        kind=kind if kind in KIND_LABELS else "", q=request.args.get("q", "").strip()[:200]
    )
    return render_template(
        "actors/index.html", actors=actor_list(db_session(), filters), filters=filters
    )


@bp.get("/<int:actor_id>")
def detail(actor_id: int) -> ResponseReturnValue:
    found = actor_detail(
        db_session(), actor_id, can_see_confidential=current_user.can_see_confidential
    )
    return render_template(
        "actors/detail.html", detail=found, actor=found.actor, confirm=ConfirmForm()
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> ResponseReturnValue:
    form = ActorForm()
    return submit(
        form,
        lambda: services.create_actor(db_session(), acting_user(), form.to_input()),
        render=lambda conflict: _render_form(form, None),
        success=lambda actor: _("Aktören %(name)s är tillagd.", name=actor.name),
        redirect_to=lambda actor: url_for(".detail", actor_id=actor.id),
    )


@bp.route("/<int:actor_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(actor_id: int) -> ResponseReturnValue:
    """Edit with optimistic concurrency: a stale version gets 409 with both versions shown."""
    actor = one_or_not_found(db_session(), Actor, actor_id)
    form = ActorForm(data=stored_data(actor) if request.method == "GET" else None)

    def compare() -> list[ComparedField]:
        form.version.data = str(actor.version)  # reloaded after the rollback
        return compare_fields(FIELD_LABELS, _submitted(form), stored_data(actor), _shown)

    return submit_edit(
        form,
        services.update_actor,
        actor,
        render=lambda conflict: _render_form(form, actor, conflict),
        success=_("Aktören är uppdaterad."),
        redirect_to=url_for(".detail", actor_id=actor_id),
        conflict=compare,
    )


@bp.post("/<int:actor_id>/retire")
@admin_required
def retire(actor_id: int) -> ResponseReturnValue:
    """Actors are retired, never deleted: their responsibilities and history stay readable."""
    db = db_session()
    actor = one_or_not_found(db, Actor, actor_id)
    form = confirmed(ConfirmForm())
    back = url_for(".detail", actor_id=actor_id)
    if actor.retired_on is not None:
        flash(_("Aktören var redan avvecklad."), "info")
        return redirect(back)
    return save(
        form,
        lambda: services.retire_actor(db, acting_user(), actor, retired_on=date.today()),
        back=back,
        success=_("Aktören %(name)s är avvecklad.", name=actor.name),
        redirect_to=back,
    )


# --- helpers ---------------------------------------------------------------------------------


def _submitted(form: ActorForm) -> dict[str, Any]:
    return {name: form[name].data for name in FIELD_LABELS}


def _shown(name: str, value: Any) -> Shown:
    """A field value (as form data) the way the conflict box shows it."""
    if name == "kind":
        return str(KIND_LABELS.get(value, value or "–"))
    if name == "is_public":
        return str(PUBLIC_LABELS.get(PUBLIC_VALUES.get(value, True)))
    if name == "is_beredskapsmyndighet":
        return str(BEREDSKAP_LABELS[BEREDSKAP_VALUES.get(value or "")])
    return shown_text(value)


def _render_form(
    form: ActorForm,
    actor: Actor | None,
    conflict: ConflictView | None = None,
) -> str:
    return render_template(
        "actors/form.html",
        form=form,
        actor=actor,
        cancel=url_for(".detail", actor_id=actor.id) if actor else url_for(".index"),
        conflict=conflict,
    )
