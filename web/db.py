"""One SQLAlchemy session per request; the view commits, teardown closes (rolling back)."""

from __future__ import annotations

import sqlalchemy.orm as so
from flask import Flask, current_app, g

from capabilities.db import make_engine, make_session_factory


def init_db(app: Flask) -> None:
    """Bind a session factory; tests pass SESSION_FACTORY to run inside their transaction."""
    factory = app.config.get("SESSION_FACTORY")
    if factory is None:
        engine = make_engine(app.config["DATABASE_URL"], **app.config.get("ENGINE_OPTIONS", {}))
        app.extensions["formaga_engine"] = engine
        factory = make_session_factory(engine)
    app.extensions["formaga_sessions"] = factory
    app.teardown_appcontext(_close_session)


def db_session() -> so.Session:
    if "db_session" not in g:
        g.db_session = current_app.extensions["formaga_sessions"]()
    session: so.Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
