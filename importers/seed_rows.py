"""data/ rows → model objects, shared by the seed and its corrections for existing installs."""

from __future__ import annotations

from datetime import date
from typing import Any

from capabilities.models import Actor, AssignmentRecipient, AssignmentReport, DiaryNumber, Milestone


def diary_numbers(row: dict[str, Any]) -> list[DiaryNumber]:
    return [
        DiaryNumber(
            number=d["number"],
            printed=d.get("printed"),
            is_partial=bool(d.get("partial")),
            position=i,
        )
        for i, d in enumerate(row["dnrs"])
    ]


def recipients(row: dict[str, Any], actors: dict[str, Actor]) -> list[AssignmentRecipient]:
    return [
        AssignmentRecipient(
            actor_id=actors[r["name"]].id,
            is_lead=bool(r.get("lead")),
            role=r.get("role") or "mottagare",
        )
        for r in row["recipients"]
    ]


def report(row: dict[str, Any], position: int) -> AssignmentReport:
    return AssignmentReport(
        reference=row["reference"],
        reported_on=row.get("reported_on"),
        reported_printed=row.get("reported_printed"),
        is_final=bool(row.get("final")),
        source=row.get("source"),
        position=position,
    )


def milestone(row: dict[str, Any], today: date | None = None) -> Milestone:
    """A seeded deadline; one already past with no delivery in the seeds is unconfirmed (the
    register cannot vouch for it), one still ahead is tracked like any other."""
    done = row.get("done_on") is not None
    return Milestone(
        due_on=row["due_on"],
        kind=row["kind"],
        confirmed=done or row["due_on"] >= (today or date.today()),
        is_done=done,
        done_on=row.get("done_on"),
        report_reference=row.get("report_reference"),
        source=row.get("source"),
    )
