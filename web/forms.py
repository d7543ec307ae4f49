"""Shared form handling: the one way a view runs a service on a submitted form.

`save()` runs the service; on `ValidationFailed` it rolls back, puts the Swedish messages on the
form's fields and re-renders with 422; on a `PermissionDenied` that names a field (an admin
demoting themselves) the same with 403; on `Conflict` (someone saved first) it rolls back and
re-renders with 409 and both versions compared; otherwise it commits once, flashes and redirects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, flash, redirect, request
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.queries.pagination import PageRequest
from web.db import db_session

T = TypeVar("T")

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


def save(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    render: Callable[[ConflictView | None], str],
    success: str | Callable[[T], str],
    redirect_to: str | Callable[[T], str],
    conflict: Callable[[], list[ComparedField]] | None = None,
) -> ResponseReturnValue:
    """Run `action` (a service call) and answer: 422 with errors, 409 with the comparison, or
    commit + flash + redirect.

    `conflict` reloads what is stored now (after the rollback), moves the form's version on to
    it and returns the compared fields; without it a Conflict goes to the central 409 page.
    """
    db = db_session()
    try:
        result = action()
    except ValidationFailed as exc:
        db.rollback()
        apply_errors(form, exc)
        return render(None), 422
    except PermissionDenied as exc:
        if exc.field is None:
            raise  # the central 403 page
        db.rollback()
        apply_errors(form, ValidationFailed({exc.field: [exc.message]}))
        return render(None), 403
    except Conflict as exc:
        if conflict is None:
            raise
        db.rollback()
        return render(ConflictView(exc.message, conflict())), 409
    db.commit()
    flash(success(result) if callable(success) else success, "success")
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def submit(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    render: Callable[[ConflictView | None], str],
    success: str | Callable[[T], str],
    redirect_to: str | Callable[[T], str],
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
            conflict=conflict,
        )
    return render(None), 422 if form.is_submitted() else 200
