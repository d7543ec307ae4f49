"""`formaga db …`, `formaga backup` and `formaga restore`: the database itself."""

from __future__ import annotations

import click

from web.cli import common


@click.group(help="Database migrations (Alembic).")
def db() -> None:
    pass


@db.command("upgrade", help="Migrate the database to REVISION (default: head).")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    from capabilities import migrate

    migrate.upgrade(revision=revision)


@db.command("downgrade", help="Migrate the database down to REVISION (e.g. base).")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    from capabilities import migrate

    migrate.downgrade(revision=revision)


@db.command("current", help="Show the current revision.")
def db_current() -> None:
    from capabilities import migrate

    migrate.current()


@click.command(help="Back up the whole database to FILE (SQLite backup API or pg_dump).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def backup(output: str) -> None:
    from capabilities.backup import BackupError
    from capabilities.backup import backup as backup_database
    from capabilities.db import database_url

    try:
        written = backup_database(database_url(), output)
    except BackupError as exc:
        common.fail(exc.message)
    click.echo(f"Säkerhetskopia skriven: {output} ({written.stat().st_size // 1024} kB).")


@click.command(help="Restore a backup FILE into the empty database at DATABASE_URL.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def restore(file: str) -> None:
    from capabilities.backup import BackupError
    from capabilities.backup import restore as restore_database
    from capabilities.db import database_url

    try:
        restore_database(file, database_url())
    except BackupError as exc:
        common.fail(exc.message)
    click.echo(f"Återställde databasen från {file}.")
