"""`formaga rounds …` on a fresh database: open, show, close, compare, list."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner

from capabilities.db import make_engine
from capabilities.models import Capability, User
from capabilities.queries.rounds import the_open_round
from capabilities.services import create_user
from capabilities.services import rounds as r
from capabilities.services.rounds import EntryInput
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD
from web.cli import main


@pytest.fixture
def runner(
    db_kind: str, initialised_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> tuple[CliRunner, str]:
    url = initialised_database_url(db_kind)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("FORMAGA_ADMIN_PASSWORD", raising=False)
    return CliRunner(), url


def _approve_in_round(url: str, level: int) -> None:
    """A member submits 1.1.1 at `level` and a reviewer approves it, through the services."""
    engine = make_engine(url)
    with so.Session(engine) as session:
        member = session.scalar(sa.select(User).where(User.username == "anna"))
        reviewer = session.scalar(sa.select(User).where(User.username == "greta"))
        assert member is not None and reviewer is not None
        round_ = the_open_round(session)
        assert round_ is not None
        cap = session.scalars(sa.select(Capability).where(Capability.number == "1.1.1")).one()
        entry = r.save_entry(session, member, round_, cap, EntryInput(level, "S"), submit=True)
        r.approve_entry(session, reviewer, entry)
        session.commit()
    engine.dispose()


def test_rounds_commands(runner: tuple[CliRunner, str]) -> None:
    cli, url = runner
    engine = make_engine(url)
    with so.Session(engine) as session:
        for name in ("anna", "greta"):
            create_user(
                session,
                None,
                NewUser(username=name, display_name=name.title(), role="medlem", password=PASSWORD),
            )
        session.commit()
    engine.dispose()

    args = ["--reference-date", "2026-06-30", "--deadline", "2026-09-30", "--reviewer", "greta"]
    opened = cli.invoke(main, ["rounds", "open", "Lägesbild 2026", *args])
    assert opened.exit_code == 0, opened.output
    again = cli.invoke(main, ["rounds", "open", "Lägesbild 2027", *args])
    assert again.exit_code == 1 and "”Lägesbild 2026” är redan öppen" in again.output
    _approve_in_round(url, 2)
    shown = json.loads(cli.invoke(main, ["rounds", "show", "1", "--format", "json"]).output)
    assert shown["counts"]["fastställd"] == 1 and shown["sha256"] is None
    closed = cli.invoke(main, ["rounds", "close", "1"])
    assert closed.exit_code == 0 and "SHA-256:" in closed.output
    sha = closed.output.split("SHA-256: ")[1].strip()
    shown_table = cli.invoke(main, ["rounds", "show", "1"]).output
    assert f"SHA-256: {sha} (kontrollsumman stämmer)" in shown_table
    assert "(fastställt 1,6 %)" in shown_table  # decimal comma, as in the PDF (issue 24)
    counts = cli.invoke(main, ["rounds", "show", "1", "--format", "csv"]).output.splitlines()
    assert counts[0] == "läge;antal" and "fastställd;1" in counts

    assert cli.invoke(main, ["rounds", "open", "Lägesbild 2027", *args]).exit_code == 0
    _approve_in_round(url, 4)
    assert cli.invoke(main, ["rounds", "close", "2"]).exit_code == 0

    listed = json.loads(cli.invoke(main, ["rounds", "list", "--format", "json"]).output)
    assert [(x["id"], x["status"]) for x in listed] == [(2, "stängd"), (1, "stängd")]
    assert listed[1]["sha256"] == sha
    header, rule, *lines = cli.invoke(main, ["rounds", "list"]).output.splitlines()
    assert header.split()[:3] == ["id", "status", "lägesdatum"] and set(rule) == {"-"}
    assert lines[1].split()[:2] == ["1", "stängd"] and sha in lines[1]
    compared = json.loads(
        cli.invoke(main, ["rounds", "compare", "1", "2", "--format", "json"]).output
    )
    changed = [c for c in compared["capabilities"] if c["level_before"] != c["level_after"]]
    assert [
        (c["number"], c["level_before"], c["level_after"], c["direction"]) for c in changed
    ] == [("1.1.1", 2, 4, "↑")]
    table = cli.invoke(main, ["rounds", "compare", "1", "2"]).output
    assert "1.1.1" in table and "↑" in table
    # Named the other way round, the comparison still reads older → newer (issue 24).
    assert cli.invoke(main, ["rounds", "compare", "2", "1"]).output == table
    assert table.splitlines()[0] == "Lägesbild 2026 → Lägesbild 2027"
    reversed_json = json.loads(
        cli.invoke(main, ["rounds", "compare", "2", "1", "--format", "json"]).output
    )
    assert reversed_json == compared and compared["title"] == "Lägesbild 2026 → Lägesbild 2027"
    # Against the register only what changed is listed, not every capability as "– → –".
    today = cli.invoke(main, ["rounds", "compare", "1", "today"]).output.splitlines()
    assert today[0] == "Lägesbild 2026 → Registret i dag"
    assert not [line for line in today if "–  → –" in line or "– → –" in line]
    assert [line.split()[0] for line in today[1:] if not line.startswith("Poäng")] == ["1.1.1"]
    rows = list(
        csv.reader(
            io.StringIO(cli.invoke(main, ["rounds", "compare", "1", "2", "--format", "csv"]).output)
        )
    )
    assert rows[0][0] == "Delförmåga" and len(rows) == 63
    bad = cli.invoke(main, ["rounds", "compare", "1", "x"])
    assert bad.exit_code == 1 and "today" in bad.output
    huge = "99999999999999999999"  # no INTEGER id: a one-line Swedish error (issue 23, F10)
    for args in (["compare", "1", huge], ["compare", huge, "1"], ["show", huge]):
        result = cli.invoke(main, ["rounds", *args])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert result.output.strip() == f"Fel: Uppföljningsomgång med id {huge} finns inte."


@pytest.mark.parametrize(
    "args",
    [
        [
            "rounds",
            "open",
            "R",
            "--reference-date",
            "2026-06-30",
            "--deadline",
            "2026-09-30",
            "--reviewer",
            "admin",
            "--user",
            "system",
        ],
        ["rounds", "close", "1", "--user", "system"],
        ["report", "-o", "ignored.pdf", "--user", "system"],
        ["calendar", "-o", "ignored.ics", "--user", "system"],
    ],
)
def test_no_command_acts_as_the_system_user(runner: tuple[CliRunner, str], args: list[str]) -> None:
    """The one "user by name, or stop" (web.cli.common.user_named): the system user, which
    records the seed and console actions, is no one a command may act as or report for."""
    cli, _url = runner
    result = cli.invoke(main, args)
    assert result.exit_code == 1, result.output
    assert result.output.strip() == "Fel: Okänd eller inaktiv användare: system"
