"""Alembic environment: the URL and an optional live connection come from our config."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

import capabilities.models  # noqa: F401  (registers every table on Base.metadata)
from capabilities.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode for ALTER
        compare_type=True,
    )
    # Batch mode rebuilds a SQLite table (copy, DROP, rename): with foreign keys enforced, the
    # DROP of a table other rows refer to fails on any database holding data. SQLite's own
    # recipe: enforcement off for the rebuild (outside a transaction), checked afterwards.
    sqlite = connection.dialect.name == "sqlite" and not connection.in_transaction()
    if sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            raw = connection.connection.driver_connection
            raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
    if sqlite:
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()  # type: ignore[union-attr]
        if broken:
            raise RuntimeError(f"Migration left rows pointing at nothing: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
