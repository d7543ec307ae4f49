"""Whole-register results kept until the register changes (web/cache.py, web/dashboard/kept.py):
computed once per change, never shared between secrecy views, computed again after any change
(also one committed out of id order on PostgreSQL), and the lists that grow with the register
cut their page in SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.db import make_engine
from capabilities.models import AuditEvent, Capability, User
from capabilities.queries import api as api_queries
from capabilities.queries.dashboard import register_version
from tests.conftest import login
from tests.web.test_dashboard import _assess, _cells, _confidential_level_five, _gap_rows
from web.dashboard import kept as kept_module


def _spy_gap_frame(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record every computation of the gap frame behind the pages."""
    calls: list[dict[str, Any]] = []
    real = kept_module.gap_frame

    def spy(session: so.Session, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(session, **kwargs)

    monkeypatch.setattr(kept_module, "gap_frame", spy)
    return calls


def test_gap_frame_is_computed_once_per_register_change(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = as_role("medlem")
    calls = _spy_gap_frame(monkeypatch)
    for path in ("/", "/gaps", "/gaps?sort=distance", "/gaps?flag=stale", "/"):
        assert client.get(path).status_code == 200
    assert len(calls) == 1

    _assess(session, member, "1.1.1", 4, target_level=5)
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert len(calls) == 2
    assert _cells(html)["1.1.1"][2] == "1.1.1 4 → 5 −1"
    assert _gap_rows(client.get("/gaps").get_data(as_text=True))["1.1.1"]["level"].startswith("4")
    assert len(calls) == 2


def test_a_viewer_without_clearance_never_gets_the_cleared_pages(
    app: Any,
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
) -> None:
    _confidential_level_five(session, make_user)
    cleared = make_user("läsare", can_see_confidential=True)
    uncleared = make_user("läsare")
    session.commit()
    version = register_version(session)

    login(client, cleared)
    assert _cells(client.get("/").get_data(as_text=True))["3.2.10"][0] == "0"  # 5 → 5
    assert _gap_rows(client.get("/gaps").get_data(as_text=True))["3.2.10"]["level"].startswith("5")
    other = app.test_client()  # same app, same kept results
    login(other, uncleared)
    assert register_version(session) == version  # the same register: only the view differs
    html = other.get("/").get_data(as_text=True)
    assert _cells(html)["3.2.10"] == ("secret", "3.2.10: Sekretessmarkerad uppgift", "3.2.10 S")
    gaps = other.get("/gaps").get_data(as_text=True)
    assert _gap_rows(gaps)["3.2.10"]["level"] == "Sekretessmarkerad uppgift"
    assert "HEMLIG-SAMMANFATTNING-5150" not in html + gaps


def test_register_version_moves_when_a_lower_id_commits_last(
    db_kind: str, initialised_database_url: Callable[[str], str]
) -> None:
    """PostgreSQL hands out ids before commit: a transaction holding a lower id can commit
    after one holding a higher id. The newest id alone stays the same then, so a result kept
    in between would miss the late change for good. (SQLite has one writer at a time.)"""
    if db_kind != "postgresql":
        pytest.skip("one writer at a time on SQLite: ids commit in order")
    engine = make_engine(initialised_database_url(db_kind))
    try:
        with so.Session(engine) as slow, so.Session(engine) as fast, so.Session(engine) as reader:
            slow.add(AuditEvent(entity_type="capabilities", action="update"))
            slow.flush()  # holds the lower id, not committed
            fast.add(AuditEvent(entity_type="capabilities", action="update"))
            fast.commit()
            before = register_version(reader)
            reader.rollback()
            slow.commit()
            after = register_version(reader)
        assert before != after
    finally:
        engine.dispose()


def test_api_capability_page_loads_only_its_rows(
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The register is paged in SQL: the rows of one page are loaded, not the whole register
    (at 100× the whole register was 83 times the 1× time)."""
    loaded: list[Any] = []
    real = api_queries.register_rows

    def spy(*args: Any, **kwargs: Any) -> Any:
        loaded.append(kwargs.get("capability_ids"))
        return real(*args, **kwargs)

    monkeypatch.setattr(api_queries, "register_rows", spy)
    _token, plain = services.create_token(session, make_user("läsare"), name="Test")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    body = client.get("/api/v1/capabilities?page=2&per_page=5", headers=headers).get_json()
    numbers = session.scalars(
        sa.select(Capability.number)
        .where(Capability.retired_on.is_(None))
        .order_by(Capability.sort_key)
    ).all()
    assert [item["number"] for item in body["items"]] == numbers[5:10]
    assert body["total"] == len(numbers)
    assert loaded and all(ids is not None and len(ids) == 5 for ids in loaded)


def test_measures_list_never_reads_every_matching_id(
    client: Any,
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    """The page of measure ids is cut in SQL (LIMIT), for the plain list and a text search."""
    as_role("läsare")
    for path in ("/measures/", "/measures/?q=lager"):
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        listed = [
            statement
            for statement in counter.statements
            if statement.lstrip().startswith("SELECT measures.id")
            and "ORDER BY measures.created_at DESC" in statement
        ]
        assert listed and all("LIMIT" in statement for statement in listed), listed
