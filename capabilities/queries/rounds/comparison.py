"""Two rounds (or a round and today) compared: scores, levels and what was added or ended, in
one direction (older first), as the viewer may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import NotFound
from capabilities.models import (
    ReportingRound,
    RoundSnapshot,
)
from capabilities.queries import api_shapes_rounds as shapes
from capabilities.queries.rounds.lifecycle import get_round
from capabilities.queries.rounds.snapshot import current_register_data, snapshot_data
from capabilities.queries.scores import LevelInput, Score, ScoreChange, compare_scores, scores
from capabilities.redaction import ASSESSMENT, CONFIDENTIAL_LABEL, MEASURE, is_hidden, redact


@dataclass(frozen=True)
class CapabilityChange:
    number: str
    title: str
    area_number: str
    state_before: str | None
    state_after: str | None
    level_before: int | None
    level_after: int | None
    target_before: int | None
    target_after: int | None
    hidden: bool  # a confidential assessment on either side the viewer may not see
    assignments_added: list[str]
    assignments_ended: list[str]
    measures_added: list[str]
    measures_ended: list[str]

    @property
    def direction(self) -> shapes.Direction | None:
        """'↑', '↓' or '=' when both levels are known (and visible)."""
        if self.level_before is None or self.level_after is None:
            return None
        if self.level_after > self.level_before:
            return "↑"
        return "↓" if self.level_after < self.level_before else "="

    @property
    def target_changed(self) -> bool:
        return not self.hidden and self.target_before != self.target_after

    @property
    def state_changed(self) -> bool:
        """A change of workflow state between two rounds; against the register ("aktuell")
        the state is no change of its own."""
        if "aktuell" in (self.state_before, self.state_after):
            return False
        return self.state_before != self.state_after

    @property
    def changed(self) -> bool:
        return (
            self.level_before != self.level_after
            or self.target_changed
            or self.state_changed
            or bool(self.assignments_added or self.assignments_ended)
            or bool(self.measures_added or self.measures_ended)
        )

    def as_json(self) -> shapes.CapabilityChange:
        return {
            "number": self.number,
            "title": self.title,
            "area": self.area_number,
            "state_before": self.state_before,
            "state_after": self.state_after,
            "level_before": self.level_before,
            "level_after": self.level_after,
            "direction": self.direction,
            "target_before": self.target_before,
            "target_after": self.target_after,
            "target_changed": self.target_changed,
            "confidential_hidden": self.hidden,
            "assignments_added": self.assignments_added,
            "assignments_ended": self.assignments_ended,
            "measures_added": self.measures_added,
            "measures_ended": self.measures_ended,
        }


@dataclass
class Comparison:
    before_label: str
    after_label: str
    before_round: ReportingRound
    after_round: ReportingRound | None  # None: the current register
    before_sha256: str
    after_sha256: str | None
    capabilities: list[CapabilityChange]
    scores: list[ScoreChange]

    @property
    def title(self) -> str:
        """ "Lägesbild 2026 → Lägesbild 2027": always older → newer (see compare_rounds)."""
        return f"{self.before_label} → {self.after_label}"

    @property
    def changes(self) -> list[CapabilityChange]:
        return [c for c in self.capabilities if c.changed]

    def as_json(self) -> shapes.RoundComparison:
        return {
            "title": self.title,
            "before": {
                "label": self.before_label,
                "round_id": self.before_round.id,
                "sha256": self.before_sha256,
            },
            "after": {
                "label": self.after_label,
                "round_id": self.after_round.id if self.after_round else None,
                "sha256": self.after_sha256,
            },
            "capabilities": [c.as_json() for c in self.capabilities],
            "scores": [s.as_json() for s in self.scores],
        }


def _visible(assessment: dict[str, Any] | None, can_see: bool) -> dict[str, Any]:
    """A snapshot's assessment as the viewer may see it (the one redaction rule)."""
    if assessment is None:
        return {}
    return redact(
        ASSESSMENT,
        assessment,
        confidential=assessment.get("confidential"),
        can_see_confidential=can_see,
    )


def _visible_level(assessment: dict[str, Any] | None, can_see: bool) -> tuple[int | None, bool]:
    hidden = assessment is not None and is_hidden(assessment.get("confidential"), can_see)
    return _visible(assessment, can_see).get("level"), hidden


def _visible_target(assessment: dict[str, Any] | None, can_see: bool) -> int | None:
    value = _visible(assessment, can_see).get("target_level")
    return int(value) if value is not None else None


def _titles(items: list[dict[str, Any]], ids: set[int], can_see: bool) -> list[str]:
    titles = []
    for item in items:
        if item["id"] in ids:
            shown = redact(
                MEASURE, item, confidential=item.get("confidential"), can_see_confidential=can_see
            )
            titles.append(CONFIDENTIAL_LABEL if shown["title"] is None else str(shown["title"]))
    return titles


