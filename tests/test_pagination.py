"""The one pagination type: SQL LIMIT/OFFSET with a count, and slices of lists."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import Capability
from capabilities.queries.pagination import Page, PageRequest, paginate, paginate_list


def _numbers(session: so.Session) -> list[str]:
    return list(session.scalars(sa.select(Capability.number).order_by(Capability.sort_key)))


def test_sql_pages_cover_the_register_once_in_order(session: so.Session) -> None:
    statement = sa.select(Capability.number).order_by(Capability.sort_key)
    everything = _numbers(session)
    seen: list[str] = []
    for number in range(1, 5):
        page = paginate(session, statement, PageRequest(number, 20))
        assert page.total == len(everything) == 62
        assert page.pages == 4
        assert page.page == number
        seen += page.items
    assert seen == everything


def test_sql_page_counts_with_the_statements_filter(session: so.Session) -> None:
    statement = (
        sa.select(Capability).where(Capability.number.like("1.%")).order_by(Capability.sort_key)
    )
    page = paginate(session, statement, PageRequest(1, 5))
    assert page.total == sum(1 for n in _numbers(session) if n.startswith("1."))
    assert [c.number for c in page.items] == [n for n in _numbers(session) if n.startswith("1.")][
        :5
    ]


@pytest.mark.parametrize(
    ("clamp", "expected_page", "expected_count"), [(True, 4, 2), (False, 9, 0)]
)
def test_a_page_past_the_end(
    session: so.Session, clamp: bool, expected_page: int, expected_count: int
) -> None:
    """Web lists show the last page; the API answers with no items."""
    statement = sa.select(Capability.id).order_by(Capability.id)
    page = paginate(session, statement, PageRequest(9, 20), clamp=clamp)
    assert (page.page, len(page.items)) == (expected_page, expected_count)
    listed = paginate_list(list(range(62)), PageRequest(9, 20), clamp=clamp)
    assert (listed.page, len(listed.items)) == (expected_page, expected_count)


def test_an_empty_list_is_one_empty_page() -> None:
    page: Page[int] = paginate_list([], PageRequest(3, 10), clamp=True)
    assert (page.items, page.page, page.pages, page.total) == ([], 1, 1, 0)


def test_with_items_and_map_keep_the_position() -> None:
    page = paginate_list(list(range(25)), PageRequest(2, 10))
    assert page.items == list(range(10, 20))
    assert page.map(str).items == [str(i) for i in range(10, 20)]
    assert page.with_items(["a"]).as_json() == {
        "items": ["a"],
        "page": 2,
        "per_page": 10,
        "total": 25,
        "pages": 3,
    }
