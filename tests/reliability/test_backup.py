"""Backup and restore through the `formaga` command, on SQLite and PostgreSQL.

Seed, add user data (assessments, measures and their links, responsibilities, assignment links,
tokens, the audit log), back up, restore into a fresh empty database, and compare every table
row by row. A restore into a database that holds data is refused and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner

from capabilities import migrate, services
from capabilities.backup import BackupError, restore, tables_with_rows
from capabilities.db import make_engine
from capabilities.models import (
    Actor,
    Assignment,
    Capability,
    User,
)
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD
from web.cli import main


def _user_data(session: so.Session) -> dict[str, Any]:
    """A working group's first weeks: assessments, measures, links, a token, an edit."""
    member = services.create_user(
        session,
        None,
        NewUser(
            username="backup-medlem",
            display_name="Backup Medlem",
            role="medlem",
            password=PASSWORD,
            can_see_confidential=True,
        ),
    )
    caps = {c.number: c for c in session.scalars(sa.select(Capability))}
    for number, level in (("1.1.1", 2), ("2.1.1", 3), ("3.2.10", 4)):
        services.record_assessment(
            session,
            member,
            caps[number],
            AssessmentInput(
                level=level,
                summary=f"Bedömning av {number} – ”citat” och radbrytning\nandra raden",
                assessed_on=date(2024, 5, 17),
            ),
        )
    services.record_assessment(
        session,
        member,
        caps["1.1.2"],
        AssessmentInput(
            level=1,
            summary="Sekretessmarkerad bedömning",
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    measure = services.create_measure(
        session,
        member,
        MeasureInput(
            title="Gemensamt beredskapslager",
            description="Förslag från NAS",
            capability_ids=[caps["1.1.1"].id, caps["1.1.2"].id],
            actor_ids=[session.scalars(sa.select(Actor.id).limit(1)).one()],
            due_on="2025-12-31",
        ),
    )
    services.update_measure(
        session,
        member,
        measure,
        replace(MeasureInput.of(measure), state="prioriterad", capability_ids=[caps["1.1.1"].id]),
        expected_version=measure.version,
    )
    actor = session.scalars(sa.select(Actor).order_by(Actor.id.desc()).limit(1)).one()
    services.add_responsibility(session, member, caps["2.1.1"], actor, role="kan_ansvara")
    assignment = session.scalars(sa.select(Assignment).order_by(Assignment.id).limit(1)).one()
    services.link_assignment(session, member, caps["3.2.10"], assignment, partial=True)
    services.create_token(session, member, name="Rapportverktyg")
    return {"measure": measure.id}


def _snapshot(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in primary-key order (all columns, reflected)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            tables = {}
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                tables[table.name] = [
                    dict(row._mapping) for row in conn.execute(sa.select(table).order_by(*order))
                ]
            return tables
    finally:
        engine.dispose()


def _invoke(url: str, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), env={"DATABASE_URL": url})


def test_backup_restore_round_trip_is_identical(
    kind: str,
    seeded_database: Callable[..., tuple[str, Any]],
    fresh_database_url: Callable[[str], str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, _ = seeded_database(_user_data)
    before = _snapshot(source)
    assert len(before["status_assessments"]) == 4
    assert any(
        row["removed_at"] is not None for row in before["measure_capabilities"]
    )  # an ended link
    assert before["audit_events"] and before["api_tokens"]

    archive = tmp_path / "formaga.backup"
    result = _invoke(source, "backup", "-o", str(archive))
    assert result.exit_code == 0, result.output
    assert "Säkerhetskopia skriven" in result.output and archive.stat().st_size > 0

    target = fresh_database_url(kind)
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "Återställde" in result.output

    after = _snapshot(target)
    assert set(after) == set(before)
    for name, rows in before.items():
        assert after[name] == rows, f"table {name} differs after restore"
    assert _snapshot(source) == before  # the backup changed nothing at the source
    with capsys.disabled():
        print(
            f"\n[{kind}] backup/restore: {len(before)} tables, "
            f"{sum(len(r) for r in before.values())} rows identical"
        )

    # The restored database is a working one: new rows get fresh ids.
    engine = make_engine(target)
    try:
        with so.Session(engine) as session:
            member = session.scalars(sa.select(User).where(User.username == "backup-medlem")).one()
            cap = session.scalars(sa.select(Capability).where(Capability.number == "1.1.3")).one()
            new = services.record_assessment(
                session, member, cap, AssessmentInput(level=2, summary="Efter")
            )
            session.commit()
            assert new.id > max(row["id"] for row in before["status_assessments"])
    finally:
        engine.dispose()


def test_restore_into_a_database_with_rows_is_refused(
    kind: str, seeded_database: Callable[..., tuple[str, Any]], tmp_path: Path
) -> None:
    source, _ = seeded_database(_user_data)
    archive = tmp_path / "formaga.backup"
    assert _invoke(source, "backup", "-o", str(archive)).exit_code == 0

    target, _ = seeded_database(None)
    before = _snapshot(target)
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 1
    assert "Måldatabasen är inte tom" in result.output
    assert "Återställ bara till en tom databas" in result.output
    assert _snapshot(target) == before

    # Even into the very database the backup came from: refused, nothing written twice.
    with pytest.raises(BackupError, match="inte tom"):
        restore(archive, source)


def test_restore_into_migrated_but_empty_database(
    kind: str,
    seeded_database: Callable[..., tuple[str, Any]],
    fresh_database_url: Callable[[str], str],
    tmp_path: Path,
) -> None:
    """`formaga db upgrade` first, then restore: the empty tables are replaced, not doubled."""
    source, _ = seeded_database(_user_data)
    archive = tmp_path / "formaga.backup"
    assert _invoke(source, "backup", "-o", str(archive)).exit_code == 0
    target = fresh_database_url(kind)
    migrate.upgrade(target)
    assert tables_with_rows(target) == ["alembic_version"]  # bookkeeping, not data
    result = _invoke(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert _snapshot(target) == _snapshot(source)


def test_restore_refuses_a_file_that_is_not_a_backup(
    kind: str, fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    bogus = tmp_path / "inte-en-kopia.bin"
    bogus.write_bytes(b"PK\x03\x04 en zip-fil, ingen databas")
    target = fresh_database_url(kind)
    result = _invoke(target, "restore", str(bogus))
    assert result.exit_code == 1
    assert "ingen säkerhetskopia" in result.output
    assert tables_with_rows(target) == []
