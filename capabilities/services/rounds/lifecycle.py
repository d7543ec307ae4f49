"""Opening and closing a round. Opening picks the reviewers and the areas' organisations;
closing stores the canonical snapshot and its hash, after which nothing changes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.i18n import N_
from capabilities.models import (
    Actor,
    Area,
    ReportingRound,
    RoundAreaOrganisation,
    RoundReviewer,
    RoundSnapshot,
    User,
)
from capabilities.queries.rounds.lifecycle import the_open_round
from capabilities.queries.rounds.snapshot import round_snapshot_data
from capabilities.services.base import (
    MAX_SHORT,
    Errors,
    audit,
    flush_versioned,
    require_admin,
    snapshot,
)
from capabilities.services.rounds.common import (
    canonical_json,
    require_open,
    sha256_text,
)

# --- opening ---------------------------------------------------------------------------------


def open_round(
    session: so.Session,
    user: User,
    *,
    name: str | None,
    reference_date: date | str | None,
    deadline: date | str | None,
    reviewer_ids: Iterable[int | str],
    area_organisations: Iterable[tuple[int, int]] = (),
) -> ReportingRound:
    """Open a round (admin). One round is open at a time."""
    require_admin(user)
    errors = Errors()
    name_text = errors.text("name", name, label="Namn", required=True, max_length=MAX_SHORT)
    reference = errors.date_value(
        "reference_date", reference_date, label="Lägesdatum", required=True
    )
    due = errors.date_value("deadline", deadline, label="Sista dag", required=True)
    if reference and due and due < reference:
        errors.add("deadline", N_("Sista dag kan inte ligga före lägesdatum."))
    if name_text and session.scalar(
        sa.select(ReportingRound.id).where(ReportingRound.name == name_text)
    ):
        errors.add(
            "name",
            N_("Det finns redan en uppföljningsomgång som heter ”%(name)s”.", name=name_text),
        )
    current = the_open_round(session)
    if current is not None:
        errors.add(
            "name",
            N_(
                "Uppföljningsomgången ”%(name)s” är redan öppen. Stäng den innan en ny öppnas.",
                name=current.name,
            ),
        )
    ids: list[int] = []
    for raw in reviewer_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            errors.add("reviewers", N_("Okänd granskare: ”%(value)s”.", value=raw))
    reviewers = list(session.scalars(sa.select(User).where(User.id.in_(ids)))) if ids else []
    found = {r.id for r in reviewers}
    for missing in sorted(set(ids) - found):
        errors.add("reviewers", N_("Användare med id %(id)s finns inte.", id=missing))
    for reviewer in reviewers:
        if not reviewer.can_edit or reviewer.is_system:
            errors.add(
                "reviewers",
                N_(
                    "%(name)s kan inte vara granskare: "
                    "granskare måste vara aktiva med rollen medlem eller admin.",
                    name=reviewer.display_name,
                ),
            )
    if not ids:
        errors.add("reviewers", N_("Välj minst en granskare."))
    pairs = sorted(set(area_organisations))
    if pairs:
        area_ids = set(
            session.scalars(sa.select(Area.id).where(Area.id.in_({a for a, _ in pairs})))
        )
        actor_ids = set(
            session.scalars(sa.select(Actor.id).where(Actor.id.in_({o for _, o in pairs})))
        )
        for area_id, actor_id in pairs:
            if area_id not in area_ids:
                errors.add("area_organisations", N_("Område med id %(id)s finns inte.", id=area_id))
            if actor_id not in actor_ids:
                errors.add(
                    "area_organisations",
                    N_("Organisation med id %(id)s finns inte.", id=actor_id),
                )
    errors.raise_if_any()
    assert name_text and reference and due

    round_ = ReportingRound(
        name=name_text,
        reference_date=reference,
        deadline=due,
        status="öppen",
        opened_by_id=user.id,
        opened_at=utcnow(),
    )
    session.add(round_)
    session.flush()
    for reviewer in sorted(reviewers, key=lambda r: r.id):
        session.add(RoundReviewer(round_id=round_.id, user_id=reviewer.id))
    for area_id, actor_id in pairs:
        session.add(RoundAreaOrganisation(round_id=round_.id, area_id=area_id, actor_id=actor_id))
    session.flush()
    audit(
        session,
        user,
        round_,
        "open",
        after=snapshot(round_)
        | {"reviewer_ids": sorted(found), "area_organisations": [list(p) for p in pairs]},
    )
    session.flush()
    session.refresh(round_)
    return round_


# --- closing ---------------------------------------------------------------------------------


def close_round(session: so.Session, user: User, round_: ReportingRound) -> RoundSnapshot:
    """Freeze the round: store the canonical snapshot and its hash; no more changes."""
    require_admin(user)
    require_open(round_)
    before = snapshot(round_)
    round_.status = "stängd"
    round_.closed_by_id = user.id
    round_.closed_at = utcnow()
    flush_versioned(session, "Uppföljningsomgången")
    content = canonical_json(round_snapshot_data(session, round_))
    frozen = RoundSnapshot(
        round_id=round_.id, content=content, sha256=sha256_text(content), created_at=utcnow()
    )
    session.add(frozen)
    session.flush()
    audit(
        session,
        user,
        round_,
        "close",
        before=before,
        after=snapshot(round_) | {"snapshot_sha256": frozen.sha256},
    )
    session.flush()
    return frozen
