"""Faults survived (issue 30, point 6): a real `formaga serve` process, a real fault.

- The process is SIGKILLed while it writes an Excel import and while it closes a round: the
  write is all or nothing (every row's assessment with its audit event, or none; a round
  closed with its snapshot, hash and audit event, or still open without a snapshot), and a
  new process answers at once, with no manual step.

"While it writes" is observed from outside, not guessed with a sleep: on PostgreSQL the
server's backend has a transaction id (it has written) and has not committed; on SQLite the
write lock is taken (a probe's BEGIN IMMEDIATE is refused).
"""

from __future__ import annotations

import hashlib
import http.client
import io
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.db import make_engine
from capabilities.models import AuditEvent, ReportingRound, RoundSnapshot, StatusAssessment
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import UPDATE_SHEET, write_workbook
from capabilities.services import rounds
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD
from tests.reliability.conftest import Client, form_with
from tests.reliability.processes import Server, serve

KILLS = 2  # kills per fault and database: each a fresh process afterwards
WRITE_WAIT = 30.0  # seconds for the server to start writing


@contextmanager
def session_on(url: str) -> Iterator[so.Session]:
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def writing(url: str) -> bool:
    """Whether another connection is inside a write transaction right now."""
    if url.startswith("sqlite"):
        probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc), exc
            return True
        finally:
            if probe.in_transaction:
                probe.execute("ROLLBACK")
            probe.close()
        return False
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return bool(
                connection.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                    )
                )
            )
    finally:
        engine.dispose()


def post_without_waiting(server: Server, client: Client, path: str, data: list[Any]) -> None:
    """Send a POST as `client` and do not wait for the answer (the server will die)."""

    def send() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WRITE_WAIT)
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            connection.request("POST", path, body=urlencode(data), headers=headers)
            connection.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass  # killed: no answer
        finally:
            connection.close()

    threading.Thread(target=send, daemon=True).start()


def kill_while_writing(server: Server, url: str, delay: float) -> bool:
    """SIGKILL the server `delay` s into its write; True when it was still writing then."""
    deadline = time.monotonic() + WRITE_WAIT
    while not writing(url):
        assert server.process.poll() is None, server.log.read_text()
        assert time.monotonic() < deadline, "the server never started writing"
        time.sleep(0.002)
    time.sleep(delay)
    still = writing(url)
    server.kill()
    return still


def _upload_form(client: Client, workbook: bytes) -> list[tuple[str, str]]:
    """Upload (multipart) and return the confirmation form of the preview."""
    form = form_with(client.get("/reports/import").body, "csrf_token")
    boundary = "formaga-grans"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in form.fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="u.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + workbook
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
    }
    client.conn.request("POST", "/reports/import", body=body, headers=headers)
    reply = client.conn.getresponse()
    html = reply.read().decode()
    assert reply.status == 200, html[:2000]
    for header in reply.headers.get_all("Set-Cookie") or []:  # the upload's token
        for name, morsel in SimpleCookie(header).items():
            client.cookies[name] = morsel.value
    return form_with(html, "token").fields


def _update_workbook(url: str, marker: str) -> tuple[bytes, int]:
    """The export's Uppdatering sheet with a new level and summary on every row."""
    buffer = io.BytesIO()
    with session_on(url) as session:  # the workbook streams the history from the session
        write_workbook(build_report(session, exported_by="test"), buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book[UPDATE_SHEET]
    rows = 0
    for row in range(3, sheet.max_row + 1):
        if sheet.cell(row, 1).value:
            sheet.cell(row, 7).value = 1 + row % 5
            sheet.cell(row, 8).value = f"{marker} rad {row}"
            rows += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


def _imported(url: str, marker: str) -> tuple[int, int]:
    """(assessments, their create audit events) written by the import marked `marker`."""
    with session_on(url) as session:
        stored = session.scalar(
            sa.select(sa.func.count(StatusAssessment.id)).where(
                StatusAssessment.summary.like(f"{marker} rad %")
            )
        )
        events = session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity_type == "status_assessments", AuditEvent.action == "create"
            )
        ).all()
    audited = sum(1 for e in events if str((e.after or {}).get("summary", "")).startswith(marker))
    return stored or 0, audited


