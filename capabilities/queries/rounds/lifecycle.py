"""Which rounds there are: one by id (or NotFound), all of them, the open one."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import NotFound
from capabilities.ids import is_row_id
from capabilities.models import (
    ReportingRound,
    RoundAreaOrganisation,
    RoundReviewer,
    RoundSnapshot,
)


def get_round(session: so.Session, round_id: int) -> ReportingRound:
    """The round with its reviewers and organisations, or NotFound (also for an id out of range)."""
    if not is_row_id(round_id):
        raise NotFound(f"Uppföljningsomgång med id {round_id} finns inte.")
    round_ = session.scalar(
        sa.select(ReportingRound)
        .where(ReportingRound.id == round_id)
        .options(
            so.selectinload(ReportingRound.reviewers).joinedload(RoundReviewer.user),
            so.selectinload(ReportingRound.area_organisations).joinedload(
                RoundAreaOrganisation.actor
            ),
            so.selectinload(ReportingRound.area_organisations).joinedload(
                RoundAreaOrganisation.area
            ),
            so.joinedload(ReportingRound.opened_by),
            so.joinedload(ReportingRound.closed_by),
        )
    )
    if round_ is None:
        raise NotFound(f"Uppföljningsomgång med id {round_id} finns inte.")
    return round_


def list_rounds(session: so.Session) -> list[tuple[ReportingRound, RoundSnapshot | None]]:
    """All rounds, newest first, with their snapshot when closed: one query."""
    return [
        (r, s)
        for r, s in session.execute(
            sa.select(ReportingRound, RoundSnapshot)
            .outerjoin(RoundSnapshot, RoundSnapshot.round_id == ReportingRound.id)
            .order_by(ReportingRound.opened_at.desc(), ReportingRound.id.desc())
        )
    ]


def the_open_round(session: so.Session) -> ReportingRound | None:
    """The round open now, or None: at most one is (checked by the service and an index)."""
    return session.scalar(sa.select(ReportingRound).where(ReportingRound.status == "öppen"))
