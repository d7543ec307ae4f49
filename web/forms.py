"""Shared form handling: the one way a view runs a service on a submitted form.

`save()` runs the service; on `ValidationFailed` it rolls back, puts the Swedish messages on the
form's fields and re-renders with 422; on a `PermissionDenied` that names a field (an admin
demoting themselves) the same with 403; on `Conflict` (someone saved first) it rolls back and
re-renders with 409 and both versions compared; otherwise it commits once, flashes and redirects.
Small forms (a button on a list) flash the messages and go back instead (`back=`). This module
is the only place in web/ that catches `ValidationFailed` (tests/test_guard_forms.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from flask import abort, current_app, flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.models import User
from capabilities.queries.pagination import PageRequest
from web.access import acting_user
from web.db import db_session

T = TypeVar("T")
F = TypeVar("F", bound=FlaskForm)
R_contra = TypeVar("R_contra", contravariant=True)
I_contra = TypeVar("I_contra", contravariant=True)
T_co = TypeVar("T_co", covariant=True)

Shown = str | list[str]


def apply_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Attach each field's Swedish messages; unknown fields go to form.form_errors."""
    for name, messages in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + messages
        else:
            form.form_errors.extend(messages)


def to_choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms SelectChoice objects (tuples are deprecated in 3.3)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def is_id(text: str | None) -> bool:
    """A plain ASCII number of at most nine digits, such as "42": the one id check.

    str.isdigit alone also accepts "²" (which int() refuses); longer numbers would overflow
    PostgreSQL's integer columns.
    """
    return text is not None and 0 < len(text) <= 9 and text.isascii() and text.isdigit()


def parse_id(text: str | None) -> int | None:
    """The id in a form or URL value, or None for anything that is not a plain number."""
    return int(text) if text is not None and is_id(text) else None


def parse_version(raw: str | None) -> int:
    """The version a form was based on; garbage counts as stale (never a silent overwrite)."""
    version = parse_id(raw)
    return -1 if version is None else version


def page_request() -> PageRequest:
    """The list page asked for by `?page=` (junk means page 1), PAGE_SIZE rows a page."""
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    return PageRequest(number, current_app.config["PAGE_SIZE"])


# --- the conflict box ------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedField:
    """One row of the conflict box: a field as submitted and as stored now."""

    label: str
    mine: Shown
    stored: Shown

    @property
    def differs(self) -> bool:
        return self.mine != self.stored


@dataclass(frozen=True)
class ConflictView:
    """What the conflict macro shows: the service's message and the compared fields."""

    message: str
    fields: list[ComparedField]


def shown_text(value: Any) -> Shown:
    """A plain field value as the conflict box shows it ("–" for nothing)."""
    if isinstance(value, list):
        return [str(item) for item in value]
    text = str(value).strip() if value is not None else ""
    return text or "–"


def compare_fields(
    labels: Mapping[str, Any],
    mine: Mapping[str, Any],
    stored: Mapping[str, Any],
    shown: Callable[[str, Any], Shown] = lambda _name, value: shown_text(value),
) -> list[ComparedField]:
    """Both versions side by side, one row per labelled field, in the labels' order."""
    return [
        ComparedField(str(label), shown(name, mine[name]), shown(name, stored[name]))
        for name, label in labels.items()
    ]


# --- running a service on a submitted form ---------------------------------------------------

Render = Callable[[ConflictView | None], str]


