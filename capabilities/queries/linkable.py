"""Which assignment to link to a capability: every linkable one, found by dnr or title words.

A search for ``S2022/4550`` finds ``S2022/04550`` and ``KN 2023/03646`` finds ``KN2023/03646``
(the same `capabilities.dnr.dnr_key`); otherwise a dnr fragment matches as typed (spaces
ignored) and title words must all occur in the title (casefolded, so å, ä, ö match in SQLite
too). The list is sorted by dnr (naturally: serial 10 after 9), then title (naturally: "uppdrag
10" after "uppdrag 9"), and cut into pages with the one pagination type. Two queries, then one
for the page's assignments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.dnr import dnr_key
from capabilities.models import Assignment, CapabilityAssignment, DiaryNumber
from capabilities.queries.pagination import Page, PageRequest, paginate_list

_DIGITS = re.compile(r"([0-9]+)")


@dataclass(frozen=True)
class Linkable:
    assignment_id: int
    title: str
    dnrs: list[str]


def _natural(text: str) -> tuple[Any, ...]:
    """Text with its digit runs compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text.casefold()))


def _sort_key(item: Linkable) -> tuple[Any, ...]:
    key = dnr_key(item.dnrs[0]) if item.dnrs else None  # the first dnr, as the list shows it
    first: tuple[Any, ...] = (0, key) if key else (1, ())  # without a dnr: last
    return (*first, _natural(item.title), item.assignment_id)


def _matches(item: Linkable, query: str) -> bool:
    if not query:
        return True
    wanted = dnr_key(query)
    if wanted is not None and any(dnr_key(n) == wanted for n in item.dnrs):
        return True
    fragment = "".join(query.split()).casefold()
    if any(fragment in n.casefold() for n in item.dnrs):
        return True
    title = item.title.casefold()
    return all(word in title for word in query.casefold().split())


def linkable_assignments(
    session: so.Session, capability_id: int, query: str, request: PageRequest
) -> Page[Linkable]:
    """One page of the assignments not linked to the capability now that match `query`."""
    linked = sa.select(CapabilityAssignment.assignment_id).where(
        CapabilityAssignment.capability_id == capability_id,
        CapabilityAssignment.removed_at.is_(None),
    )
    dnrs: dict[int, list[str]] = defaultdict(list)
    for assignment_id, number in session.execute(
        sa.select(DiaryNumber.assignment_id, DiaryNumber.number).order_by(DiaryNumber.id)
    ):
        dnrs[assignment_id].append(number)
    items = [
        Linkable(assignment_id, title, dnrs.get(assignment_id, []))
        for assignment_id, title in session.execute(
            sa.select(Assignment.id, Assignment.title).where(Assignment.id.not_in(linked))
        )
    ]
    query = " ".join(query.split())
    found = sorted((i for i in items if _matches(i, query)), key=_sort_key)
    return paginate_list(found, request, clamp=True)
