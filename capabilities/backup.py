"""Back up the whole database to one file, and restore it into an empty database.

SQLite uses the sqlite3 online backup API: a consistent copy while the app keeps running.
PostgreSQL uses pg_dump's custom format and pg_restore in one transaction, so that a failed
restore leaves nothing behind. A restore never overwrites data: the target must be empty.
Messages are Swedish because the CLI shows them to the operator as they are.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from capabilities.db import make_engine

PG_BIN_DIRS = (
    Path("/usr/lib/postgresql/15/bin"),
    *sorted(Path("/usr/lib/postgresql").glob("*/bin")),
)
# Rows there are not data: a database that was only migrated counts as empty.
BOOKKEEPING_TABLES = frozenset({"alembic_version"})
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Backup or restore refused or failed; `message` is Swedish and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def backup(url: str, target: str | Path) -> Path:
    """Write a backup of the database at `url` to `target` (replaced only when complete)."""
    target = Path(target)
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_path(parsed), target)
    elif parsed.get_backend_name() == "postgresql":
        _pg_backup(parsed, target)
    else:
        raise BackupError(f"Databastypen {parsed.get_backend_name()} stöds inte.")
    return target


def restore(source: str | Path, url: str) -> None:
    """Restore `source` into the empty database at `url`; refuse when it holds any rows."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"Säkerhetskopian {source} finns inte.")
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Databastypen {backend} stöds inte.")
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    expected = SQLITE_MAGIC if backend == "sqlite" else PG_CUSTOM_MAGIC
    if not head.startswith(expected):
        kind = "SQLite-databas" if backend == "sqlite" else "pg_dump-fil (custom format)"
        raise BackupError(
            f"{source} är ingen säkerhetskopia för {backend}: filen är inte en {kind}."
        )
    filled = [name for name in tables_with_rows(url) if name not in BOOKKEEPING_TABLES]
    if filled:
        raise BackupError(
            "Måldatabasen är inte tom (rader finns i "
            f"{', '.join(filled[:5])}{' m.fl.' if len(filled) > 5 else ''}). "
            "Återställ bara till en tom databas, så att inget skrivs över."
        )
    if backend == "sqlite":
        _sqlite_restore(source, _sqlite_path(parsed))
    else:
        _pg_restore(source, parsed)


def tables_with_rows(url: str) -> list[str]:
    """Names of the tables in the database at `url` that hold at least one row."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and not _sqlite_path(parsed).exists():
        return []  # don't create the file just to look
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            metadata = sa.MetaData()
            metadata.reflect(conn)
            return [
                table.name
                for table in metadata.sorted_tables
                if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
            ]
    finally:
        engine.dispose()


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("En SQLite-databas i minnet kan inte säkerhetskopieras.")
    return Path(url.database)


_SOURCE, _TARGET = "source", "target"


def _sqlite_copy(source: Path | str, target: Path | str, *, waits: str, single_file: bool) -> str:
    """Copy page by page through SQLite's backup API; the copy's quick_check answer ("ok").

    `waits` is the side that may be busy (the live database being copied, or the one restored
    into) and waits for it up to 15 s; `single_file` leaves the copy without a -wal journal.
    """
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        (src if waits == _SOURCE else dst).execute("PRAGMA busy_timeout=15000")
        src.backup(dst)
        if single_file:
            dst.execute("PRAGMA journal_mode=DELETE")
        return str(dst.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        dst.close()
        src.close()


def _sqlite_backup(database: Path, target: Path) -> None:
    """Online backup into a temporary file next to `target`, then an atomic rename."""
    if not database.exists():
        raise BackupError(f"Databasen {database} finns inte.")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        # the live database waits out writers; the copy is one self-contained file, no -wal
        problem = _sqlite_copy(database, temporary, waits=_SOURCE, single_file=True)
        if problem != "ok":
            raise BackupError(f"Kopian av {database} är skadad ({problem}).")
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite-kopieringen misslyckades: {exc}.") from exc
    finally:
        Path(temporary).unlink(missing_ok=True)


def _sqlite_restore(source: Path, database: Path) -> None:
    """Copy page by page through the backup API into the (empty) target database."""
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        problem = _sqlite_copy(source, database, waits=_TARGET, single_file=False)
    except sqlite3.Error as exc:
        raise BackupError(f"Återställningen misslyckades: {exc}.") from exc
    if problem != "ok":
        raise BackupError(f"Den återställda databasen är skadad ({problem}).")


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_binary(name: str) -> str:
    """pg_dump or pg_restore from PATH, else from the PostgreSQL installation directories."""
    found = shutil.which(name)
    if found:
        return found
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    raise BackupError(f"{name} hittades inte. Installera PostgreSQL-klienten (postgresql-client).")


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise BackupError(f"{what} misslyckades: {' '.join(detail[-3:]) or result.returncode}")


def _pg_backup(url: sa.URL, target: Path) -> None:
    uri, environment = _libpq(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        _run(
            [pg_binary("pg_dump"), "--format=custom", f"--file={temporary}", f"--dbname={uri}"],
            environment,
            "pg_dump",
        )
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _pg_restore(source: Path, url: sa.URL) -> None:
    """All or nothing (one transaction); empty tables left by a migration are replaced."""
    uri, environment = _libpq(url)
    _run(
        [
            pg_binary("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={uri}",
            str(source),
        ],
        environment,
        "pg_restore",
    )
