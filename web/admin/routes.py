"""Administration: users (create, edit, deactivate, reset password) and the status scale."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from capabilities import services
from capabilities.db import Session
from capabilities.models import StatusLevel, User
from capabilities.queries.lookup import one_or_not_found
from capabilities.queries.users import organisation_options, scale_levels, user_rows
from web.access import acting_user, admin_required
from web.admin.forms import (
    ConfirmForm,
    LevelForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
    compare,
    stored_data,
)
from web.db import db_session
from web.forms import (
    ComparedField,
    ConflictView,
    compare_fields,
    confirmed,
    parse_version,
    save,
    submit,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
    return submit(
        form,
        lambda: services.create_user(db, acting_user(), form.to_input()),
        render=lambda conflict: render_template("admin/user_new.html", form=form),
        success=lambda user: _("Användaren ”%(username)s” är skapad.", username=user.username),
        redirect_to=url_for(".users"),
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> ResponseReturnValue:
    """Edit with optimistic concurrency: a stale version gets 409 with both versions shown."""
    db = db_session()
    user = _user(db, user_id)
    form = UserEditForm(data=stored_data(user) if request.method == "GET" else None)
    _set_organisations(db, form, user.organisation_id)

    def update() -> None:
        # A refusal (demoting or clearing oneself, a cleared user's e-mail without clearance)
        # names its field: save() shows it there with 403.
        services.update_user(
            db,
            acting_user(),
            user,
            form.to_input(),
            expected_version=parse_version(form.version.data),
        )

    def reload_and_compare() -> list[ComparedField]:
        _set_organisations(db, form, user.organisation_id)  # user reloads after the rollback
        conflict = compare(form, user)
        form.version.data = str(user.version)
        return conflict

    return submit(
        form,
        update,
        render=lambda conflict: _render_edit(user, form, conflict=conflict),
        success=lambda _none: _(
            "Ändringarna för ”%(username)s” är sparade.", username=user.username
        ),
        redirect_to=url_for(".users"),
        conflict=reload_and_compare,
    )


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate_user(user_id: int) -> ResponseReturnValue:
    db = db_session()
    user = _user(db, user_id)
    form = confirmed(ConfirmForm())
    return save(
        form,
        lambda: services.deactivate_user(db, acting_user(), user),  # oneself: the 403 page
        back=url_for(".users"),
        success=_(
            "”%(username)s” är inaktiverad och kan inte längre logga in.", username=user.username
        ),
        redirect_to=url_for(".users"),
    )


@bp.post("/users/<int:user_id>/password")
@admin_required
def set_password(user_id: int) -> ResponseReturnValue:
    db = db_session()
    user = _user(db, user_id)
    password_form = confirmed(PasswordResetForm())

    def render_refused(_conflict: ConflictView | None) -> str:
        form = UserEditForm(data=stored_data(user))  # the user reloads after the rollback
        _set_organisations(db, form, user.organisation_id)
        return _render_edit(user, form, password_form=password_form)

    return save(
        password_form,
        lambda: services.set_password(
            db, acting_user(), user, new_password=password_form.new_password.data or ""
        ),
        render=render_refused,
        success=_(
            "Nytt lösenord är satt för ”%(username)s”. "
            "Lämna det till användaren på ett säkert sätt.",
            username=user.username,
        ),
        redirect_to=url_for(".edit_user", user_id=user_id),
    )


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
    stored = one_or_not_found(
        db, StatusLevel, level, _("Nivå %(level)s finns inte på skalan.", level=level)
    )
    form = confirmed(LevelForm(prefix=_prefix(level)))

    def compare() -> list[ComparedField]:
        form.version.data = str(stored.version)  # reloaded after the rollback
        return compare_fields(
            {"label": _("Benämning")}, {"label": form.label.data or ""}, {"label": stored.label}
        )

    return save(
        form,
        lambda: services.rename_level(
            db,
            acting_user(),
            stored,
            label=form.label.data or "",
            expected_version=parse_version(form.version.data),
        ),
        render=lambda conflict: _render_scale(scale_levels(db), {level: form}, level, conflict),
        success=lambda _none: _(
            "Nivå %(level)s heter nu ”%(label)s”.", level=level, label=stored.label
        ),
        redirect_to=url_for(".scale"),
        conflict=compare,
    )


# --- helpers ---------------------------------------------------------------------------------


def _user(db: Session, user_id: int) -> User:
    """A user an admin may edit: exists and is not the system user."""
    return one_or_not_found(db, User, user_id, _("Användaren finns inte."), is_system=False)


def _prefix(level: int) -> str:
    return f"level{level}"


def _set_organisations(db: Session, form: UserCreateForm | UserEditForm, keep: int | None) -> None:
    form.organisation_id.choices = [SelectChoice("", _("Ingen organisation"))] + [
        SelectChoice(str(o.id), o.label) for o in organisation_options(db, keep)
    ]


def _render_edit(
    user: User,
    form: UserEditForm,
    *,
    password_form: PasswordResetForm | None = None,
    conflict: ConflictView | None = None,
) -> str:
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form,
        password_form=password_form or PasswordResetForm(formdata=None),
        is_self=user.id == acting_user().id,
        conflict=conflict,
    )


def _render_scale(
    levels: list[StatusLevel],
    forms: dict[int, LevelForm] | None = None,
    conflict_level: int | None = None,
    conflict: ConflictView | None = None,
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
    return render_template(
        "admin/scale.html",
        levels=levels,
        forms=shown,
        conflict_level=conflict_level if conflict else None,
        conflict=conflict,
    )
