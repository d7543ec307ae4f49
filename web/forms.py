"""Shared form helpers: put a service's ValidationFailed messages on the form's fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from capabilities.errors import ValidationFailed
from capabilities.queries.pagination import PageRequest


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
    """A plain ASCII number such as "42" (str.isdigit also accepts "²", which int() refuses)."""
    return bool(text) and text.isascii() and text.isdigit()  # type: ignore[union-attr]


def page_request() -> PageRequest:
    """The list page asked for by `?page=` (junk means page 1), PAGE_SIZE rows a page."""
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    return PageRequest(number, current_app.config["PAGE_SIZE"])
