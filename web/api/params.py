"""Query-string parameters of the API, refused with a Swedish message naming the parameter."""

from __future__ import annotations

import re
from datetime import date

from flask import request
from flask_babel import gettext as _

from capabilities.queries.gaps import DEFAULT_STALE_MONTHS
from capabilities.queries.pagination import PageRequest

MAX_PER_PAGE = 500
MAX_PAGE = 999_999_999  # nine digits, as the OpenAPI document says
DEFAULT_PER_PAGE = 100
_INTEGER = re.compile(r"\d{1,9}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadParameter(Exception):
    """A query-string parameter the API cannot use; becomes a 400 answer."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def _value(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def _integer(name: str, default: int, low: int, high: int | None) -> int:
    text = _value(name)
    if text is None:
        return default
    number = int(text) if _INTEGER.fullmatch(text) else None
    if number is None or number < low or (high is not None and number > high):
        if high is None:
            message = _(
                "Parametern %(name)s måste vara ett heltal som är minst %(low)s.",
                name=name,
                low=low,
            )
        else:
            message = _(
                "Parametern %(name)s måste vara ett heltal från %(low)s till %(high)s.",
                name=name,
                low=low,
                high=high,
            )
        raise BadParameter(name, message)
    return number


def page_request() -> PageRequest:
    """`page` (≥ 1) and `per_page` (1–500, default 100)."""
    return PageRequest(
        page=_integer("page", 1, 1, MAX_PAGE),
        per_page=_integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def as_of() -> date | None:
    """`as_of=YYYY-MM-DD`: the register as it stood at the end of that day."""
    text = _value("as_of")
    if text is None and "as_of" not in request.args:
        return None
    try:
        if text is None:
            raise ValueError("empty")  # `as_of=` is a mistake, not "today"
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise BadParameter(
            "as_of",
            _("Parametern as_of måste vara ett datum i formen ÅÅÅÅ-MM-DD, t.ex. 2025-01-31."),
        ) from None


def stale_months() -> int:
    """`stale_months` (1–240, default 12): an older assessment counts as stale."""
    return _integer("stale_months", DEFAULT_STALE_MONTHS, 1, 240)
