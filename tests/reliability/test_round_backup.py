"""A closed round's snapshot is reproduced byte for byte by backup and restore (both databases)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner

from capabilities.db import make_engine
from capabilities.models import Capability, RoundSnapshot
from capabilities.services import create_user
from capabilities.services import rounds as r
from capabilities.services.rounds import EntryInput
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD
from web.cli import main


def _closed_round(session: so.Session) -> str:
    users = [
        create_user(
            session,
            None,
            NewUser(
                username=name,
                display_name=name.title(),
                role=role,
                password=PASSWORD,
                can_see_confidential=True,
            ),
        )
        for name, role in (("rundadmin", "admin"), ("anna", "medlem"), ("greta", "medlem"))
    ]
    admin, member, reviewer = users
    round_ = r.open_round(
        session,
        admin,
        name="Lägesbild 2026 – ”citat” och å ä ö",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[reviewer.id],
    )
    caps = {c.number: c for c in session.scalars(sa.select(Capability))}
    for number, level, secret in (("1.1.1", 2, False), ("2.1.1", 4, True)):
        entry = r.save_entry(
            session,
            member,
            round_,
            caps[number],
            EntryInput(
                level,
                f"Bedömning {number}\nandra raden",
                confidential=secret,
                secrecy_ref="OSL 18:13",
            ),
            submit=True,
        )
        r.approve_entry(session, reviewer, entry)
    r.save_entry(session, member, round_, caps["3.1.1"], EntryInput(1, "Bara utkast"))
    return r.close_round(session, admin, round_).sha256


def test_snapshot_hash_survives_backup_and_restore(
    kind: str,
    seeded_database: Callable[..., tuple[str, Any]],
    fresh_database_url: Callable[[str], str],
    tmp_path: Path,
) -> None:
    source, sha = seeded_database(_closed_round)
    archive = tmp_path / "formaga.backup"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["backup", "-o", str(archive)], env={"DATABASE_URL": source}).exit_code
        == 0
    )
    target = fresh_database_url(kind)
    result = runner.invoke(main, ["restore", str(archive)], env={"DATABASE_URL": target})
    assert result.exit_code == 0, result.output
    for url in (source, target):
        engine = make_engine(url)
        with so.Session(engine) as session:
            snap = session.scalars(sa.select(RoundSnapshot)).one()
            assert snap.sha256 == sha
            assert hashlib.sha256(snap.content.encode("utf-8")).hexdigest() == sha
            assert "Bara utkast" not in snap.content
        engine.dispose()
    shown = runner.invoke(
        main, ["rounds", "list", "--format", "json"], env={"DATABASE_URL": target}
    )
    assert sha in shown.output
    shown = runner.invoke(
        main, ["rounds", "show", "1", "--format", "json"], env={"DATABASE_URL": target}
    )
    assert '"sha256_verified": true' in shown.output
