"""`formaga seed`: load data/ into the database idempotently.

Register structure (main groups, areas, capabilities) follows data/: a changed text is updated
and audited by the system user. Reference data (scale, actors, assignments, the links Bilaga 3
prints) is only inserted when missing: once in the database, users own it, so seeding never
overwrites their edits, and a link a user ended is not recreated. User data (assessments,
measures, links made by users) is never touched.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, time
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    Actor,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    MainGroup,
    StatusLevel,
    User,
    capability_sort_key,
)
from capabilities.services.base import add_audited, audit, change_audited, snapshot
from capabilities.services.users import system_user
from importers.seed_commitments import seed_commitments
from importers.seed_corrections import correct_actors, correct_assignments, correct_links
from importers.seed_data import DATA_DIR, SeedData, load_seed_data
from importers.seed_rows import diary_numbers, milestone, recipients, report

log = logging.getLogger(__name__)


def seed(session: so.Session, data: SeedData | None = None) -> Counter[str]:
    """Apply data/ and return counts like {'capabilities created': 62}. Flushes, never commits."""
    data = data or load_seed_data(DATA_DIR)
    system = system_user(session)
    counts: Counter[str] = Counter()
    _seed_scale(session, system, data, counts)
    groups = _upsert(
        session,
        system,
        MainGroup,
        data.main_groups,
        counts,
        "main groups",
        lambda row: {**row, "sort_key": capability_sort_key(row["number"])},
    )
    areas = _upsert(
        session,
        system,
        Area,
        data.areas,
        counts,
        "areas",
        lambda row: {
            "number": row["number"],
            "title": row["title"],
            "note": row.get("note"),
            "main_group_id": groups[row["main_group"]].id,
            "sort_key": capability_sort_key(row["number"]),
        },
    )
    capabilities = _upsert(
        session,
        system,
        Capability,
        data.capabilities,
        counts,
        "capabilities",
        lambda row: {
            "number": row["number"],
            "title": row["title"].strip(),
            "area_id": areas[row["area"]].id,
            "assignments_note": row.get("assignments_note"),
            "sort_key": capability_sort_key(row["number"]),
        },
    )
    actors = _seed_actors(session, system, data, counts)
    assignments = _seed_assignments(session, system, data, actors, counts)
    _seed_links(session, system, data, capabilities, assignments, counts)
    seed_commitments(session, system, capabilities, counts)
    session.flush()
    log.info("Seed applied: %s", dict(counts))
    return counts


def _seed_scale(session: so.Session, system: User, data: SeedData, counts: Counter[str]) -> None:
    existing = {level.level: level for level in session.scalars(sa.select(StatusLevel))}
    for row in data.scale:
        found = existing.get(row["level"])
        if found is not None and found.description_en is None and row.get("description_en"):
            # added after the first release: filled in, never overwritten
            change_audited(
                session,
                system,
                found,
                {"description_en": row["description_en"]},
                what=None,
                action="seed_update",
                audit_unchanged=True,
            )
            counts["levels updated"] += 1
        if found is None:
            add_audited(session, system, StatusLevel(**row), action="seed")
            counts["levels created"] += 1


def _upsert(
    session: so.Session,
    system: User,
    model: Any,
    rows: list[dict[str, Any]],
    counts: Counter[str],
    label: str,
    to_fields: Any,
) -> dict[str, Any]:
    """Create missing rows by number; update and audit changed ones. Returns number → row."""
    existing = {obj.number: obj for obj in session.scalars(sa.select(model))}
    for row in rows:
        fields = to_fields(row)
        obj = existing.get(fields["number"])
        if obj is None:
            obj = model(**fields)
            session.add(obj)
            session.flush()
            existing[obj.number] = obj
            capability_id = obj.id if model is Capability else None
            audit(session, system, obj, "seed", after=snapshot(obj), capability_id=capability_id)
            counts[f"{label} created"] += 1
            continue
        changed = {k: v for k, v in fields.items() if getattr(obj, k) != v}
        if changed:
            change_audited(
                session,
                system,
                obj,
                changed,
                what=None,
                action="seed_update",
                audit_unchanged=True,
                capability_id=obj.id if model is Capability else None,
            )
            counts[f"{label} updated"] += 1
    return existing


def _seed_actors(
    session: so.Session, system: User, data: SeedData, counts: Counter[str]
) -> dict[str, Actor]:
    """The seeded actors by name: stored ones corrected, missing ones created."""
    actors = {a.name: a for a in session.scalars(sa.select(Actor))}
    correct_actors(session, system, actors, counts)
    for row in data.actors:
        if row["name"] in actors:
            existing = actors[row["name"]]
            if existing.source is None and row.get("source"):
                existing.source = row["source"]  # provenance only, never users' content
            continue
        actor = Actor(
            **{
                k: row.get(k)
                for k in (
                    "name",
                    "short_name",
                    "kind",
                    "description",
                    "is_beredskapsmyndighet",
                    "source",
                )
            },
            is_public=bool(row.get("is_public", True)),
        )
        actors[actor.name] = add_audited(session, system, actor, action="seed")
        counts["actors created"] += 1
    return actors


def _seed_assignments(
    session: so.Session,
    system: User,
    data: SeedData,
    actors: dict[str, Actor],
    counts: Counter[str],
) -> dict[str, Assignment]:
    assignments: dict[str, Assignment] = {
        str(a.seed_key): a
        for a in session.scalars(sa.select(Assignment).where(Assignment.seed_key.is_not(None)))
    }
    existing = [row for row in data.assignments if row["key"] in assignments]
    correct_assignments(session, system, existing, assignments, actors, counts)
    for row in data.assignments:
        if row["key"] in assignments:
            continue
        assignment = Assignment(
            seed_key=row["key"],
            title=row["title"],
            description=row.get("description"),
            decided_on=row.get("decided_on"),
            decided_printed=row.get("decided_printed"),
            status=row["status"],
            status_source=row.get("status_source"),
            diary_numbers=diary_numbers(row),
            reports=[report(r, i) for i, r in enumerate(row["reports"])],
            milestones=[milestone(m) for m in row["milestones"]],
            recipients=recipients(row, actors),
        )
        assignments[row["key"]] = add_audited(
            session,
            system,
            assignment,
            action="seed",
            after=lambda a: snapshot(a) | {"dnrs": a.dnrs},
        )
        counts["assignments created"] += 1
    return assignments


def report_moment(data: SeedData) -> datetime | None:
    """The moment Bilaga 3's links count from: the start of the report's date (UTC)."""
    if data.report_dated is None:
        return None
    return datetime.combine(data.report_dated, time.min, tzinfo=UTC)


def _seed_links(
    session: so.Session,
    system: User,
    data: SeedData,
    capabilities: dict[str, Capability],
    assignments: dict[str, Assignment],
    counts: Counter[str],
) -> None:
    dated = report_moment(data)
    cited = {
        (capabilities[row["number"]].id, assignments[link["key"]].id): link.get("cited_as")
        for row in data.capabilities
        for link in row.get("assignments") or []
    }
    correct_links(session, system, cited, dated, counts)
    # Any link row, active or ended: a link a user ended must stay ended.
    existing: set[tuple[int, int]] = {
        (row.capability_id, row.assignment_id)
        for row in session.execute(
            sa.select(CapabilityAssignment.capability_id, CapabilityAssignment.assignment_id)
        )
    }
    for row in data.capabilities:
        capability = capabilities[row["number"]]
        for position, link_row in enumerate(row.get("assignments") or []):
            assignment = assignments[link_row["key"]]
            if (capability.id, assignment.id) in existing:
                continue
            link = CapabilityAssignment(
                capability_id=capability.id,
                assignment_id=assignment.id,
                partial=bool(link_row.get("partial")),
                cited_as=link_row.get("cited_as"),
                position=position,
                added_by_id=system.id,
            )
            if dated is not None:
                link.added_at = dated
            session.add(link)
            session.flush()
            audit(session, system, link, "seed", after=snapshot(link), capability_id=capability.id)
            existing.add((capability.id, assignment.id))
            counts["links created"] += 1
