"""Commitments beyond government assignments (seed 001), for pages, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored
from capabilities.models import Capability, Commitment, CommitmentCapability
from capabilities.queries import api_shapes_procurement as shapes
from capabilities.queries.procurement import CapabilityLink


@dataclass(frozen=True)
class CommitmentView:
    key: str
    code: str
    title: str
    issuer: str
    addressee: str | None
    status: str
    status_text: str | None
    source: str
    clauses: tuple[tuple[int, str, str], ...]  # number, text, source
    facts: tuple[tuple[str, str], ...]  # text, source
    capabilities: tuple[CapabilityLink, ...]


# What a commitment's view shows as stored; clauses, facts and capabilities come from its rows.
STORED_FIELDS = ("key", "code", "title", "issuer", "addressee", "status", "status_text", "source")


def commitments(session: so.Session, *, capability_number: str = "") -> list[CommitmentView]:
    """Every commitment with clauses, facts and active capability links, in four queries."""
    query = (
        sa.select(Commitment)
        .options(
            so.selectinload(Commitment.clauses),
            so.selectinload(Commitment.facts),
            so.selectinload(Commitment.capability_links).joinedload(
                CommitmentCapability.capability
            ),
        )
        .order_by(Commitment.code)
    )
    if capability_number:
        query = query.where(
            Commitment.capability_links.any(
                sa.and_(
                    CommitmentCapability.removed_at.is_(None),
                    CommitmentCapability.capability.has(Capability.number == capability_number),
                )
            )
        )
    views = []
    for c in session.scalars(query):
        links = sorted(
            (link for link in c.capability_links if link.removed_at is None),
            key=lambda link: link.capability.sort_key,
        )
        views.append(
            CommitmentView(
                **stored(c, STORED_FIELDS),
                clauses=tuple((cl.number, cl.text, cl.source) for cl in c.clauses),
                facts=tuple((f.text, f.source) for f in c.facts),
                capabilities=tuple(
                    CapabilityLink(link.capability.number, link.capability.title, link.reason)
                    for link in links
                ),
            )
        )
    return views


def commitment_as_json(c: CommitmentView) -> shapes.Commitment:
    """One commitment for the API and the CLI, with every seed line."""
    return {
        "key": c.key,
        "code": c.code,
        "title": c.title,
        "issuer": c.issuer,
        "addressee": c.addressee,
        "status": c.status,
        "status_text": c.status_text,
        "source": c.source,
        "clauses": [{"number": n, "text": t, "source": s} for n, t, s in c.clauses],
        "facts": [{"text": t, "source": s} for t, s in c.facts],
        "capabilities": [
            {"number": link.number, "reason": link.reason or ""} for link in c.capabilities
        ],
    }
