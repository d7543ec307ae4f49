"""What every `formaga` command shares: its one transaction, its way of stopping, the user and
organisation it names, and a request context for links.

Commands call these through the module (`common.session_scope()`), never by a name imported
into their own module, so that a test can hand every command its own session by patching one
attribute. This is the CLI's only module that imports SQLAlchemy (tests/test_guard_layers.py),
and it imports no command module: the commands depend on it, never the other way round.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:  # the rest loads when a command runs: `formaga --help` stays fast
    from capabilities.db import Session
    from capabilities.errors import DomainError
    from capabilities.models import User

#: `formaga serve` and any command whose database cannot be used (unreachable, empty, older than
#: the program) exit with this code; a refused command with 1.
EXIT_CANNOT_SERVE = 2


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command with one Swedish line on stderr (exit code 1 unless told)."""
    click.echo(f"Fel: {message}", err=True)
    sys.exit(code)


def refusal(exc: DomainError) -> str:
    """What a refused service call says, on one line: every field's messages of a validation
    error, else its message. The console is its own error boundary (it has no form to mark)."""
    from capabilities.errors import ValidationFailed

    if isinstance(exc, ValidationFailed):
        return " ".join(m for messages in exc.errors.values() for m in messages)
    return exc.message


@contextmanager
def session_scope(*, writing: bool = False) -> Iterator[Session]:
    """One transaction per command: commit on success, roll back on any error.

    Commands that write say so: on SQLite they then wait for the write lock up front instead of
    failing with "database is locked" while the web app is writing too.
    """
    import sqlalchemy as sa

    from capabilities.db import database_url, make_engine, make_session_factory

    engine = make_engine()
    session = make_session_factory(engine, writing=writing)()
    try:
        yield session
        session.commit()
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        session.rollback()
        problem = database_problem(database_url())
        if problem:
            fail(problem, EXIT_CANNOT_SERVE)
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()


def database_problem(url: str) -> str | None:
    """Why the app cannot use the database at URL, in one sentence; None when it can."""
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from capabilities import migrate
    from capabilities.db import make_engine

    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        from pathlib import Path

        if not Path(parsed.database).exists():  # connecting would leave an empty file behind
            return "databasen är tom. Kör först: formaga init"
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return f"databasen kan inte nås ({reason}). Kontrollera DATABASE_URL."
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()
    if current is None:
        return "databasen är tom. Kör först: formaga init"
    if current != head:
        return (
            f"databasen är på version {current}, programmet behöver {head}. "
            "Kör först: formaga db upgrade"
        )
    return None


def user_named(session: Session, username: str, *, active: bool = True) -> User:
    """The user USERNAME, or stop with one Swedish line. Never the system user (it is no one to
    act as or to manage). A command that acts as the user needs an active one; `formaga users`
    also manages deactivated users (active=False)."""
    from capabilities.queries.users import user_by_username

    user = user_by_username(session, username)
    if user is None or user.is_system:
        fail(f"Okänd eller inaktiv användare: {username}" if active else _no_such(username))
    if active and not user.is_active:
        fail(f"Okänd eller inaktiv användare: {username}")
    return user


def _no_such(username: str) -> str:
    return f"Användaren ”{username}” finns inte."


def organisation_id(session: Session, text: str | None) -> int | None:
    """The id of the organisation named by short name or name; a name that matches nothing is
    one Swedish sentence (with the short names to choose from), not a silent 'no organisation'."""
    if text is None or not text.strip():
        return None
    from capabilities.queries.actors import find_organisation

    actor = find_organisation(session, text)
    if actor is None:
        from capabilities.queries.users import organisation_short_names

        fail(
            f"Organisationen ”{text.strip()}” finns inte bland aktörerna. Ange kortnamn eller "
            f"namn, till exempel: {', '.join(organisation_short_names(session))}."
        )
    return actor.id


@contextmanager
def web_context() -> Iterator[None]:
    """A request context on the register's public address (FORMAGA_BASE_URL), for links."""
    from web.app import create_app

    base_url = os.environ.get("FORMAGA_BASE_URL", "").strip() or "http://localhost:5000"
    with create_app().test_request_context("/", base_url=base_url):
        yield
