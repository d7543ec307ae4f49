"""The one pagination type: a `Page[T]` of items, cut by LIMIT/OFFSET in SQL or from a list.

Web lists clamp a page past the end to the last page (`clamp=True`); the JSON API answers such
a page with no items, as clients paging until empty expect.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list was asked for: page ≥ 1, per_page ≥ 1 (validated by the caller)."""

    page: int = 1
    per_page: int = 100

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Page(Generic[T]):
    """One page of a list and where it stands: `total` items over `pages` pages."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with each item converted (e.g. ids → loaded rows)."""
        return Page([convert(item) for item in self.items], self.page, self.per_page, self.total)

    def with_items(self, items: list[U]) -> Page[U]:
        """The same page position holding other items (e.g. the rows loaded for a page of ids)."""
        return Page(items, self.page, self.per_page, self.total)

    def as_json(self) -> dict[str, Any]:
        """The page as the JSON API sends it (items must already be JSON-ready)."""
        return {
            "items": self.items,
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
        }


def _settle(request: PageRequest, total: int, clamp: bool) -> PageRequest:
    """The request with its page number clamped into 1..pages when `clamp` is set."""
    number = max(request.page, 1)
    if clamp:
        number = min(number, max(1, math.ceil(total / request.per_page)))
    return PageRequest(number, request.per_page)


def paginate_list(items: Sequence[T], request: PageRequest, *, clamp: bool = False) -> Page[T]:
    """A page cut from a list already in memory."""
    settled = _settle(request, len(items), clamp)
    chosen = list(items[settled.offset : settled.offset + settled.per_page])
    return Page(chosen, settled.page, settled.per_page, len(items))


def paginate(
    session: so.Session,
    statement: sa.Select[T],
    request: PageRequest,
    *,
    clamp: bool = False,
) -> Page[T]:
    """A page of a one-column select (ids or entities) in two queries: COUNT, then LIMIT/OFFSET.

    The statement must be ordered (a stable order makes pages stable).
    """
    counted: sa.Select[Any] = sa.select(sa.func.count()).select_from(
        statement.order_by(None).subquery()
    )
    total = session.scalar(counted) or 0
    settled = _settle(request, total, clamp)
    items = list(session.scalars(statement.limit(settled.per_page).offset(settled.offset)))
    return Page(items, settled.page, settled.per_page, total)
