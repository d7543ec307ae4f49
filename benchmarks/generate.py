"""Synthetic registers for benchmarks: 1× (62 capabilities) or 100× (6,200), each with ten years
of quarterly assessments, 300 (×scale) measures, 200 (×scale) assignments and 20 users.

    .venv/bin/python benchmarks/generate.py --scale 100 --url sqlite:////tmp/bench100.sqlite

Real migrations and the real seed build the base; bulk inserts add the synthetic rows (the
services would audit every row, which is not what is being measured).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from capabilities.models import (
    Actor,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    DiaryNumber,
    Measure,
    MeasureCapability,
    Milestone,
    Responsibility,
    StatusAssessment,
    User,
    capability_sort_key,
)
from capabilities.passwords import hash_password
from importers.seed import seed

YEARS = 10
STATES = ("förslag", "prioriterad", "beslutad", "pågående", "genomförd", "avförd")
BENCH_PASSWORD = "benchmark-password-1"


def _quarter_ends(today: date, years: int) -> list[date]:
    ends = []
    for q in range(years * 4, 0, -1):
        month = today.month - 3 * q
        year = today.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        ends.append(date(year, month, 1) - timedelta(days=1))
    return ends


def generate(url: str, scale: int, seed_value: int = 42) -> dict[str, int]:
    rng = random.Random(seed_value)
    migrate.upgrade(url)
    engine = make_engine(url)
    counts: dict[str, int] = {}
    with so.Session(engine) as session:
        seed(session)
        session.commit()
        past = datetime(date.today().year - YEARS - 1, 1, 1, tzinfo=UTC)
        # Seeded rows "existed" from the start of the synthetic history.
        for model in (Capability,):
            session.execute(sa.update(model).values(created_at=past))
        for link in (CapabilityAssignment,):
            session.execute(sa.update(link).values(added_at=past))
        session.execute(sa.update(Assignment).values(created_at=past))
        users = []
        digest = hash_password(BENCH_PASSWORD)
        for i in range(20):
            role = "admin" if i == 0 else ("medlem" if i < 15 else "läsare")
            users.append(
                {
                    "username": f"bench{i}",
                    "display_name": f"Bench {i}",
                    "role": role,
                    "password_hash": digest,
                    "can_see_confidential": i % 2 == 0,
                    "is_active": True,
                    "is_system": False,
                    "version": 1,
                    "created_at": past,
                }
            )
        session.execute(sa.insert(User), users)
        user_ids = list(session.scalars(sa.select(User.id).where(User.username.like("bench%"))))
        areas = list(session.scalars(sa.select(Area).order_by(Area.sort_key)))
        existing = session.scalar(sa.select(sa.func.count(Capability.id))) or 0
        target = 62 * scale
        extra, per_area = [], {a.id: 20 for a in areas}
        for i in range(target - existing):
            area = areas[i % len(areas)]
            per_area[area.id] += 1
            number = f"{area.number}.{per_area[area.id]}"
            extra.append(
                {
                    "number": number,
                    "title": f"Syntetisk delförmåga {number}",
                    "area_id": area.id,
                    "sort_key": capability_sort_key(number),
                    "created_at": past,
                    "version": 1,
                }
            )
        if extra:
            session.execute(sa.insert(Capability), extra)
        capability_ids = list(session.scalars(sa.select(Capability.id)))
        counts["capabilities"] = len(capability_ids)
        assessments = []
        for cap_id in capability_ids:
            level = rng.randint(1, 3)
            for end in _quarter_ends(date.today(), YEARS):
                level = min(5, max(1, level + rng.choice((-1, 0, 0, 1))))
                assessments.append(
                    {
                        "capability_id": cap_id,
                        "level": level,
                        "target_level": rng.choice((None, 4, 5)),
                        "summary": f"Syntetisk bedömning {end.isoformat()} nivå {level}",
                        "assessed_on": end,
                        "created_by_id": rng.choice(user_ids),
                        "created_at": datetime.combine(end, datetime.min.time(), tzinfo=UTC),
                        "confidential": rng.random() < 0.05,
                        "secrecy_ref": "OSL 18:13",
                    }
                )
            if len(assessments) > 20_000:
                session.execute(sa.insert(StatusAssessment), assessments)
                assessments.clear()
        if assessments:
            session.execute(sa.insert(StatusAssessment), assessments)
        counts["assessments"] = session.scalar(sa.select(sa.func.count(StatusAssessment.id))) or 0
        actor_ids = list(session.scalars(sa.select(Actor.id)))
        session.execute(
            sa.insert(Responsibility),
            [
                {
                    "capability_id": c,
                    "actor_id": rng.choice(actor_ids),
                    "role": rng.choice(("ansvarar", "kan_ansvara")),
                    "added_at": past,
                }
                for c in capability_ids
                if rng.random() < 0.6
            ],
        )
        assignments = [
            {
                "title": f"Syntetiskt uppdrag {i}",
                "status": "pågående",
                "created_at": past,
                "version": 1,
            }
            for i in range(200 * scale)
        ]
        session.execute(sa.insert(Assignment), assignments)
        new_assignments = list(
            session.scalars(
                sa.select(Assignment.id).where(Assignment.title.like("Syntetiskt uppdrag%"))
            )
        )
        session.execute(
            sa.insert(DiaryNumber),
            [
                {
                    "assignment_id": a,
                    "number": f"S{2015 + i % 10}/{10000 + i % 89999:05d}",
                    "is_partial": False,
                    "position": 0,
                }
                for i, a in enumerate(new_assignments)
            ],
        )
        session.execute(
            sa.insert(Milestone),
            [
                {
                    "assignment_id": a,
                    "due_on": date.today() + timedelta(days=rng.randint(-400, 400)),
                    "kind": rng.choice(("delredovisning", "slutredovisning")),
                    "is_done": False,
                }
                for a in new_assignments
            ],
        )
        session.execute(
            sa.insert(CapabilityAssignment),
            [
                {
                    "capability_id": rng.choice(capability_ids),
                    "assignment_id": a,
                    "partial": rng.random() < 0.3,
                    "position": 0,
                    "added_at": past,
                }
                for a in new_assignments
            ],
        )
        counts["assignments"] = session.scalar(sa.select(sa.func.count(Assignment.id))) or 0
        measures = [
            {
                "title": f"Syntetisk åtgärd {i}",
                "state": rng.choice(STATES),
                "priority": rng.choice(("hög", "medel", "låg", None)),
                "created_by_id": rng.choice(user_ids),
                "created_at": past,
                "updated_at": past,
                "confidential": rng.random() < 0.05,
                "secrecy_ref": "OSL 18:13",
                "version": 1,
            }
            for i in range(300 * scale)
        ]
        session.execute(sa.insert(Measure), measures)
        measure_ids = list(session.scalars(sa.select(Measure.id)))
        session.execute(
            sa.insert(MeasureCapability),
            [
                {"measure_id": m, "capability_id": rng.choice(capability_ids), "added_at": past}
                for m in measure_ids
            ],
        )
        counts["measures"] = len(measure_ids)
        session.commit()
    engine.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.url, args.scale)
    print(f"scale {args.scale}×: {counts} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
