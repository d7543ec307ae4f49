"""`formaga users create|set-password|list|deactivate` on a fresh database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner

from capabilities.db import make_engine
from capabilities.models import AuditEvent, User
from capabilities.passwords import verify_password
from web.cli import main

GOOD = "korrekt-hast-batteri-häftstift"


@pytest.fixture
def database(
    db_kind: str, initialised_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> str:
    url = initialised_database_url(db_kind)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("FORMAGA_ADMIN_PASSWORD", raising=False)
    return url


def _user(url: str, username: str) -> User:
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            user = session.scalars(sa.select(User).where(User.username == username)).one()
            session.expunge(user)
            return user
    finally:
        engine.dispose()


def _actions(url: str, username: str) -> list[str]:
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            user = session.scalars(sa.select(User).where(User.username == username)).one()
            return list(
                session.scalars(
                    sa.select(AuditEvent.action)
                    .where(AuditEvent.entity_type == "users", AuditEvent.entity_id == user.id)
                    .order_by(AuditEvent.id)
                )
            )
    finally:
        engine.dispose()


def test_create_with_password_from_stdin_then_list(database: str) -> None:
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["users", "create", "Anna", "--role", "medlem", "--confidential", "--password-stdin"],
        input=GOOD + "\n",
    )
    assert done.exit_code == 0, done.output
    assert "Skapade användaren anna (medlem, får se sekretessmarkerade uppgifter)." in done.output
    assert GOOD not in done.output
    anna = _user(database, "anna")
    assert (anna.role, anna.can_see_confidential) == ("medlem", True)
    assert verify_password(anna.password_hash, GOOD)
    listing = runner.invoke(main, ["users", "list"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].split() == [
        "användarnamn",
        "namn",
        "roll",
        "organisation",
        "sekretess",
        "aktiv",
        "senast",
        "inloggad",
    ]
    assert any(line.split()[:6] == ["anna", "Anna", "medlem", "–", "ja", "ja"] for line in lines)
    assert "system" not in listing.output
    assert _actions(database, "anna") == ["create", "change_clearance"]


def test_create_generates_and_prints_a_password_once(database: str) -> None:
    done = CliRunner().invoke(main, ["users", "create", "bertil", "--role", "läsare"])
    assert done.exit_code == 0, done.output
    password = done.output.split("säkert sätt): ")[1].strip()
    assert verify_password(_user(database, "bertil").password_hash, password)
    assert _user(database, "bertil").can_see_confidential is False


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "create", "c", "--role", "admin", "--password-stdin"], GOOD, "Användarnamnet"),
        (["users", "create", "cecilia", "--role", "kung"], "", "Invalid value"),
        (
            ["users", "create", "cecilia", "--role", "medlem", "--password-stdin"],
            "aaaaaaaaaaaa",
            "för vanligt",
        ),
        (
            ["users", "create", "cecilia", "--role", "medlem", "--password-stdin"],
            "cecilia-hemma-2026",
            "användarnamn",
        ),
        (["users", "set-password", "ingen-alls", "--password-stdin"], GOOD, "finns inte"),
        (["users", "deactivate", "system"], "", "finns inte"),
    ],
)
def test_bad_input_gets_a_swedish_message_and_writes_nothing(
    database: str, args: list[str], stdin: str, message: str
) -> None:
    result = CliRunner().invoke(main, args, input=stdin + "\n")
    assert result.exit_code != 0
    assert message in result.output
    engine = make_engine(database)
    with so.Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count(User.id))) == 2  # admin + system
    engine.dispose()


def test_set_password_recovers_a_lost_admin_password(database: str) -> None:
    done = CliRunner().invoke(
        main, ["users", "set-password", "admin", "--password-stdin"], input=GOOD + "\n"
    )
    assert done.exit_code == 0, done.output
    admin = _user(database, "admin")
    assert verify_password(admin.password_hash, GOOD)
    assert admin.session_generation == 2  # every session of the admin ended
    assert _actions(database, "admin")[-1] == "reset_password"


def test_deactivate_ends_login(database: str) -> None:
    runner = CliRunner()
    runner.invoke(main, ["users", "create", "david", "--role", "medlem"])
    done = runner.invoke(main, ["users", "deactivate", "david"])
    assert done.exit_code == 0 and "inaktiverad" in done.output
    david = _user(database, "david")
    assert david.is_active is False and david.session_generation == 2
    again = runner.invoke(main, ["users", "deactivate", "david"])
    assert again.exit_code == 0 and "redan inaktiverad" in again.output
