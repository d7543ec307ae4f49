"""Upgrading keeps the data: a database at every earlier revision, filled with representative
data, upgrades to head with every row and every value still there, on both databases.

The data is the seeded register plus users, assessments, links, measures, tokens and their audit
trail, made through the services at head and copied into the older schema column by column
(rows that schema could not hold are left out). The test is parametrized over every revision
Alembic knows, so a new migration is covered the moment it is added. A migration that means to
change stored values must say so here, in DATA_CHANGES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from alembic.script import ScriptDirectory

from capabilities import migrate, services
from capabilities.db import make_engine
from capabilities.models import Actor, Assignment, Capability
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.conftest import PASSWORD

# (revision, table, column) whose values a migration deliberately rewrites.
DATA_CHANGES: set[tuple[str, str, str]] = set()


def _revisions() -> list[str]:
    """Every revision but the head, oldest first."""
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    heads = set(script.get_heads())
    oldest_first = [r.revision for r in reversed(list(script.walk_revisions()))]
    return [revision for revision in oldest_first if revision not in heads]


def _representative(session: so.Session) -> None:
    """The seeded register and one of everything a working group makes, with its audit."""
    seed(session)
    admin = services.create_user(
        session,
        None,
        NewUser(
            username="uppgradering-admin",
            display_name="Ada Admin",
            role="admin",
            password=PASSWORD,
            can_see_confidential=True,
        ),
    )
    member = services.create_user(
        session,
        admin,
        NewUser(
            username="uppgradering-medlem",
            display_name="Maja Medlem",
            role="medlem",
            password=PASSWORD,
            can_see_confidential=True,
        ),
    )
    capabilities = list(session.scalars(sa.select(Capability).order_by(Capability.id).limit(3)))
    actor = session.scalars(sa.select(Actor).order_by(Actor.id)).first()
    assignment = session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    assert actor is not None and assignment is not None
    for level, capability in enumerate(capabilities, start=2):
        services.record_assessment(
            session,
            member,
            capability,
            AssessmentInput(
                level=level,
                summary=f"Lägesbild för {capability.number}",
                assessed_on=date(2025, 6, level),
            ),
        )
    services.record_assessment(
        session,
        member,
        capabilities[0],
        AssessmentInput(
            level=1,
            summary="Sekretessmarkerad lägesbild",
            confidential=True,
            secrecy_ref="OSL 15:2",
        ),
    )
    services.link_assignment(session, member, capabilities[1], assignment, note="Uppgradering")
    services.add_responsibility(session, member, capabilities[2], actor, role="ansvarar")
    services.create_measure(
        session,
        member,
        MeasureInput(
            title="Uppgraderingsåtgärd", capability_ids=[capabilities[0].id], actor_ids=[actor.id]
        ),
    )
    services.create_token(session, member, name="uppgradering")
    session.flush()


@pytest.fixture(scope="module")
def head_rows(
    db_kind: str, fresh_database_url: Callable[[str], str]
) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Every table's rows in a head database holding the representative data."""
    url = fresh_database_url(db_kind)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            _representative(session)
            session.commit()
        yield _dump(engine)
    finally:
        engine.dispose()


def _tables(engine: sa.Engine) -> list[sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(engine)
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]


def _dump(engine: sa.Engine) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows. The schema is reflected once per revision and once at head:
    reflecting it for every step was a large part of this test's time on PostgreSQL."""
    with engine.connect() as conn:
        return {
            table.name: [
                dict(row._mapping)
                for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in _tables(engine)
        }


def _fill(
    engine: sa.Engine, tables: list[sa.Table], rows: dict[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """Copy head rows into an older schema; returns what it holds (rows it refused are left)."""
    kept: dict[str, list[dict[str, Any]]] = {}
    with engine.begin() as conn:
        for table in tables:
            names = {c.name for c in table.columns}
            kept[table.name] = []
            for row in rows.get(table.name, []):
                values = {k: v for k, v in row.items() if k in names}
                try:
                    with conn.begin_nested():
                        conn.execute(table.insert().values(values))
                except sa.exc.IntegrityError:
                    continue  # a value this revision's constraints did not allow yet
                kept[table.name].append(values)
        if engine.dialect.name == "postgresql":
            for table in tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    return kept


@pytest.mark.parametrize("revision", _revisions())
def test_upgrade_from_every_revision_keeps_the_data(
    revision: str,
    db_kind: str,
    fresh_database_url: Callable[[str], str],
    head_rows: dict[str, list[dict[str, Any]]],
) -> None:
    url = fresh_database_url(db_kind)
    migrate.upgrade(url, revision)
    engine = make_engine(url)
    try:
        tables = _tables(engine)
        keys = {t.name: [c.name for c in t.primary_key.columns] for t in tables}
        before = _fill(engine, tables, head_rows)
        for table in ("users", "status_assessments", "measures", "audit_events"):
            assert before.get(table), f"no {table} rows at {revision}"
        migrate.upgrade(url)
        after = _dump(engine)
    finally:
        engine.dispose()
    for table, rows in before.items():
        assert table in after, f"table {table} disappeared upgrading from {revision}"
        key = keys[table]
        upgraded = {tuple(row[k] for k in key): row for row in after[table]}
        for row in rows:
            identity = tuple(row[k] for k in key)
            assert identity in upgraded, f"{table} row {identity} lost from {revision}"
            now = upgraded[identity]
            changed = {
                column: (value, now[column])
                for column, value in row.items()
                if column in now
                and now[column] != value
                and (revision, table, column) not in DATA_CHANGES
            }
            assert not changed, f"{table} row {identity} changed from {revision}: {changed}"
