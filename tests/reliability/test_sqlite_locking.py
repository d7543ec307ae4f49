"""On SQLite, requests that write take the write lock at BEGIN (IMMEDIATE); reads don't.

A deferred transaction that reads first and writes later cannot wait for the lock: when
another writer committed in between, SQLite answers "database is locked" at once, busy timeout
or not. test_concurrency.py shows the effect under load; this shows the mechanism.

Slow work comes before the lock (issue 23, F6): while an upload is parsed, or a bad API token
is looked at, other writers go on; a writer that waits out the busy timeout gets a 503 page.
"""

from __future__ import annotations

import io
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from capabilities.models import User
from capabilities.services import create_token, create_user
from capabilities.services.users import NewUser
from importers import status_workbook
from importers.status_workbook import ImportRejected, Problem
from tests.conftest import PASSWORD
from tests.reliability.conftest import form_with
from web.db import db_session


@pytest.fixture
def sqlite_url(fresh_database_url: Callable[[str], str]) -> str:
    """A migrated SQLite file with one member, "las"."""
    url = fresh_database_url("sqlite")
    migrate.upgrade(url)
    engine = make_engine(url)
    with so.Session(engine) as session:
        create_user(
            session,
            None,
            NewUser(username="las", display_name="L", role="medlem", password=PASSWORD),
        )
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def sqlite_app(sqlite_url: str) -> Iterator[tuple[Any, list[str]]]:
    """The app on `sqlite_url`; yields (app, statements seen)."""
    from web.app import create_app

    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "lock", "TESTING": True})
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


@contextmanager
def lock_held_by_another_writer(url: str) -> Iterator[None]:
    """Another process's writer: a plain sqlite3 connection in BEGIN IMMEDIATE."""
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _login(client: Any) -> Any:
    form = form_with(client.get("/login").get_data(as_text=True), "csrf_token")
    return client.post("/login", data=dict(form.data(username="las", password=PASSWORD)))


def test_logins_and_saves_go_on_while_an_upload_is_parsed(
    sqlite_app: tuple[Any, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the upload took the write lock first, so a login waited 15 s, then failed."""
    app, _seen = sqlite_app
    parsing, done = threading.Event(), threading.Event()

    def slow_parse(_data: bytes) -> Any:  # a 19-second parse, for as long as the test wants
        parsing.set()
        done.wait(60)
        raise ImportRejected([Problem("Filen är skadad.")])

    monkeypatch.setattr(status_workbook, "open_workbook", slow_parse)
    uploader = app.test_client()
    assert _login(uploader).status_code == 302
    form = form_with(uploader.get("/reports/import").get_data(as_text=True), "csrf_token")
    answers: list[int] = []

    def upload() -> None:
        data = {**dict(form.data()), "file": (io.BytesIO(b"PK\x03\x04"), "bok.xlsx")}
        reply = uploader.post("/reports/import", data=data, content_type="multipart/form-data")
        answers.append(reply.status_code)

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        assert parsing.wait(10)
        started = time.monotonic()
        other = app.test_client()
        assert _login(other).status_code == 302  # a login writes (the attempt, the time)
        token = form_with(other.get("/account/password").get_data(as_text=True), "csrf_token")
        assert other.post("/logout", data=dict(token.data())).status_code == 302
        assert time.monotonic() - started < 5
        assert thread.is_alive()  # the upload was still being parsed all along
    finally:
        done.set()
        thread.join(30)
    assert answers == [422]


def test_a_bad_api_token_is_refused_at_once_while_another_writer_holds_the_lock(
    sqlite_app: tuple[Any, list[str]], sqlite_url: str
) -> None:
    """Before (L7): the token check took the write lock first and waited for it."""
    app, _seen = sqlite_app
    client = app.test_client()
    with lock_held_by_another_writer(sqlite_url):
        started = time.monotonic()
        reply = client.get("/api/v1/capabilities", headers={"Authorization": "Bearer fr_fel"})
        assert reply.status_code == 401
        assert time.monotonic() - started < 2


def test_a_write_that_cannot_get_the_lock_answers_503_in_swedish(sqlite_url: str) -> None:
    from web.app import create_app

    engine = make_engine(sqlite_url)
    with so.Session(engine) as session:
        member = session.scalars(sa.select(User)).one()
        _token, api_token = create_token(session, member, name="test")
        session.commit()
    engine.dispose()

    app = create_app(
        {
            "DATABASE_URL": sqlite_url,
            "SECRET_KEY": "lock",
            "TESTING": True,
            "ENGINE_OPTIONS": {"busy_timeout_ms": 200},
        }
    )
    client = app.test_client()
    try:
        with lock_held_by_another_writer(sqlite_url):
            reply = _login(client)
            assert reply.status_code == 503
            assert reply.headers["Retry-After"]
            assert "Databasen är upptagen" in reply.get_data(as_text=True)
            api = client.get(
                "/api/v1/capabilities", headers={"Authorization": f"Bearer {api_token}"}
            )
            assert api.status_code == 503
            assert "upptagen" in api.get_json()["message"]
        assert _login(client).status_code == 302  # and once the lock is free, all is well
    finally:
        app.extensions["formaga_engine"].dispose()
