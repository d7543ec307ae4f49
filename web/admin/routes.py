"""Administration: users (create, edit, deactivate, reset password) and the status scale."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy.orm as so
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from capabilities import services
from capabilities.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from capabilities.models import StatusLevel, User
from web.access import acting_user, admin_required
from web.admin.forms import (
    ComparedField,
    ConfirmForm,
    LevelForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    compare,
    stored_data,
    user_data,
)
from web.admin.queries import editable_user, organisation_options, scale_levels, user_rows
from web.db import db_session
from web.forms import apply_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")

_ID = re.compile(r"\d{1,9}")


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    return redirect(url_for(".users"))


# --- users -----------------------------------------------------------------------------------


@bp.get("/users")
@admin_required
def users() -> ResponseReturnValue:
    return render_template("admin/users.html", users=user_rows(db_session()))


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> ResponseReturnValue:
    db = db_session()
    form = UserCreateForm()
    _set_organisations(db, form, None)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                db,
                acting_user(),
                username=form.username.data,
                password=form.password.data,
                **user_data(form),
            )
        except ValidationFailed as exc:
            db.rollback()
            apply_errors(form, exc)
            return render_template("admin/user_new.html", form=form), 422
        db.commit()
        flash(_("Användaren ”%(username)s” är skapad.", username=user.username), "success")
        return redirect(url_for(".users"))
    return render_template("admin/user_new.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> ResponseReturnValue:
    """Edit with optimistic concurrency: a stale version gets 409 with both versions shown."""
    db = db_session()
    user = _user(db, user_id)
    form = UserEditForm(data=stored_data(user) if request.method == "GET" else None)
    _set_organisations(db, form, user.organisation_id)
    if form.validate_on_submit():
        try:
            services.update_user(
                db,
                acting_user(),
                user,
                expected_version=_version(form.version.data),
                is_active=form.is_active.data,
                **user_data(form),
            )
        except ValidationFailed as exc:
            db.rollback()
            apply_errors(form, exc)
            return _render_edit(user, form), 422
        except PermissionDenied as exc:  # an admin demoting, deactivating or clearing themselves
            db.rollback()
            culprit = (
                form.role
                if form.role.data != "admin"
                else form.is_active
                if not form.is_active.data
                else form.can_see_confidential
            )
            culprit.errors = [*culprit.errors, exc.message]
            return _render_edit(user, form), 403
        except Conflict as exc:
            db.rollback()
            user = _user(db, user_id)
            _set_organisations(db, form, user.organisation_id)
            conflict = compare(form, user)
            form.version.data = str(user.version)
            return _render_edit(user, form, conflict=conflict, message=exc.message), 409
        db.commit()
        flash(_("Ändringarna för ”%(username)s” är sparade.", username=user.username), "success")
        return redirect(url_for(".users"))
    return _render_edit(user, form), 422 if form.is_submitted() else 200


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate_user(user_id: int) -> ResponseReturnValue:
    db = db_session()
    user = _user(db, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.deactivate_user(db, acting_user(), user)  # PermissionDenied for oneself → 403
    db.commit()
    flash(
        _("”%(username)s” är inaktiverad och kan inte längre logga in.", username=user.username),
        "success",
    )
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/password")
@admin_required
def set_password(user_id: int) -> ResponseReturnValue:
    db = db_session()
    user = _user(db, user_id)
    password_form = PasswordResetForm()
    if not password_form.validate_on_submit():
        abort(400)
    try:
        services.set_password(
            db, acting_user(), user, new_password=password_form.new_password.data or ""
        )
    except ValidationFailed as exc:
        db.rollback()
        apply_errors(password_form, exc)
        form = UserEditForm(data=stored_data(user))
        _set_organisations(db, form, user.organisation_id)
        return _render_edit(user, form, password_form=password_form), 422
    db.commit()
    flash(
        _(
            "Nytt lösenord är satt för ”%(username)s”. "
            "Lämna det till användaren på ett säkert sätt.",
            username=user.username,
        ),
        "success",
    )
    return redirect(url_for(".edit_user", user_id=user_id))


# --- scale -----------------------------------------------------------------------------------


@bp.get("/scale")
@admin_required
def scale() -> ResponseReturnValue:
    return _render_scale(scale_levels(db_session()))


@bp.post("/scale/<int:level>")
@admin_required
def rename_level(level: int) -> ResponseReturnValue:
    """Rename one level's Swedish label; its number (the meaning) never changes."""
    db = db_session()
    stored = db.get(StatusLevel, level)
    if stored is None:
        raise NotFound(_("Nivå %(level)s finns inte på skalan.", level=level))
    form = LevelForm(prefix=_prefix(level))
    if not form.validate_on_submit():
        abort(400)
    try:
        services.rename_level(
            db,
            acting_user(),
            stored,
            label=form.label.data or "",
            expected_version=_version(form.version.data),
        )
    except ValidationFailed as exc:
        db.rollback()
        apply_errors(form, exc)
        return _render_scale(scale_levels(db), {level: form}), 422
    except Conflict as exc:
        db.rollback()
        levels = scale_levels(db)
        current = next(lv for lv in levels if lv.level == level)
        form.version.data = str(current.version)
        conflict = LevelConflict(level, exc.message, form.label.data or "", current.label)
        return _render_scale(levels, {level: form}, conflict), 409
    db.commit()
    flash(_("Nivå %(level)s heter nu ”%(label)s”.", level=level, label=stored.label), "success")
    return redirect(url_for(".scale"))


# --- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelConflict:
    level: int
    message: str
    mine: str
    stored: str


def _user(db: so.Session, user_id: int) -> User:
    user = editable_user(db, user_id)
    if user is None:
        raise NotFound(_("Användaren finns inte."))
    return user


def _version(raw: str | None) -> int:
    """The version the form was based on; garbage counts as stale (never a silent overwrite)."""
    return int(raw) if raw and _ID.fullmatch(raw) else -1


def _prefix(level: int) -> str:
    return f"level{level}"


def _set_organisations(
    db: so.Session, form: UserCreateForm | UserEditForm, keep: int | None
) -> None:
    form.organisation_id.choices = [SelectChoice("", _("Ingen organisation"))] + [
        SelectChoice(str(o.id), o.label) for o in organisation_options(db, keep)
    ]


def _render_edit(
    user: User,
    form: UserEditForm,
    *,
    password_form: PasswordResetForm | None = None,
    conflict: list[ComparedField] | None = None,
    message: str | None = None,
) -> str:
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form,
        password_form=password_form or PasswordResetForm(formdata=None),
        is_self=user.id == acting_user().id,
        conflict=conflict,
        conflict_message=message,
    )


def _render_scale(
    levels: list[StatusLevel],
    forms: dict[int, LevelForm] | None = None,
    conflict: LevelConflict | None = None,
) -> str:
    """The scale page; `forms` holds the submitted form of a level whose rename was refused."""
    shown = dict(forms or {})
    for level in levels:
        if level.level not in shown:
            shown[level.level] = LevelForm(
                formdata=None,
                prefix=_prefix(level.level),
                data={"label": level.label, "version": str(level.version)},
            )
    return render_template("admin/scale.html", levels=levels, forms=shown, conflict=conflict)
