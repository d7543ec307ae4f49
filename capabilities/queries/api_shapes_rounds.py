"""The shapes of the JSON API's answers about reporting rounds (see api_shapes)."""

from __future__ import annotations

from typing import Annotated, Literal, TypedDict

from capabilities.models.rounds import ROUND_STATUSES
from capabilities.queries.api_shapes import IsoDate, IsoDateTime, Spec

Direction = Literal["↑", "↓", "="]
ScoreKind = Annotated[str, Spec(enum=("main_group", "area"))]
RoundStatus = Annotated[str, Spec(enum=ROUND_STATUSES)]


class _RoundHead(TypedDict):
    """What every answer about a round begins with (not a schema of its own)."""

    id: int
    name: str
    status: RoundStatus
    reference_date: Annotated[IsoDate, Spec(description="Lägesdatum.")]
    deadline: Annotated[IsoDate, Spec(description="Sista dag för inskick.")]


class RoundListItem(_RoundHead):
    """En uppföljningsomgång."""

    closed_at: IsoDateTime | None
    sha256: Annotated[str | None, Spec(description="Ögonblicksbildens SHA-256 när stängd.")]


class AreaOrganisation(TypedDict):
    area: str
    organisation: str


class Round(_RoundHead):
    """En uppföljningsomgång med framsteg och kontrollsumma."""

    opened_at: IsoDateTime
    closed_at: IsoDateTime | None
    reviewers: list[str]
    area_organisations: list[AreaOrganisation]
    capabilities: int
    counts: Annotated[
        dict[str, int],
        Spec(
            description="Antal delförmågor per läge (ej påbörjad, utkast, inskickad, "
            "återremitterad, fastställd)."
        ),
    ]
    completion_percent: float
    sha256: str | None
    sha256_verified: Annotated[
        bool | None,
        Spec(
            description="Sant när den lagrade ögonblicksbilden fortfarande har "
            "kontrollsumman sha256."
        ),
    ]


class RoundScore(TypedDict):
    """Poäng enligt e-SPAR: medelnivå / 5 × 100 %, med antal bedömda."""

    kind: ScoreKind
    number: str
    title: str
    assessed: int
    total: int
    mean_level: float | None
    score_percent: float | None


class ScoreChange(TypedDict):
    kind: ScoreKind
    number: str
    title: str
    before: RoundScore | None
    after: RoundScore | None
    change_percent_points: float | None


class ComparedRound(TypedDict):
    label: str
    round_id: int
    sha256: str


class ComparedState(TypedDict):
    """Den senare sidan: en stängd omgång, eller registret i dag (round_id och sha256 null)."""

    label: str
    round_id: int | None
    sha256: str | None


class CapabilityChange(TypedDict):
    number: str
    title: str
    area: str
    state_before: str | None
    state_after: str | None
    level_before: int | None
    level_after: int | None
    direction: Direction | None
    target_before: int | None
    target_after: int | None
    target_changed: bool
    confidential_hidden: bool
    assignments_added: list[str]
    assignments_ended: list[str]
    measures_added: list[str]
    measures_ended: list[str]


class RoundComparison(TypedDict):
    """Jämförelse av två stängda omgångar, eller en stängd omgång och registret i dag.
    Sekretessmarkerade nivåer är null utan behörighet (confidential_hidden)."""

    title: Annotated[str, Spec(description="”A → B”: alltid den äldre först.")]
    before: ComparedRound
    after: ComparedState
    capabilities: list[CapabilityChange]
    scores: list[ScoreChange]
