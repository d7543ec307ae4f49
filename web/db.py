"""One SQLAlchemy session per request; the view commits, teardown closes (rolling back).

Requests that may write (POST, PUT, PATCH, DELETE) get a writer session, whose transactions take
the write lock up front on SQLite (BEGIN IMMEDIATE): concurrent writers then wait for each other
instead of failing with "database is locked".

A view that does slow work before it writes (parsing an upload, hashing a password, checking an
API token) is marked `@reads_first`: its request reads in ordinary transactions, which block
no one, and it calls `write_lock()` only once it is ready to write. Holding the lock through
a 19-second parse made every other write and login wait, then fail.

A write that still cannot get the lock within the busy timeout answers 503 with a Swedish
message (web/app.py, web/api/guard.py), never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy.orm as so
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.exc import SQLAlchemyError

from capabilities.db import WRITE_INTENT, make_engine, make_session_factory

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_READS_FIRST = "_formaga_reads_first"
_LOCKED_TRANSACTION = "formaga_locked_transaction"

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def init_db(app: Flask) -> None:
    """Bind a session factory; tests pass SESSION_FACTORY to run inside their transaction."""
    factory = app.config.get("SESSION_FACTORY")
    writer = factory
    if factory is None:
        engine = make_engine(app.config["DATABASE_URL"], **app.config.get("ENGINE_OPTIONS", {}))
        app.extensions["formaga_engine"] = engine
        factory = make_session_factory(engine)
        writer = make_session_factory(engine, writing=True)
    app.extensions["formaga_sessions"] = factory
    app.extensions["formaga_write_sessions"] = writer
    app.teardown_appcontext(_close_session)


def reads_first(view: F) -> F:
    """Mark a write view that works before it writes: it must call `write_lock()` to write."""
    setattr(view, _READS_FIRST, True)
    return view


def _reads_first() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _READS_FIRST, False))


def db_session(*, writing: bool = False) -> so.Session:
    """The request's session, made on first use.

    POST, PUT, PATCH and DELETE get a writer, unless the view is marked `@reads_first`. A GET
    that must write anyway asks with `writing=True` before anything else uses the database.
    """
    if "db_session" not in g:
        if not writing and has_request_context() and request.method in WRITE_METHODS:
            writing = not _reads_first()
        kind = "formaga_write_sessions" if writing else "formaga_sessions"
        g.db_session = current_app.extensions[kind]()
        g.db_session_writes = writing
    elif writing and not g.db_session_writes:
        raise RuntimeError("db_session(writing=True) must come before the first database use")
    session: so.Session = g.db_session
    return session


def write_lock() -> so.Session:
    """The request's session in a transaction that holds the write lock (SQLite), from here on.

    A read transaction cannot take the lock later (SQLite refuses at once when another writer
    committed since it began), so one that has begun is rolled back (it wrote nothing: pending
    changes are an error) and a writing one begins; objects loaded before reload on next use.
    Call it right before the service call that writes, after the slow work.
    """
    session = db_session()
    if g.db_session_writes:
        return session  # every transaction of a writer session takes the lock
    if session.in_transaction():
        if session.info.get(_LOCKED_TRANSACTION) is session.get_transaction():
            return session
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("write_lock() must come before the first change")
        session.rollback()
    session.connection(execution_options={WRITE_INTENT: True})
    session.info[_LOCKED_TRANSACTION] = session.get_transaction()
    return session


def discard_session() -> None:
    """End the request's session after a database error, so that an error page renders
    without it. Closing (not rolling back) returns the connection, a lost one is dropped from
    the pool."""
    # A failed flush expired the loaded objects, the signed-in user too: the error page is
    # shown as to a visitor rather than reloading the user from a database that is away.
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()
    except SQLAlchemyError:
        log.warning("Closing the session after a database error failed", exc_info=True)


def _close_session(_exc: BaseException | None) -> None:
    """Close the request's session. The answer is already made: a connection lost at this
    point (a database restart) is logged and dropped from the pool, not turned into a 500."""
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.close()
        except SQLAlchemyError:
            log.warning("Closing the session failed", exc_info=True)
