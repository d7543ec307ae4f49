"""On SQLite, requests that write take the write lock at BEGIN (IMMEDIATE); reads don't.

A deferred transaction that reads first and writes later cannot wait for the lock: when
another writer committed in between, SQLite answers "database is locked" at once, busy timeout
or not. test_concurrency.py shows the effect under load; this shows the mechanism.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from capabilities.services import create_user
from tests.conftest import PASSWORD
from tests.reliability.conftest import form_with
from web.db import db_session


@pytest.fixture
def sqlite_app(fresh_database_url: Callable[[str], str]) -> Iterator[tuple[Any, list[str]]]:
    """The app on a migrated SQLite file with one member; yields (app, statements seen)."""
    from web.app import create_app

    url = fresh_database_url("sqlite")
    migrate.upgrade(url)
    engine = make_engine(url)
    with so.Session(engine) as session:
        create_user(
            session, None, username="las", display_name="L", role="medlem", password=PASSWORD
        )
        session.commit()
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "lock", "TESTING": True})
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    live = app.extensions["formaga_engine"]
    sa.event.listen(live, "before_cursor_execute", record)
    yield app, seen
    live.dispose()


def test_reads_begin_deferred_and_writes_begin_immediate(
    sqlite_app: tuple[Any, list[str]],
) -> None:
    app, seen = sqlite_app
    client = app.test_client()
    form = form_with(client.get("/login").get_data(as_text=True), "csrf_token")
    seen.clear()
    data = dict(form.data(username="las", password=PASSWORD))
    response = client.post("/login", data=data)
    assert response.status_code == 302
    assert seen and set(seen) == {"BEGIN IMMEDIATE"}
    seen.clear()
    assert client.get("/account/password").status_code == 200
    assert seen and set(seen) == {"BEGIN"}


def test_a_get_that_must_write_can_ask_for_a_writer(sqlite_app: tuple[Any, list[str]]) -> None:
    app, seen = sqlite_app
    with app.test_request_context("/api/v1/capabilities", method="GET"):
        seen.clear()
        db_session(writing=True).execute(sa.text("SELECT 1"))
        assert seen == ["BEGIN IMMEDIATE"]
        db_session(writing=True)  # asking again is fine
    with app.test_request_context("/register", method="GET"):
        db_session().execute(sa.text("SELECT 1"))
        with pytest.raises(RuntimeError, match="before the first database use"):
            db_session(writing=True)
