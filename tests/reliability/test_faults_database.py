"""Faults survived (issue 30, point 6), continued: the database goes away under a running app.

- PostgreSQL is restarted (`pg_ctl restart`, a dedicated throwaway cluster) while members save
  assessments through `formaga serve`.

Every save the app acknowledged is stored with its audit event; a save that failed got a
Swedish 503 page, never a 500; and the same process saves again afterwards (its connection
pool recovers by itself).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate, services
from capabilities.db import make_engine
from capabilities.models import AuditEvent, StatusAssessment
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.conftest import PASSWORD
from tests.pg import PostgresUnavailable, ThrowawayCluster, create_database
from tests.reliability.conftest import Client, form_with, message_in
from tests.reliability.processes import Server, serve

SAVERS = 3
NUMBERS = ("1.1.1", "2.1.1", "3.2.10")
UNAVAILABLE_TEXT = "försök igen"  # both 503 pages (locked, unreachable) say so
RECOVERY_TIMEOUT = 20.0


@dataclass
class Tally:
    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # markers answered 503
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    accepted_at: list[float] = field(default_factory=list)
    restarted_server: bool = False


def _prepare(session: so.Session) -> None:
    seed(session)
    for n in range(SAVERS):
        services.create_user(
            session,
            None,
            NewUser(username=f"sparare{n}", display_name=f"S{n}", role="medlem", password=PASSWORD),
        )


def _save_loop(client: Client, name: str, stop: threading.Event, tally: Tally) -> None:
    """Record assessments until told to stop; every answer is classified."""
    n = 0
    while not stop.is_set():
        n += 1
        marker = f"{name}-{n}"
        path = f"/capabilities/{NUMBERS[n % len(NUMBERS)]}/assessments/new"
        try:
            page = client.get(path)
            tally.statuses[page.status] += 1
            if page.status != 200:
                _refusal(page.status, page.body, f"GET {marker}", tally)
                time.sleep(0.05)
                continue
            form = form_with(page.body, "summary")
            reply = client.post(path, form.data(level=str(1 + n % 5), summary=marker))
        except (OSError, ConnectionError) as exc:
            tally.failures.append(f"{marker}: {exc!r}")
            client.conn.close()
            continue
        tally.statuses[reply.status] += 1
        if reply.status == 302:
            tally.accepted.append(marker)
            tally.accepted_at.append(time.monotonic())
        else:
            _refusal(reply.status, reply.body, marker, tally)
            tally.refused.append(marker)
            time.sleep(0.05)


def _refusal(status: int, body: str, what: str, tally: Tally) -> None:
    text = message_in(body)
    if status != 503 or UNAVAILABLE_TEXT not in text.lower() or "Traceback" in body:
        tally.failures.append(f"{what}: {status} {text[:300]}")


@contextmanager
def _cluster() -> Iterator[ThrowawayCluster]:
    cluster = ThrowawayCluster()
    try:
        cluster.start()
    except PostgresUnavailable as exc:
        cluster.stop()
        pytest.skip(f"no PostgreSQL for the restart test: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


def test_postgresql_restarted_while_members_save(tmp_path: Path) -> None:
    with _cluster() as cluster:
        url = create_database(cluster.url())
        migrate.upgrade(url)
        engine = make_engine(url)
        with so.Session(engine) as session:
            _prepare(session)
            session.commit()
        engine.dispose()

        with serve(url, tmp_path) as server:
            tally = _run_through_restart(server, cluster)
        stored, audited = _written(url)

    assert not tally.failures, tally.failures[:10]
    # The server really restarted while members saved (saves before and after it are checked in
    # _run_through_restart). A save that fails is allowed, not required: with pool_pre_ping a
    # restart between two requests is not felt at all, so requiring one made the test flaky.
    assert tally.restarted_server, "PostgreSQL did not restart"
    assert_nothing_acknowledged_lost(tally, stored, audited)


@contextmanager
def members_saving(clients: list[Client], tally: Tally) -> Iterator[None]:
    """Each client saves in a loop of its own (thread) while the body runs the fault; the body
    starts once the first saves are in, and the loops stop when it ends."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=_save_loop, args=(c, f"sparare{n}", stop, tally), daemon=True)
        for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        assert tally.accepted, tally.failures[:5]
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)


def wait_for_saves_after(tally: Tally, moment: float, what: str) -> None:
    """Until every member has saved again after `moment`: the app recovered by itself."""
    deadline = moment + RECOVERY_TIMEOUT
    while sum(at > moment + 0.5 for at in tally.accepted_at) < SAVERS:
        assert time.monotonic() < deadline, (
            f"no saves after {what}: {tally.statuses} {tally.failures[:5]}"
        )
        time.sleep(0.1)


def assert_nothing_acknowledged_lost(
    tally: Tally, stored: Counter[str], audited: Counter[str]
) -> None:
    assert Counter(tally.accepted) <= stored  # every acknowledged save is there …
    assert Counter(tally.accepted) <= audited  # … with its audit event
    assert set(stored) <= set(tally.accepted) | set(tally.refused)  # nothing from nowhere
    assert stored == audited


def _run_through_restart(server: Server, cluster: ThrowawayCluster) -> Tally:
    tally = Tally()
    with members_saving([server.client(f"sparare{n}") for n in range(SAVERS)], tally):
        started_before = _postmaster_start(cluster)
        cluster.restart()
        restarted = time.monotonic()
        tally.restarted_server = _postmaster_start(cluster) != started_before
        wait_for_saves_after(tally, restarted, "the restart")
    return tally


def _postmaster_start(cluster: ThrowawayCluster) -> object:
    """When the PostgreSQL server started: changes exactly when it restarts."""
    engine = sa.create_engine(cluster.url())
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT pg_postmaster_start_time()"))
    finally:
        engine.dispose()


def _written(url: str) -> tuple[Counter[str], Counter[str]]:
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            stored = Counter(session.scalars(sa.select(StatusAssessment.summary)))
            events = session.scalars(
                sa.select(AuditEvent).where(
                    AuditEvent.entity_type == "status_assessments", AuditEvent.action == "create"
                )
            ).all()
    finally:
        engine.dispose()
    audited = Counter(str((e.after or {}).get("summary")) for e in events)
    stored = Counter({k: v for k, v in stored.items() if k and k.startswith("sparare")})
    audited = Counter({k: v for k, v in audited.items() if k.startswith("sparare")})
    return stored, audited
