"""Declarative base with a constraint naming convention, and engine/session factories."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Execution option: the transaction will write (see make_session_factory).
WRITE_INTENT = "formaga_write_intent"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Local state of one installation: the default SQLite database and the session signing key.
INSTANCE_DIR = Path(os.environ.get("FORMAGA_INSTANCE_DIR") or PROJECT_ROOT / "instance")
DEFAULT_SQLITE_PATH = INSTANCE_DIR / "formaga.sqlite"


#: The session type, for annotations in modules that do not query themselves (web/ imports no
#: SQLAlchemy: tests/test_guard_layers.py).
Session = so.Session


class Base(so.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def database_url() -> str:
    """DATABASE_URL from the environment, else an SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):  # Heroku-style alias
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    private_instance_dir()
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def private_instance_dir() -> Path:
    """INSTANCE_DIR, made if missing and readable by its owner only (0700): it holds the SQLite
    database (password hashes, confidential assessments) and the session key."""
    INSTANCE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    if INSTANCE_DIR.stat().st_mode & 0o077:
        INSTANCE_DIR.chmod(0o700)
    return INSTANCE_DIR


# How long a writer waits for SQLite's write lock before giving up (then: 503 on the web).
DEFAULT_BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling is disabled (SQLAlchemy's documented recipe) so that
    # BEGIN, SAVEPOINT and RELEASE mean what they say; _sqlite_begin emits BEGIN itself.
    dbapi_connection.isolation_level = None
    # WAL + busy timeout: concurrent readers and one writer without "database is locked".
    # The busy timeout goes first so that switching to WAL also waits for a busy database.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    # SQLite's lower() leaves å, ä and ö alone; unicode_lower() (below) needs a real one.
    dbapi_connection.create_function("unicode_lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


class unicode_lower(sa.sql.functions.GenericFunction[str]):
    """Lower-case text for case-insensitive matching in SQL, Swedish letters included: Python's
    str.lower on SQLite (registered on every connection), lower() on PostgreSQL (Unicode-aware
    there). Compare it with a needle lower-cased by str.lower."""

    type = sa.String()
    inherit_cache = True


@compiles(unicode_lower, "postgresql")
def _unicode_lower_postgresql(element: unicode_lower, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


def _sqlite_begin(connection: sa.Connection) -> None:
    # A deferred transaction that reads and then writes cannot wait for the write lock: when
    # another writer committed since its read, SQLite answers "database is locked" at once,
    # busy timeout or not. A writer therefore takes the lock at BEGIN (and waits for it there).
    writing = connection.get_execution_options().get(WRITE_INTENT, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(
    url: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, **kwargs: Any
) -> Engine:
    """An engine for `url`; on SQLite with the pragmas and transaction handling above."""
    url = url or database_url()
    if not url.startswith("sqlite"):
        # A restarted server leaves the pool's connections dead: test each at checkout and
        # reconnect, so the first requests after the restart do not fail.
        kwargs.setdefault("pool_pre_ping", True)
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        def pragmas(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record, busy_timeout_ms)

        sa.event.listen(engine, "connect", pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def is_lock_timeout(exc: BaseException) -> bool:
    """SQLite gave up waiting for the write lock (busy timeout passed): try again later."""
    original = getattr(exc, "orig", exc)
    return isinstance(original, sqlite3.OperationalError) and "database is locked" in str(original)


def is_unavailable(exc: BaseException) -> bool:
    """The database could not be reached or written for a reason outside the request: the
    server is down or restarting, the connection was cut, the file cannot be written. The
    request is refused (503, try again later); the pool reconnects on its own."""
    return isinstance(exc, sa.exc.OperationalError) and not is_lock_timeout(exc)


def make_session_factory(engine: Engine, *, writing: bool = False) -> so.sessionmaker[so.Session]:
    """Sessions on `engine`; with `writing`, every transaction starts as a writer.

    A writer's transactions take the write lock up front (SQLite: BEGIN IMMEDIATE), so that
    concurrent writers queue for the lock instead of failing; PostgreSQL ignores the option.
    """
    bind = engine.execution_options(**{WRITE_INTENT: True}) if writing else engine
    return so.sessionmaker(bind=bind, expire_on_commit=False)


class UTCDateTime(sa.TypeDecorator[Any]):
    """Stores naive UTC, returns aware UTC: the same on SQLite and PostgreSQL."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def stored(row: Any, names: Iterable[str]) -> dict[str, Any]:
    """A row's values of `names` as they are stored: what a service input's `of(row)` and a
    query's view start from."""
    return {name: getattr(row, name) for name in names}