def _assignment_titles(capability: dict[str, Any] | None, ids: set[int]) -> list[str]:
    if capability is None:
        return []
    return [str(x["title"]) for x in capability["assignments"] if x["id"] in ids]


def _level_inputs(data: dict[str, Any], can_see: bool) -> list[LevelInput]:
    return [
        LevelInput(
            c["area"]["number"],
            c["area"]["title"],
            c["main_group"]["number"],
            c["main_group"]["title"],
            _visible_level(c.get("assessment"), can_see)[0],
        )
        for c in data["capabilities"]
    ]


def data_scores(data: dict[str, Any], *, can_see_confidential: bool) -> list[Score]:
    """e-SPAR scores of a snapshot's (or the current register's) content."""
    return scores(_level_inputs(data, can_see_confidential))


def _closed_snapshot(session: so.Session, round_id: int) -> tuple[ReportingRound, RoundSnapshot]:
    round_ = get_round(session, round_id)
    snap = session.scalar(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_id))
    if snap is None:
        raise NotFound(
            f"Uppföljningsomgången ”{round_.name}” är inte stängd än; bara stängda omgångar "
            "kan jämföras."
        )
    return round_, snap


def _age(round_: ReportingRound) -> tuple[date, datetime, int]:
    """Older rounds sort first: by the date assessed, then closing time, then id."""
    return (round_.reference_date, round_.closed_at or datetime.max, round_.id)


def compare_rounds(
    session: so.Session,
    first_id: int,
    second_id: int | None,
    *,
    can_see_confidential: bool,
) -> Comparison:
    """Compare two closed rounds, or (second_id None) a closed round with the register as it
    stands now. Constant number of queries.

    The one comparison every output (page, xlsx, API, CLI, PDF) is made from, and it always
    reads older → newer whichever round the caller names first: "before" is the older round,
    "after" the newer one (the register today is newest of all).
    """
    before_round, before_snap = _closed_snapshot(session, first_id)
    if second_id is None:
        after_round: ReportingRound | None = None
        after = current_register_data(session)
        after_label = "Registret i dag"
        after_sha: str | None = None
    else:
        after_round, after_snap = _closed_snapshot(session, second_id)
        if _age(after_round) < _age(before_round):
            before_round, after_round = after_round, before_round
            before_snap, after_snap = after_snap, before_snap
        after = snapshot_data(session, after_snap)
        after_label = after_round.name
        after_sha = after_snap.sha256
    before = snapshot_data(session, before_snap)
    can_see = can_see_confidential
    old = {c["number"]: c for c in before["capabilities"]}
    new = {c["number"]: c for c in after["capabilities"]}
    numbers = sorted(
        set(old) | set(new), key=lambda n: tuple(int(p) for p in n.split(".") if p.isdigit())
    )
    changes = []
    for number in numbers:
        a = old.get(number)
        b = new.get(number)
        a_assessment = a.get("assessment") if a else None
        b_assessment = b.get("assessment") if b else None
        level_a, hidden_a = _visible_level(a_assessment, can_see)
        level_b, hidden_b = _visible_level(b_assessment, can_see)
        a_assign = {x["id"] for x in a["assignments"]} if a else set()
        b_assign = {x["id"] for x in b["assignments"]} if b else set()
        a_measure = {x["id"] for x in a["measures"]} if a else set()
        b_measure = {x["id"] for x in b["measures"]} if b else set()
        source = b or a
        assert source is not None
        changes.append(
            CapabilityChange(
                number=number,
                title=source["title"],
                area_number=source["area"]["number"],
                state_before=a["state"] if a else None,
                state_after=b["state"] if b else None,
                level_before=level_a,
                level_after=level_b,
                target_before=_visible_target(a_assessment, can_see),
                target_after=_visible_target(b_assessment, can_see),
                hidden=hidden_a or hidden_b,
                assignments_added=_assignment_titles(b, b_assign - a_assign),
                assignments_ended=_assignment_titles(a, a_assign - b_assign),
                measures_added=_titles(b["measures"], b_measure - a_measure, can_see) if b else [],
                measures_ended=_titles(a["measures"], a_measure - b_measure, can_see) if a else [],
            )
        )
    return Comparison(
        before_label=before_round.name,
        after_label=after_label,
        before_round=before_round,
        after_round=after_round,
        before_sha256=before_snap.sha256,
        after_sha256=after_sha,
        capabilities=changes,
        scores=compare_scores(
            data_scores(before, can_see_confidential=can_see),
            data_scores(after, can_see_confidential=can_see),
        ),
    )
