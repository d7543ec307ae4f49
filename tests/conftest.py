"""Fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is built by the real migrations and seeded from data/ once per database; each test
runs inside a transaction that is rolled back (SQLAlchemy's create_savepoint recipe), so the
services' and views' own commits only release savepoints.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from capabilities.models import Actor, Capability, User
from capabilities.services import create_user
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.pg import PostgresUnavailable, ThrowawayCluster, create_database

PASSWORD = "korrekt-hast-batteri-häftstift"


def _required(variable: str) -> bool:
    return os.environ.get(variable, "") not in ("", "0", "false")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a PostgreSQL server to create test databases on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    cluster = ThrowawayCluster()
    try:
        cluster.start()
    except PostgresUnavailable as exc:
        if _required("REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required (REQUIRE_POSTGRES=1) but unavailable: {exc}")
        sys.stderr.write(f"\n*** SKIPPING PostgreSQL tests: {exc} ***\n")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield cluster.url()
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def fresh_database_url(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Factory: an empty database of the given kind ('sqlite' or 'postgresql')."""
    tmp = Path(tempfile.mkdtemp(prefix="formaga-test-"))
    counter = iter(range(10_000))

    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp / f'db{next(counter)}.sqlite'}"
        server = request.getfixturevalue("postgres_server")
        return create_database(server)

    return make


DATABASE_KINDS = ("sqlite", "postgresql")


def _database_kinds() -> list[str]:
    """The kinds every database test runs on: both, or those FORMAGA_TEST_DATABASES names.

    `make test` (and CI) runs both; `make test-fast` runs SQLite only for the edit loop.
    """
    chosen = os.environ.get("FORMAGA_TEST_DATABASES", "")
    kinds = [kind for kind in chosen.split(",") if kind in DATABASE_KINDS]
    return kinds or list(DATABASE_KINDS)


@pytest.fixture(scope="session")
def initialised_database_url(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]
) -> Callable[[str], str]:
    """Factory: a database of the given kind as `formaga init` leaves it (migrated, seeded, the
    first admin `admin` with PASSWORD and no organisation), copied from a template made once
    per kind. For tests whose subject is what comes after init; tests of init itself run it."""
    import shutil

    from click.testing import CliRunner

    from web.cli import main

    templates: dict[str, str] = {}

    def make(kind: str) -> str:
        if kind not in templates:
            url = fresh_database_url(kind)
            env = {
                "DATABASE_URL": url,
                "FORMAGA_ADMIN_PASSWORD": PASSWORD,
                "FORMAGA_ADMIN_ORGANISATION": "",
            }
            result = CliRunner().invoke(main, ["init"], env=env)
            assert result.exit_code == 0, result.output
            templates[kind] = url
        template = sa.engine.make_url(templates[kind])
        if kind == "sqlite":
            copy = sa.engine.make_url(fresh_database_url(kind))
            assert template.database and copy.database
            shutil.copyfile(template.database, copy.database)
            return copy.render_as_string(hide_password=False)
        server = request.getfixturevalue("postgres_server")
        return create_database(server, template=str(template.database))

    return make


@pytest.fixture(scope="session", params=_database_kinds())
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


#: For a test whose subject does not depend on the database (how a rendered document reads on
#: paper, say): it runs once, on SQLite, instead of once per database.
once = pytest.mark.parametrize("db_kind", ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def seeded_engine(db_kind: str, fresh_database_url: Callable[[str], str]) -> Iterator[sa.Engine]:
    """A migrated and seeded database, shared by the tests of one kind."""
    url = fresh_database_url(db_kind)
    migrate.upgrade(url)
    engine = make_engine(url)
    with so.Session(engine) as session:
        seed(session)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def connection(seeded_engine: sa.Engine) -> Iterator[sa.Connection]:
    conn = seeded_engine.connect()
    transaction = conn.begin()
    try:
        yield conn
    finally:
        transaction.rollback()
        conn.close()


@pytest.fixture
def session(connection: sa.Connection) -> Iterator[so.Session]:
    with so.Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as db:
        yield db


@pytest.fixture
def make_user(session: so.Session) -> Callable[..., User]:
    """Factory: make_user('medlem', can_see_confidential=True) → a persisted user."""
    counter = iter(range(1, 10_000))

    def make(role: str = "medlem", **extra: Any) -> User:
        n = next(counter)
        data: dict[str, Any] = {
            "username": f"{role}{n}",
            "display_name": f"Test {role} {n}",
            "role": role,
            "password": PASSWORD,
        } | extra
        return create_user(session, None, NewUser(**data))

    return make


# --- web -------------------------------------------------------------------------------------


@pytest.fixture
def app(connection: sa.Connection) -> Any:
    from web.app import create_app

    def factory() -> so.Session:
        return so.Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

    return create_app({"TESTING": True, "SESSION_FACTORY": factory, "SECRET_KEY": "test"})


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: Any, path: str = "/login") -> str:
    """The session's CSRF token, read from a page's form like a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no csrf token on {path}"
    return match.group(1)


def post(client: Any, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """POST a form with a valid CSRF token."""
    token = csrf_token(client, kwargs.pop("token_from", "/account/password"))
    return client.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)


def login(client: Any, user: User, password: str = PASSWORD) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": user.username, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def as_role(client: Any, make_user: Callable[..., User]) -> Callable[..., User]:
    """as_role('medlem', can_see_confidential=True): create a user and log the client in."""

    def log_in(role: str = "medlem", **extra: Any) -> User:
        user = make_user(role, **extra)
        login(client, user)
        return user

    return log_in


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(connection: sa.Connection) -> Callable[[], Any]:
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(connection, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(connection, "before_cursor_execute", counter)

    return counting


# --- lookups of seeded rows ------------------------------------------------------------------


def find_capability(session: so.Session, number: str) -> Capability:
    """The seeded capability numbered e.g. "1.1.1"."""
    return session.scalars(sa.select(Capability).where(Capability.number == number)).one()


def find_actor(session: so.Session, short_name: str) -> Actor:
    """The seeded actor with this short name, e.g. "LV"."""
    return session.scalars(sa.select(Actor).where(Actor.short_name == short_name)).one()


def in_bilaga_2(source: str) -> bool:
    """Whether a seed line ("002:2306") lies in the report's Bilaga 2, the list of actors (lines
    2283–3757 of seed 002); actors named elsewhere in the report (Försvarsmakten, 002:1827) are
    not Bilaga 2's."""
    seed, _, line = source.partition(":")
    return seed == "002" and 2283 <= int(line.split("-")[0]) <= 3757
