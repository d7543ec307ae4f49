"""One SQLAlchemy session per request; the view commits, teardown closes (rolling back)."""

from __future__ import annotations

import sqlalchemy.orm as so
from flask import Flask, current_app, g

from capabilities.db import make_engine, make_session_factory


def init_db(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], **app.config.get("ENGINE_OPTIONS", {}))
    app.extensions["formaga_engine"] = engine
    app.extensions["formaga_sessions"] = make_session_factory(engine)
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
