"""The gaps view an analyst works in: chosen rows, ranked, and the assignments nothing links to.

One implementation for `/gaps`, its downloads, `/api/v1/gaps` and `formaga gaps`, so the page,
the files, the API and the CLI list the same rows in the same order:

- a capability row is shown when it has every chosen flag (unknown counts as not set) and lies
  in the chosen area;
- the rows are ranked by a named sort ("worst first"); rows whose sort value is unknown (not
  assessed, no target, a level under secrecy) come last, and ties keep register order;
- assignments linked to no capability (seed 003's assignment, S2023/00681) have no flags of
  their own except "Redovisning ej registrerad", so they form their own group: shown when no
  flag other than that one and no area is chosen, the earliest deadline first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import Assignment, CapabilityAssignment, Milestone
from capabilities.queries import api_shapes as shapes
from capabilities.queries.gaps import FLAG_NAMES
from capabilities.queries.register import end_of_day, link_active_at

DEFAULT_SORT = "register"
# name → (Swedish label, [(column, largest first)]); each sort ranks the weakest first.
SORTS: dict[str, tuple[str, list[tuple[str, bool]]]] = {
    "register": ("Registerordning", []),
    "distance": ("Störst avstånd till målnivå först", [("gap", True), ("level", False)]),
    "level": ("Lägst nivå först", [("level", False), ("gap", True)]),
    "age": ("Äldst bedömning först", [("days_since_assessment", True)]),
    "flags": ("Flest flaggor först", [("flag_count", True), ("gap", True)]),
}
SORT_NAMES = list(SORTS)
UNLINKED_GROUP = "Uppdrag utan kopplad delförmåga"
# The only flag an assignment row can carry: a deadline past with no delivery recorded.
ASSIGNMENT_FLAGS = frozenset({"milestone_overdue"})


@dataclass(frozen=True)
class UnlinkedAssignment:
    """An assignment no capability links to (on the view's date), with its next deadline."""

    assignment_id: int
    dnrs: list[str]
    title: str
    status: str
    next_due_on: date | None
    next_kind: str | None
    milestone_overdue: bool


@dataclass
class GapView:
    """The whole register's frame (for counts), the chosen capability rows in order, and the
    group of unlinked assignments the same filter lets through."""

    frame: pd.DataFrame
    rows: pd.DataFrame
    unlinked: list[UnlinkedAssignment] = field(default_factory=list)
    all_unlinked: list[UnlinkedAssignment] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return len(self.rows) + len(self.unlinked)


def _open_milestone() -> sa.ColumnElement[bool]:
    """A deadline still to be reported and tracked by the register (the gap flag's rule; an
    unconfirmed seeded deadline is not one)."""
    return Milestone.pending()


def unlinked_assignments(
    session: so.Session, *, as_of: date | None = None
) -> list[UnlinkedAssignment]:
    """Running assignments (or any with an open deadline) that no capability links to on
    `as_of`, the earliest next deadline first, then by dnr: two queries."""
    day = as_of or date.today()
    moment = end_of_day(day)
    linked = sa.select(CapabilityAssignment.assignment_id).where(
        link_active_at(CapabilityAssignment, moment)
    )
    has_open = (
        sa.select(Milestone.id)
        .where(Milestone.assignment_id == Assignment.id, _open_milestone())
        .exists()
    )
    assignments = session.scalars(
        sa.select(Assignment)
        .where(
            Assignment.id.not_in(linked),
            Assignment.created_at < moment,
            sa.or_(Assignment.status == "pågående", has_open),
        )
        .options(so.selectinload(Assignment.diary_numbers))
    ).all()
    milestones: dict[int, list[tuple[date, str]]] = defaultdict(list)
    if assignments:
        for assignment_id, due_on, kind in session.execute(
            sa.select(Milestone.assignment_id, Milestone.due_on, Milestone.kind)
            .where(Milestone.assignment_id.in_([a.id for a in assignments]), _open_milestone())
            .order_by(Milestone.due_on, Milestone.id)
        ):
            milestones[assignment_id].append((due_on, kind))
    items = []
    for a in assignments:
        upcoming = milestones.get(a.id, [])
        items.append(
            UnlinkedAssignment(
                assignment_id=a.id,
                dnrs=a.dnrs,
                title=a.title.splitlines()[0] if a.title else "",
                status=a.status,
                next_due_on=upcoming[0][0] if upcoming else None,
                next_kind=upcoming[0][1] if upcoming else None,
                milestone_overdue=any(due < day for due, _kind in upcoming),
            )
        )
    items.sort(key=lambda i: (i.next_due_on is None, i.next_due_on or day, i.dnrs, i.title))
    return items


def choose_rows(
    frame: pd.DataFrame, *, flags: Sequence[str] = (), area: str = "", sort: str = DEFAULT_SORT
) -> pd.DataFrame:
    """The rows having every chosen flag (unknown counts as not set) in `area`, ranked."""
    mask = pd.Series(True, index=frame.index)
    for name in flags:
        mask &= frame[name].fillna(False).astype(bool)
    if area:
        mask &= frame["area"] == area
    return rank(frame[mask], sort)


def rank(frame: pd.DataFrame, sort: str) -> pd.DataFrame:
    """`frame` in the order of `sort`: unknown values last, ties in register order.

    One stable sort over the key columns (pandas' lexsort keeps equal rows in their order).
    """
    _label, keys = SORTS[sort]
    if not keys or frame.empty:
        return frame
    return frame.sort_values(
        by=[column for column, _largest in keys],
        ascending=[not largest_first for _column, largest_first in keys],
        na_position="last",
        kind="stable",
    )


def choose_unlinked(
    items: list[UnlinkedAssignment], *, flags: Sequence[str] = (), area: str = ""
) -> list[UnlinkedAssignment]:
    """The unlinked assignments the filter lets through (they lie in no area)."""
    if area or not set(flags) <= ASSIGNMENT_FLAGS:
        return []
    if "milestone_overdue" in flags:
        return [i for i in items if i.milestone_overdue]
    return list(items)


def choose_view(
    frame: pd.DataFrame,
    unlinked: list[UnlinkedAssignment],
    *,
    flags: Sequence[str] = (),
    area: str = "",
    sort: str = DEFAULT_SORT,
) -> GapView:
    """The view for one filter from a frame (`gaps.gap_frame`) and the unlinked assignments
    (`unlinked_assignments`), loaded or kept: neither is changed, so both may be shared between
    requests."""
    return GapView(
        frame=frame,
        rows=choose_rows(frame, flags=flags, area=area, sort=sort),
        unlinked=choose_unlinked(unlinked, flags=flags, area=area),
        all_unlinked=unlinked,
    )


def unlinked_as_json(item: UnlinkedAssignment) -> shapes.UnlinkedAssignment:
    """An unlinked assignment as the API and `formaga gaps --format json` give it."""
    return {
        "assignment_id": item.assignment_id,
        "dnrs": item.dnrs,
        "title": item.title,
        "status": item.status,
        "next_due_on": item.next_due_on.isoformat() if item.next_due_on else None,
        "next_kind": item.next_kind,
        "milestone_overdue": item.milestone_overdue,
    }


def panel_counts(frame: pd.DataFrame, unlinked: list[UnlinkedAssignment]) -> dict[str, int]:
    """Per flag, the rows `/gaps?flag=<name>` lists (capabilities, plus the unlinked
    assignments where the flag applies to them), and the unlinked group's size: what the
    dashboard's gaps panel shows beside the links into the view."""
    counts = {name: int(frame[name].fillna(False).astype(bool).sum()) for name in FLAG_NAMES}
    for name in ASSIGNMENT_FLAGS:
        counts[name] += len(choose_unlinked(unlinked, flags=[name]))
    counts["unlinked_assignments"] = len(unlinked)
    return counts
