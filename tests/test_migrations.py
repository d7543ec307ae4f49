"""Migrations: upgrade and downgrade work on both databases and match the models exactly."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from capabilities import migrate
from capabilities.db import Base, make_engine


def test_upgrade_matches_models_and_downgrade_to_base(
    db_kind: str, fresh_database_url: Callable[[str], str]
) -> None:
    url = fresh_database_url(db_kind)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
            assert diff == []
            tables = set(sa.inspect(conn).get_table_names())
        assert {"capabilities", "status_assessments", "audit_events", "api_tokens"} <= tables
        migrate.downgrade(url, "base")
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(url)
    finally:
        engine.dispose()
