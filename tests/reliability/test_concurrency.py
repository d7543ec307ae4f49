"""No lost updates: 16 concurrent browsers against the real server, on SQLite and PostgreSQL.

Each client logs in through the real form and, for about ten seconds, records status
assessments and edits measures on a few shared rows. Every write the server accepted (302)
must be in the database and in the audit log; every refused write must be a 409 with a
message; no request may fail otherwise (no 500, no "database is locked"). Measure edits are
optimistic: each accepted edit must be based on the one before it (the audit chain), so that
none silently overwrote another.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.db import make_engine
from capabilities.models import AuditEvent, Capability, Measure, StatusAssessment
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD
from tests.reliability.conftest import Client, form_with, message_in, served

CLIENTS = 16
DURATION = 10.0
CAPABILITIES = ("1.1.1", "2.1.1", "3.2.10")
CONFLICT_TEXT = "någon annan"


@dataclass
class Tally:
    """What one client saw; merged after the run."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    assessments: list[str] = field(default_factory=list)  # markers accepted (302)
    measure_edits: dict[int, list[str]] = field(default_factory=dict)  # measure id → markers
    refused: list[tuple[str, str]] = field(default_factory=list)  # (what, message)
    failures: list[str] = field(default_factory=list)


def _prepare(session: so.Session) -> dict[str, Any]:
    """Sixteen members and two shared measures."""
    users = [
        services.create_user(
            session,
            None,
            NewUser(
                username=f"samtidig{n}",
                display_name=f"Samtidig {n}",
                role="medlem",
                password=PASSWORD,
            ),
        )
        for n in range(CLIENTS)
    ]
    cap_ids = list(
        session.scalars(sa.select(Capability.id).where(Capability.number.in_(CAPABILITIES)))
    )
    measures = [
        services.create_measure(
            session,
            users[0],
            MeasureInput(
                title=f"Delad åtgärd {n}", description="utgångsläge", capability_ids=cap_ids
            ),
        )
        for n in range(2)
    ]
    return {"users": [u.username for u in users], "measures": [m.id for m in measures]}


def _client_run(
    host: str, port: int, username: str, measures: list[int], deadline: float, tally: Tally
) -> None:
    rng = random.Random(username)
    client = Client(host, port)
    seq = 0

    def marker() -> str:
        nonlocal seq
        seq += 1
        return f"samtidigt-{username}-{seq}"

    try:
        client.login(username)
        pending: tuple[int, Any] | None = None  # a 409 form to submit again (re-apply)
        while time.monotonic() < deadline:
            if pending is None and rng.random() < 0.5:
                number = rng.choice(CAPABILITIES)
                path = f"/capabilities/{number}/assessments/new"
                page = client.get(path)
                tally.statuses[("GET assessment form", page.status)] += 1
                form = form_with(page.body, "summary")
                mark = marker()
                reply = client.post(path, form.data(level=str(rng.randint(1, 5)), summary=mark))
                tally.statuses[("POST assessment", reply.status)] += 1
                if reply.status == 302:
                    tally.assessments.append(mark)
                else:
                    tally.failures.append(f"assessment {mark}: {reply.status}")
                continue
            if pending is not None:
                measure_id, form = pending
                pending = None
            else:
                measure_id = rng.choice(measures)
                page = client.get(f"/measures/{measure_id}/edit")
                tally.statuses[("GET measure form", page.status)] += 1
                form = form_with(page.body, "version")
                time.sleep(rng.random() * 0.05)  # a person reading: lets others get in between
            mark = marker()
            reply = client.post(f"/measures/{measure_id}/edit", form.data(description=mark))
            tally.statuses[("POST measure", reply.status)] += 1
            if reply.status == 302:
                tally.measure_edits.setdefault(measure_id, []).append(mark)
            elif reply.status == 409:
                text = message_in(reply.body)
                tally.refused.append((mark, text))
                if rng.random() < 0.5:  # submit the conflict form again, as the page offers
                    pending = (measure_id, form_with(reply.body, "version"))
            else:
                tally.failures.append(f"measure {mark}: {reply.status}")
    except Exception as exc:  # a failure in a thread must reach the test
        tally.failures.append(f"{username}: {type(exc).__name__}: {exc}")
    finally:
        client.close()


def _verify(url: str, tallies: list[Tally], measures: list[int]) -> dict[str, int]:
    accepted_assessments = [m for t in tallies for m in t.assessments]
    accepted_edits: dict[int, list[str]] = {m: [] for m in measures}
    for t in tallies:
        for measure_id, marks in t.measure_edits.items():
            accepted_edits[measure_id].extend(marks)
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            stored = Counter(
                session.scalars(
                    sa.select(StatusAssessment.summary).where(
                        StatusAssessment.summary.like("samtidigt-%")
                    )
                )
            )
            events = list(
                session.scalars(
                    sa.select(AuditEvent)
                    .where(AuditEvent.entity_type.in_(["status_assessments", "measures"]))
                    .order_by(AuditEvent.id)
                )
            )
            rows = {m.id: m for m in session.scalars(sa.select(Measure))}
    finally:
        engine.dispose()

    # Every accepted assessment is stored exactly once and audited exactly once.
    assert stored == Counter(accepted_assessments)
    audited = Counter(
        e.after["summary"]
        for e in events
        if e.entity_type == "status_assessments" and e.action == "create" and e.after
    )
    assert audited == Counter(accepted_assessments)

    for measure_id, marks in accepted_edits.items():
        updates = sorted(
            (e for e in events if e.entity_id == measure_id and e.action == "update"),
            key=lambda e: e.after["version"],
        )
        assert Counter(e.after["description"] for e in updates) == Counter(marks)
        # The chain: each accepted edit started from the one before (nothing overwritten).
        previous = "utgångsläge"
        for number, event in enumerate(updates, start=2):
            assert event.after["version"] == number
            assert event.before["description"] == previous
            previous = event.after["description"]
        measure = rows[measure_id]
        assert measure.version == 1 + len(marks)
        assert measure.description == previous
    return {
        "assessments": len(accepted_assessments),
        "edits": sum(len(m) for m in accepted_edits.values()),
    }


def test_concurrent_writers_lose_nothing(
    kind: str,
    seeded_database: Callable[..., tuple[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, made = seeded_database(_prepare)
    tallies = [Tally() for _ in range(CLIENTS)]
    with served(url, threads=8) as (host, port):
        deadline = time.monotonic() + DURATION
        threads = [
            threading.Thread(
                target=_client_run,
                args=(host, port, username, made["measures"], deadline, tally),
            )
            for username, tally in zip(made["users"], tallies, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=DURATION + 120)
        assert not any(thread.is_alive() for thread in threads), "a client hung"

    failures = [f for t in tallies for f in t.failures]
    assert failures == [], failures[:20]
    statuses: Counter[tuple[str, int]] = sum((t.statuses for t in tallies), Counter())
    assert all(status in (200, 302, 409) for _, status in statuses), statuses
    refused = [r for t in tallies for r in t.refused]
    for mark, text in refused:
        assert CONFLICT_TEXT in text, (mark, text[:300])
    figures = _verify(url, tallies, made["measures"])
    accepted = figures["assessments"] + figures["edits"]
    assert figures["assessments"] > 0 and figures["edits"] > 0
    with capsys.disabled():
        print(
            f"\n[{kind}] clients={CLIENTS} requests={sum(statuses.values())} "
            f"accepted={accepted} (assessments {figures['assessments']}, "
            f"measure edits {figures['edits']}) refused(409)={len(refused)} lost=0"
        )
