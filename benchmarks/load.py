"""Many users at once: simulated readers, members and analysts against real `formaga serve`
processes, then a check that every write the app acknowledged is stored and audited.

    .venv/bin/python benchmarks/load.py                         # PostgreSQL and SQLite
    .venv/bin/python benchmarks/load.py --databases postgresql --users 50 --seconds 120

For each database kind the 1× register of `generate.py` is built afresh (PostgreSQL in a
throwaway cluster started the way the tests start theirs, tests/pg.py), a reporting round is
opened, --users accounts are added (60 % readers, 32 % members, 8 % analysts) and --processes
`formaga serve` processes serve the one database. Each simulated user is a thread with its own
keep-alive connection and session cookie, logged in through the login form, on the server
its number picks; between two requests it thinks for a random 0–2×--think seconds:

- a reader opens the start page, the register, a capability, the gaps, measures, assignments;
- a member records a status assessment (form, CSRF token, POST) or saves a round entry draft
  with the version the form carried (a 409 "someone else saved" is counted, not an error);
  each member works on capabilities of its own, as the area split of a round gives them;
- an analyst downloads the gaps as xlsx and the register workbook.

It prints throughput, p50/p95/p99 per request type and the error count (a 5xx, a refused
connection, or a status the type does not expect), then reads the database: every
acknowledged assessment (its unique summary) must be stored with its "create" audit event,
and every acknowledged round-entry save must have its audit event and the entry must hold the
last text acknowledged for it. The exit status is 1 if an error or a lost write was seen.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import BENCH_PASSWORD, generate  # noqa: E402
from pages import Client, empty_database, serve  # noqa: E402

from capabilities.db import make_engine  # noqa: E402
from capabilities.models import (  # noqa: E402
    AuditEvent,
    Capability,
    RoundEntry,
    StatusAssessment,
    User,
)
from capabilities.passwords import hash_password  # noqa: E402
from capabilities.services import rounds as round_services  # noqa: E402

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_VERSION = re.compile(r'name="version"[^>]*value="([^"]*)"')
READER_PAGES = ["/", "/register", "/gaps", "/measures/", "/assignments/", "/actors/"]


@dataclass
class Results:
    """What the users saw, shared by their threads (appends under one lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    conflicts: int = 0
    assessments: dict[str, int] = field(default_factory=dict)  # summary → capability id
    entry_saves: int = 0
    last_entry_text: dict[int, str] = field(default_factory=dict)  # capability id → summary

    def timed(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds * 1000)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


@dataclass
class World:
    round_id: int
    capabilities: list[tuple[int, str]]  # (id, number)
    users: list[tuple[str, str]]  # (username, role: reader/member/analyst)


def prepare(url: str, users: int) -> World:
    """The 1× register, one open round and the simulated users' accounts."""
    generate(url, 1)
    engine = make_engine(url)
    digest = hash_password(BENCH_PASSWORD)
    members = max(1, round(users * 0.32))
    analysts = max(1, round(users * 0.08))
    roles = ["member"] * members + ["analyst"] * analysts
    roles += ["reader"] * (users - len(roles))
    accounts = [(f"load{i}", role) for i, role in enumerate(roles)]
    with so.Session(engine) as session:
        session.execute(
            sa.insert(User),
            [
                {
                    "username": name,
                    "display_name": f"Last {name}",
                    "role": "medlem" if role == "member" else "läsare",
                    "password_hash": digest,
                    "can_see_confidential": False,
                    "is_active": True,
                    "is_system": False,
                    "version": 1,
                }
                for name, role in accounts
            ],
        )
        admin = session.scalars(sa.select(User).where(User.username == "bench0")).one()
        reviewer = session.scalars(sa.select(User).where(User.username == "bench1")).one()
        round_ = round_services.open_round(
            session,
            admin,
            name="Lastprov",
            reference_date=date.today(),
            deadline=date.today() + timedelta(days=30),
            reviewer_ids=[reviewer.id],
        )
        capabilities = [
            (cap_id, number)
            for cap_id, number in session.execute(
                sa.select(Capability.id, Capability.number).where(Capability.retired_on.is_(None))
            )
        ]
        session.commit()
        round_id = round_.id
    engine.dispose()
    return World(round_id, sorted(capabilities), accounts)


def _call(
    results: Results, kind: str, client: Client, method: str, path: str, body: str | None = None
) -> tuple[int, str] | None:
    """One timed request; a 5xx or a failed connection is recorded as an error."""
    started = time.perf_counter()
    try:
        status, text = client.request(method, path, body)
    except Exception as exc:  # a refused or dropped connection is an error the user sees
        results.error(f"{kind}: {type(exc).__name__}: {exc}")
        return None
    results.timed(kind, time.perf_counter() - started)
    if status >= 500:
        results.error(f"{kind}: HTTP {status}")
    return status, text


def record_assessment(client: Client, results: Results, cap: tuple[int, str]) -> None:
    path = f"/capabilities/{cap[1]}/assessments/new"
    got = _call(results, "capability", client, "GET", path)
    if got is None:
        return
    token = _CSRF.search(got[1])
    summary = f"Lastprov {uuid.uuid4().hex}"
    form = {
        "csrf_token": token.group(1) if token else "",
        "level": str(random.randint(1, 5)),
        "target_level": "",
        "summary": summary,
        "assessed_on": date.today().isoformat(),
    }
    body = urllib.parse.urlencode(form)
    saved = _call(results, "save assessment", client, "POST", path, body)
    if saved is None:
        return
    if saved[0] == 302:
        with results.lock:
            results.assessments[summary] = cap[0]
    elif saved[0] < 500:
        results.error(f"save assessment: HTTP {saved[0]}")


def save_round_entry(client: Client, results: Results, round_id: int, cap: tuple[int, str]) -> None:
    path = f"/rounds/{round_id}/capabilities/{cap[1]}"
    got = _call(results, "capability", client, "GET", path)
    if got is None:
        return
    token, version = _CSRF.search(got[1]), _VERSION.search(got[1])
    summary = f"Omgång {uuid.uuid4().hex}"
    form = {
        "csrf_token": token.group(1) if token else "",
        "version": version.group(1) if version else "",
        "level": str(random.randint(1, 5)),
        "target_level": "",
        "summary": summary,
        "action": "draft",
    }
    body = urllib.parse.urlencode(form)
    saved = _call(results, "save round entry", client, "POST", path, body)
    if saved is None:
        return
    if saved[0] == 302:
        with results.lock:
            results.entry_saves += 1
            results.last_entry_text[cap[0]] = summary
    elif saved[0] == 409:
        with results.lock:
            results.conflicts += 1
    elif saved[0] < 500:
        results.error(f"save round entry: HTTP {saved[0]}")


def user_loop(
    name: str,
    role: str,
    own: list[tuple[int, str]],
    world: World,
    port: int,
    stop_at: float,
    think: float,
    results: Results,
) -> None:
    client = Client(port)
    try:
        client.login(name, BENCH_PASSWORD)
    except Exception as exc:
        results.error(f"login {name}: {exc}")
        return
    rng = random.Random(name)
    while time.monotonic() < stop_at:
        if role == "reader":
            if rng.random() < 0.3:
                number = rng.choice(world.capabilities)[1]
                _call(results, "capability", client, "GET", f"/capabilities/{number}")
            else:
                page = rng.choice(READER_PAGES)
                _call(results, "page", client, "GET", page)
        elif role == "member":
            cap = rng.choice(own)
            if rng.random() < 0.5:
                record_assessment(client, results, cap)
            else:
                save_round_entry(client, results, world.round_id, cap)
        else:
            path = rng.choice(["/gaps.xlsx", "/reports/export?format=xlsx"])
            got = _call(results, "export", client, "GET", path)
            if got is not None and got[0] != 200 and got[0] < 500:
                results.error(f"export {path}: HTTP {got[0]}")
        time.sleep(rng.uniform(0, 2 * think))


def run_users(world: World, ports: list[int], seconds: float, think: float) -> Results:
    results = Results()
    members = [name for name, role in world.users if role == "member"]
    own: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, cap in enumerate(world.capabilities):  # each member has capabilities of its own
        own[members[i % len(members)]].append(cap)
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=user_loop,
            args=(name, role, own[name], world, ports[i % len(ports)], stop_at, think, results),
            daemon=True,
        )
        for i, (name, role) in enumerate(world.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return results


def verify(url: str, world: World, results: Results) -> list[str]:
    """Every acknowledged write is stored with its audit event; returns what is missing."""
    lost: list[str] = []
    engine = make_engine(url)
    with so.Session(engine) as session:
        stored = dict(
            session.execute(
                sa.select(StatusAssessment.summary, StatusAssessment.id).where(
                    StatusAssessment.summary.like("Lastprov %")
                )
            ).all()
        )
        audited = set(
            session.scalars(
                sa.select(AuditEvent.entity_id).where(
                    AuditEvent.entity_type == StatusAssessment.__tablename__,
                    AuditEvent.action == "create",
                )
            )
        )
        for summary in results.assessments:
            if summary not in stored:
                lost.append(f"assessment {summary} acknowledged but not stored")
            elif stored[summary] not in audited:
                lost.append(f"assessment {summary} stored without its audit event")
        entries = dict(
            session.execute(
                sa.select(RoundEntry.capability_id, RoundEntry.summary).where(
                    RoundEntry.round_id == world.round_id
                )
            ).all()
        )
        for cap_id, summary in results.last_entry_text.items():
            if entries.get(cap_id) != summary:
                lost.append(f"round entry of capability {cap_id} lacks its last saved text")
        entry_events = session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.entity_type == RoundEntry.__tablename__, AuditEvent.action == "draft"
            )
        )
        if (entry_events or 0) < results.entry_saves:
            lost.append(
                f"{results.entry_saves} round-entry saves acknowledged, {entry_events} audit events"
            )
    engine.dispose()
    return lost


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(kind: str, args: argparse.Namespace, results: Results, lost: list[str]) -> str:
    total = sum(len(v) for v in results.times.values())
    lines = [
        f"### {kind}: {args.users} users, {args.processes} processes × {args.threads} threads, "
        f"{args.seconds:.0f} s, think time 0–{2 * args.think:.1f} s",
        "",
        f"{total} requests, {total / args.seconds:.1f} requests/s; errors: "
        f"{len(results.errors)}; 409 conflicts: {results.conflicts}; acknowledged writes: "
        f"{len(results.assessments)} assessments, {results.entry_saves} round-entry saves; "
        f"lost: {len(lost)}",
        "",
        "| request | n | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    for name in sorted(results.times):
        values = results.times[name]
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} | "
            f"{percentile(values, 0.95):.0f} | {percentile(values, 0.99):.0f} |"
        )
    problems = results.errors + lost
    if problems:
        lines += ["", *(f"- {problem}" for problem in problems[:10])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per process")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--dir", default="/tmp/formaga-load", help="where the SQLite file lives")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()} (1, 5, 15 min), {os.cpu_count()} cores", flush=True)
    tables, failed = [], False
    for kind in args.databases.split(","):
        with ExitStack() as stack:
            url = stack.enter_context(empty_database(kind, Path(args.dir), "load"))
            world = prepare(url, args.users)
            ports = [
                stack.enter_context(serve(url, threads=args.threads)) for _ in range(args.processes)
            ]
            print(f"{kind}: {len(ports)} servers up, running {args.seconds:.0f} s", flush=True)
            results = run_users(world, ports, args.seconds, args.think)
            lost = verify(url, world, results)
        failed |= bool(results.errors or lost)
        tables.append(report(kind, args, results, lost))
        print(tables[-1], flush=True)
    print(f"load after: {os.getloadavg()} (1, 5, 15 min)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