def test_import_killed_while_writing_is_all_or_nothing(
    seeded_database: Callable[..., tuple[str, Any]], tmp_path: Path
) -> None:
    def prepare(session: so.Session) -> None:
        services.create_user(
            session,
            None,
            NewUser(username="inlasare", display_name="I", role="medlem", password=PASSWORD),
        )

    url, _ = seeded_database(prepare)
    mid_write = 0
    for n in range(KILLS):
        marker = f"Avbruten{n}"
        workbook, rows = _update_workbook(url, marker)
        with serve(url, tmp_path) as server:
            client = server.client("inlasare")
            confirm = _upload_form(client, workbook)
            post_without_waiting(server, client, "/reports/import/confirm", confirm)
            mid_write += kill_while_writing(server, url, delay=0.03 * n)
        assert _imported(url, marker) in {(0, 0), (rows, rows)}, (marker, rows)
    assert mid_write, "no kill landed while the import was writing"

    workbook, rows = _update_workbook(url, "Efteråt")
    with serve(url, tmp_path) as server:  # a new process, no manual step
        client = server.client("inlasare")
        confirm = _upload_form(client, workbook)
        assert client.post("/reports/import/confirm", confirm).status == 302
    assert _imported(url, "Efteråt") == (rows, rows)


def _round_state(url: str) -> tuple[str, int, int, bool]:
    """(status, snapshots, close audit events, every snapshot's hash matches its content)."""
    with session_on(url) as session:
        round_ = session.scalars(sa.select(ReportingRound)).one()
        snapshots = session.scalars(sa.select(RoundSnapshot)).all()
        closes = session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.entity_type == "reporting_rounds", AuditEvent.action == "close"
            )
        )
        hashes = all(hashlib.sha256(s.content.encode()).hexdigest() == s.sha256 for s in snapshots)
        return round_.status, len(snapshots), closes or 0, hashes


def test_round_close_killed_while_writing_is_all_or_nothing(
    seeded_database: Callable[..., tuple[str, Any]], tmp_path: Path
) -> None:
    def prepare(session: so.Session) -> int:
        admin = services.create_user(
            session,
            None,
            NewUser(username="stangare", display_name="S", role="admin", password=PASSWORD),
        )
        session.flush()
        round_ = rounds.open_round(
            session,
            admin,
            name="Omgång som avbryts",
            reference_date="2025-03-31",
            deadline="2099-12-31",
            reviewer_ids=[admin.id],
        )
        session.flush()
        return round_.id

    url, round_id = seeded_database(prepare)
    path = f"/rounds/{round_id}/close"
    mid_write = 0
    closed = False
    for n in range(KILLS):
        with serve(url, tmp_path) as server:
            client = server.client("stangare")
            form = form_with(client.get(f"/rounds/{round_id}").body, "confirm_name")
            data = form.data(confirm_name="Omgång som avbryts")
            post_without_waiting(server, client, path, data)
            mid_write += kill_while_writing(server, url, delay=0.01 * n)
        state = _round_state(url)
        assert state in {("öppen", 0, 0, True), ("stängd", 1, 1, True)}, state
        if state[0] == "stängd":
            closed = True
            break
    assert mid_write, "no kill landed while the round was being closed"

    with serve(url, tmp_path) as server:  # a new process, no manual step
        client = server.client("stangare")
        if not closed:
            form = form_with(client.get(f"/rounds/{round_id}").body, "confirm_name")
            reply = client.post(path, form.data(confirm_name="Omgång som avbryts"))
            assert reply.status == 302, reply.body[:2000]
        assert client.get(f"/rounds/{round_id}").status == 200
    assert _round_state(url) == ("stängd", 1, 1, True)
