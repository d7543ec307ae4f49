"""Seed the commitments of data/commitments.yaml (seed 001) insert-only, like assignments.

Once in the database a commitment belongs to its users: seeding never overwrites it, and a link
a user ended is not recreated.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
import yaml

from capabilities.models import (
    Capability,
    Commitment,
    CommitmentCapability,
    CommitmentClause,
    CommitmentFact,
    User,
)
from capabilities.services.base import audit, snapshot
from importers.seed_data import DATA_DIR, SeedDataError


def load_commitments(directory: Path = DATA_DIR) -> list[dict[str, Any]]:
    path = directory / "commitments.yaml"
    try:
        rows: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise SeedDataError(f"{path}: kan inte läsas ({exc})") from exc
    keys = [row.get("key") for row in rows]
    if len(set(keys)) != len(keys):
        raise SeedDataError("commitments.yaml: samma nyckel förekommer flera gånger")
    return rows


def seed_commitments(
    session: so.Session,
    system: User,
    capabilities: dict[str, Capability],
    counts: Counter[str],
    rows: list[dict[str, Any]] | None = None,
) -> None:
    rows = load_commitments() if rows is None else rows
    existing = set(session.scalars(sa.select(Commitment.key)))
    for row in rows:
        if row["key"] in existing:
            continue
        unknown = [
            c["number"] for c in row.get("capabilities") or [] if c["number"] not in capabilities
        ]
        if unknown:
            raise SeedDataError(f"commitments.yaml: {row['key']}: okända delförmågor {unknown}")
        commitment = Commitment(
            key=row["key"],
            code=row["code"],
            title=row["title"],
            issuer=row["issuer"],
            addressee=row.get("addressee"),
            status=row["status"],
            status_text=row.get("status_text"),
            source=row["source"]
            + (f"; status {row['status_source']}" if row.get("status_source") else ""),
        )
        session.add(commitment)
        session.flush()
        for clause in row.get("clauses") or []:
            session.add(
                CommitmentClause(
                    commitment_id=commitment.id,
                    number=clause["number"],
                    text=" ".join(clause["text"].split()),
                    source=clause["source"],
                )
            )
        for fact in row.get("facts") or []:
            session.add(
                CommitmentFact(
                    commitment_id=commitment.id,
                    text=" ".join(fact["text"].split()),
                    source=fact["source"],
                )
            )
        for link in row.get("capabilities") or []:
            capability = capabilities[link["number"]]
            session.add(
                CommitmentCapability(
                    commitment_id=commitment.id,
                    capability_id=capability.id,
                    reason=" ".join(link["reason"].split()),
                    added_by_id=system.id,
                )
            )
        session.flush()
        audit(session, system, commitment, "seed", after=snapshot(commitment))
        counts["commitments created"] += 1
