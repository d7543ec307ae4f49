"""A closed reporting round's report: the register as it stood when the round closed,
with the comparison against the closed round before it (older → newer).

The one place the CLI (`formaga report --round`) and the round page's downloads build it.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import DomainError
from capabilities.models import ReportingRound, RoundSnapshot
from capabilities.queries.rounds import compare_rounds, get_round
from capabilities.reports.data import ReportData, build_report
from capabilities.reports.meta import local_stamp, local_time
from capabilities.reports.pdf import RoundInfo


def previous_closed_round(session: so.Session, round_: ReportingRound) -> int | None:
    """The id of the closed round closed last before `round_`, if any."""
    if round_.closed_at is None:
        return None
    return session.scalar(
        sa.select(ReportingRound.id)
        .join(RoundSnapshot, RoundSnapshot.round_id == ReportingRound.id)
        .where(ReportingRound.closed_at < round_.closed_at)
        .order_by(ReportingRound.closed_at.desc())
        .limit(1)
    )


def round_report(
    session: so.Session,
    round_id: int,
    *,
    include_confidential: bool,
    exported_by: str = "",
) -> tuple[ReportData, RoundInfo, RoundSnapshot]:
    """The report data of a closed round (the register at the end of its closing day, Swedish
    time), its round facts and comparison, and its snapshot. DomainError when still open."""
    round_ = get_round(session, round_id)
    snap = session.scalar(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_id))
    if snap is None or round_.closed_at is None:
        raise DomainError(f"Uppföljningsomgången ”{round_.name}” är inte stängd än.")
    previous = previous_closed_round(session, round_)
    comparison = (
        compare_rounds(session, previous, round_id, can_see_confidential=include_confidential)
        if previous is not None
        else None
    )
    info = RoundInfo(
        name=round_.name,
        reference_date=round_.reference_date.isoformat(),
        closed=local_stamp(round_.closed_at),
        sha256=snap.sha256,
        comparison=comparison,
    )
    data = build_report(
        session,
        as_of=local_time(round_.closed_at).date(),
        include_confidential=include_confidential,
        exported_by=exported_by,
    )
    return data, info, snap