def save(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    render: Render | None = None,
    back: str | None = None,
    error_category: str = "error",
    success: str | Callable[[T], str] | None = None,
    redirect_to: str | Callable[[T], str] | None = None,
    respond: Callable[[T], ResponseReturnValue] | None = None,
    conflict: Callable[[], list[ComparedField]] | None = None,
) -> ResponseReturnValue:
    """Run `action` (a service call) and answer: the refusal, or commit + flash + redirect.

    A refusal is shown one of two ways. With `render` (a page with the form) the page comes
    back with the messages on their fields: 422 for `ValidationFailed`, 403 for a
    `PermissionDenied` naming a field, 409 with both versions compared for `Conflict` when
    `conflict` reloads what is stored now (after the rollback), moves the form's version on to
    it and returns the compared fields. With `back` (a small form on a list, a button) the
    messages of a `ValidationFailed` are flashed with `error_category` and the browser goes
    back to that URL. Anything else (any refusal of a button, a Conflict without `conflict`)
    goes to the central error pages.

    After the commit, `respond(result)` answers when the response is not a redirect (a token
    shown once); otherwise `success` is flashed and the browser goes to `redirect_to`.
    """
    if (render is None) == (back is None):
        raise TypeError("save() takes either render= or back=")
    if respond is None and (success is None or redirect_to is None):
        raise TypeError("save() takes respond= or both success= and redirect_to=")
    db = db_session()
    try:
        result = action()
    except ValidationFailed as exc:
        db.rollback()
        return _refused(form, exc, 422, render, back, error_category)
    except PermissionDenied as exc:
        if exc.field is None or render is None:
            raise  # the central 403 page
        db.rollback()
        return _refused(
            form, ValidationFailed({exc.field: [exc.message]}), 403, render, back, error_category
        )
    except Conflict as exc:
        if conflict is None or render is None:
            raise  # the central 409 page
        db.rollback()
        return render(ConflictView(exc.message, conflict())), 409
    db.commit()
    if respond is not None:
        return respond(result)
    assert success is not None and redirect_to is not None
    flash(success(result) if callable(success) else success, "success")
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def _refused(
    form: FlaskForm,
    exc: ValidationFailed,
    status: int,
    render: Render | None,
    back: str | None,
    category: str,
) -> ResponseReturnValue:
    """The form again with its messages, or the messages flashed on the way back."""
    if render is not None:
        apply_errors(form, exc)
        return render(None), status
    assert back is not None
    for messages in exc.errors.values():
        for message in messages:
            flash(message, category)
    return redirect(back)


def submit(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    render: Render,
    success: str | Callable[[T], str] | None = None,
    redirect_to: str | Callable[[T], str] | None = None,
    respond: Callable[[T], ResponseReturnValue] | None = None,
    conflict: Callable[[], list[ComparedField]] | None = None,
) -> ResponseReturnValue:
    """The whole GET/POST form view: show the form (422 when a submission did not validate),
    or `save()` a valid submission."""
    if form.validate_on_submit():
        return save(
            form,
            action,
            render=render,
            success=success,
            redirect_to=redirect_to,
            respond=respond,
            conflict=conflict,
        )
    return render(None), 422 if form.is_submitted() else 200


class UpdateService(Protocol[R_contra, I_contra, T_co]):
    """An update service: (session, acting user, the row, the form's input, its version)."""

    def __call__(
        self, session: Any, user: User, row: R_contra, data: I_contra, /, *, expected_version: int
    ) -> T_co: ...


def submit_edit(
    form: FlaskForm,
    update: UpdateService[R_contra, Any, T],
    row: R_contra,
    *,
    render: Render,
    success: str,
    redirect_to: str,
    conflict: Callable[[], list[ComparedField]],
) -> ResponseReturnValue:
    """The edit view of a row: `submit()` running `update` on the form's input (`to_input()`)
    with the version the form was based on, so that a stale one is a 409 with both shown."""
    return submit(
        form,
        lambda: update(
            db_session(),
            acting_user(),
            row,
            form.to_input(),
            expected_version=parse_version(form.version.data),
        ),
        render=render,
        success=success,
        redirect_to=redirect_to,
        conflict=conflict,
    )


def confirmed(form: F) -> F:
    """A button's small POST form (its CSRF token, hidden fields) validated; otherwise 400."""
    if not form.validate_on_submit():
        abort(400)
    return form
