"""Query-string parameters of the API, refused with a Swedish message naming the parameter."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from flask import request
from flask_babel import gettext as _

from capabilities.queries.gap_view import DEFAULT_SORT, SORT_NAMES
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS, FLAG_NAMES
from capabilities.queries.pagination import PageRequest
from web.api.openapi import openapi_document

MAX_PER_PAGE = 500
MAX_PAGE = 999_999_999  # nine digits, as the OpenAPI document says
DEFAULT_PER_PAGE = 100
_INTEGER = re.compile(r"\d{1,9}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AREA = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}")


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


def gap_flags() -> list[str]:
    """`flag` (repeatable): gap flags that must all be set."""
    wanted = [value.strip() for value in request.args.getlist("flag")]
    for value in wanted:
        if value not in FLAG_NAMES:
            raise BadParameter(
                "flag",
                _(
                    "Parametern flag måste vara en av: %(names)s.",
                    names=", ".join(FLAG_NAMES),
                ),
            )
    return [name for name in FLAG_NAMES if name in wanted]


def gap_area() -> str:
    """`area`: an area number such as 3.2 (checked against the register by the caller)."""
    text = _value("area") or ""
    if text and not _AREA.fullmatch(text):
        raise BadParameter("area", _("Parametern area är ett områdesnummer, t.ex. 3.2."))
    return text


def gap_sort() -> str:
    """`sort`: one of the gaps view's orders, weakest first (default register order)."""
    text = _value("sort") or DEFAULT_SORT
    if text not in SORT_NAMES:
        raise BadParameter(
            "sort",
            _("Parametern sort måste vara en av: %(names)s.", names=", ".join(SORT_NAMES)),
        )
    return text


_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@cache
def _declared(prefix: str) -> dict[str, frozenset[str]]:
    """Query parameters per path, from the OpenAPI document: the one list of what each route
    reads, so the document and the refusal cannot disagree."""
    document = openapi_document(prefix)
    parameters = document["components"]["parameters"]
    declared = {}
    for path, operations in document["paths"].items():
        names = set()
        for ref in operations["get"].get("parameters", []):
            parameter = parameters[ref["$ref"].rsplit("/", 1)[1]]
            if parameter["in"] == "query":
                names.add(parameter["name"])
        declared[path] = frozenset(names)
    return declared


def refuse_unknown_parameters(prefix: str) -> None:
    """A misspelled parameter (`per_pgae=5`, `asof=…`) is a 400 naming it, never silently
    ignored: the caller would take a default page or today's register for what they asked."""
    if request.url_rule is None:
        return
    path = _RULE_ARGUMENT.sub(r"{\1}", request.url_rule.rule)
    known = _declared(prefix).get(path, frozenset())
    for name in request.args:
        if name not in known:
            allowed = ", ".join(sorted(known)) or _("inga")
            raise BadParameter(
                name,
                _(
                    "Okänd parameter %(name)s. Den här adressen tar: %(allowed)s.",
                    name=name,
                    allowed=allowed,
                ),
            )
