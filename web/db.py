"""One SQLAlchemy session per request; the view commits, teardown closes (rolling back).

Requests that may write (POST, PUT, PATCH, DELETE) get a writer session, whose transactions take
the write lock up front on SQLite (BEGIN IMMEDIATE): concurrent writers then wait for each other
instead of failing with "database is locked".
"""

from __future__ import annotations

import sqlalchemy.orm as so
from flask import Flask, current_app, g, has_request_context, request

from capabilities.db import make_engine, make_session_factory

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


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


def db_session(*, writing: bool = False) -> so.Session:
    """The request's session, made on first use.

    POST, PUT, PATCH and DELETE get a writer. A GET that must write anyway (say, recording an
    API token's last use) asks with `writing=True` before anything else uses the database.
    """
    if "db_session" not in g:
        writing = writing or (has_request_context() and request.method in WRITE_METHODS)
        kind = "formaga_write_sessions" if writing else "formaga_sessions"
        g.db_session = current_app.extensions[kind]()
        g.db_session_writes = writing
    elif writing and not g.db_session_writes:
        raise RuntimeError("db_session(writing=True) must come before the first database use")
    session: so.Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
