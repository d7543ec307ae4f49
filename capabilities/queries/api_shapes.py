"""The shapes of the JSON API's answers, declared once: the register, assignments, actors,
measures and gaps here; rounds in api_shapes_rounds, proposals and commitments in
api_shapes_procurement, the pages in api_pages.

The query functions that build the answers return these TypedDicts (so mypy refuses a key a
shape lacks), `formaga … --format json` prints the same objects, and web/api/openapi.py
generates the OpenAPI component schemas from them (web/api/schemas.py: every object with
`additionalProperties: false` and every key it always has in `required`).

A shape's docstring and the `Spec` beside a field are what the OpenAPI document tells API
users, so they are Swedish; bounds, formats, examples and the allowed values sit in `Spec`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, TypedDict

from capabilities.models import (
    ASSIGNMENT_STATUSES,
    MEASURE_STATES,
    MILESTONE_KINDS,
    PRIORITIES,
    RECIPIENT_ROLES,
    RESPONSIBILITY_ROLES,
)


@dataclass(frozen=True)
class Spec:
    """JSON Schema keywords for a field beyond its Python type."""

    description: str | None = None
    example: str | None = None
    format: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None


IsoDate = Annotated[str, Spec(format="date")]
IsoDateTime = Annotated[str, Spec(format="date-time")]
Level = Annotated[int, Spec(minimum=1, maximum=5)]
Trend = Literal["better", "same", "worse"]
ResponsibilityRole = Annotated[str, Spec(enum=RESPONSIBILITY_ROLES)]
AssignmentStatus = Annotated[str, Spec(enum=ASSIGNMENT_STATUSES)]
MilestoneKind = Annotated[str, Spec(enum=MILESTONE_KINDS)]

#: The `error` of an API error answer, by HTTP status.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    500: "internal_error",
}


class Error(TypedDict):
    error: Annotated[str, Spec(enum=tuple(ERROR_CODES.values()))]
    message: Annotated[str, Spec(description="Förklaring på svenska.")]


# --- the register ----------------------------------------------------------------------------


class CurrentStatus(TypedDict):
    """Aktuell statusbedömning. Sekretessmarkerat innehåll är null utan behörighet."""

    level: Level | None
    label: Annotated[
        str,
        Spec(description="Nivåns benämning, eller 'Sekretessmarkerad uppgift' när den är dold."),
    ]
    summary: str | None
    assessed_on: IsoDate
    confidential: bool


class NumberAndTitle(TypedDict):
    number: str
    title: str


class LinkedAssignment(TypedDict):
    title: str
    dnrs: list[str]
    partial: bool


class ActorResponsibility(TypedDict):
    actor: str
    role: ResponsibilityRole


class Capability(TypedDict):
    """Delförmåga, i samma form som `formaga register --format json`."""

    number: Annotated[str, Spec(example="3.2.10")]
    title: str
    area: NumberAndTitle
    main_group: NumberAndTitle
    retired_on: IsoDate | None
    assignments_note: str | None
    assignments: list[LinkedAssignment]
    responsibilities: list[ActorResponsibility]
    current_status: CurrentStatus | None


class Withdrawal(TypedDict):
    """Återkallad bedömning: räknas inte från och med tidpunkten."""

    at: IsoDateTime
    by: str
    reason: str | None


class HistoryEntry(TypedDict):
    """En statusbedömning. Sekretessmarkerat innehåll är null utan behörighet."""

    level: Level | None
    label: str
    summary: str | None
    justification: str | None
    target_level: Level | None
    organisations: str | None
    assessed_on: IsoDate
    assessed_by: Annotated[
        str,
        Spec(
            description="Namnet på den som skrev bedömningen (även när den fastställts "
            "i en uppföljningsomgång)."
        ),
    ]
    approved_by: Annotated[
        str | None, Spec(description="Granskaren som fastställde bedömningen i en omgång.")
    ]
    approved_in_round: Annotated[
        str | None, Spec(description="Uppföljningsomgången där bedömningen fastställdes.")
    ]
    trend: Annotated[
        Trend | None,
        Spec(
            description="Jämfört med föregående bedömning; null för den första "
            "eller när någon av nivåerna är sekretessmarkerad."
        ),
    ]
    confidential: bool
    secrecy_ref: Annotated[str | None, Spec(example="OSL 18:13")]
    withdrawn: Withdrawal | None


class CapabilitySummary(TypedDict):
    number: str
    title: str
    retired_on: IsoDate | None


# --- assignments and actors ------------------------------------------------------------------


class DiaryNumber(TypedDict):
    number: Annotated[str, Spec(example="S2023/01047")]
    printed: Annotated[str | None, Spec(example="S2023/01047 (delvis)")]
    partial: bool


class Recipient(TypedDict):
    actor_id: int
    name: str
    short_name: str | None
    is_lead: bool
    role: Annotated[str, Spec(enum=RECIPIENT_ROLES)]


class Milestone(TypedDict):
    due_on: IsoDate
    kind: MilestoneKind
    is_done: bool
    done_on: IsoDate | None
    report_reference: str | None
    source: str | None


class Report(TypedDict):
    reference: str
    reported_on: IsoDate | None
    reported_printed: Annotated[str | None, Spec(example="februari 2023")]
    is_final: bool
    source: str | None


class Assignment(TypedDict):
    """Regeringsuppdrag med diarienummer, mottagare, redovisningar och kopplade delförmågor."""

    id: int
    title: str
    dnrs: list[Annotated[str, Spec(example="S2022/04550")]]
    diary_numbers: list[DiaryNumber]
    ministry: Annotated[str | None, Spec(example="Socialdepartementet")]
    status: AssignmentStatus
    status_source: Annotated[str | None, Spec(example="002:1894")]
    decided_on: IsoDate | None
    decided_printed: Annotated[str | None, Spec(example="juli 2022")]
    url: str | None
    description: str | None
    recipients: list[Recipient]
    milestones: list[Milestone]
    reports: list[Report]
    capability_numbers: list[str]


class Responsibility(TypedDict):
    capability_number: str
    role: ResponsibilityRole
    note: str | None


class Actor(TypedDict):
    """Aktör med nuvarande ansvar för delförmågor."""

    id: int
    name: str
    short_name: str | None
    kind: str
    is_public: bool
    is_beredskapsmyndighet: bool | None
    description: str | None
    source: Annotated[str | None, Spec(description="Var underlaget nämner aktören (fil:rad).")]
    retired_on: IsoDate | None
    responsibilities: list[Responsibility]


class ActorAssignment(TypedDict):
    id: int
    title: str
    dnrs: list[str]
    status: AssignmentStatus
    is_lead: bool
    role: Annotated[str, Spec(enum=RECIPIENT_ROLES)]


class ActorWithAssignments(Actor):
    """`formaga actors --format json`: the API's actor with the assignments it received or
    partners in."""

    assignments: list[ActorAssignment]


# --- measures --------------------------------------------------------------------------------


class ActorRef(TypedDict):
    id: int
    name: str
    short_name: str | None


class Measure(TypedDict):
    """Förmågehöjande åtgärd. Sekretessmarkerat innehåll är null utan behörighet."""

    id: int
    title: Annotated[
        str, Spec(description="'Sekretessmarkerad uppgift' när åtgärden är dold för nyckeln.")
    ]
    description: str | None
    state: Annotated[str, Spec(enum=MEASURE_STATES)]
    priority: Annotated[str | None, Spec(enum=PRIORITIES)]
    cost_effectiveness: str | None
    legal_assessment: str | None
    due_on: IsoDate | None
    confidential: bool
    redacted: Annotated[
        bool, Spec(description="Sant när innehållet är dolt (sekretess utan behörighet).")
    ]
    secrecy_ref: str | None
    created_at: IsoDateTime
    updated_at: IsoDateTime
    capability_numbers: list[str]
    actors: list[ActorRef]


# --- gaps ------------------------------------------------------------------------------------


class Gap(TypedDict):
    """En delförmåga med flaggor; null när flaggan beror på en sekretessmarkerad nivå."""

    number: str
    title: str
    area: str
    area_title: str
    main_group: str
    main_group_title: str
    level: int | None
    target_level: int | None
    gap: Annotated[int | None, Spec(minimum=0, description="Steg under målnivån.")]
    above_target: Annotated[bool | None, Spec(description="Sant när nivån är över målnivån.")]
    assessed_on: IsoDate | None
    days_since_assessment: int | None
    trend: Trend | None
    confidential: Annotated[
        bool, Spec(description="Sant när nivån är sekretessmarkerad och dold för nyckeln.")
    ]
    under_secrecy: Annotated[
        bool,
        Spec(description="Sant när bedömningen är sekretessmarkerad (även om nyckeln ser den)."),
    ]
    assignments: int
    assignments_running: int
    actors_ansvarar: int
    actors_kan_ansvara: int
    # Measures per state, one per capabilities.models.MEASURE_STATES (a test keeps them in step).
    measures_förslag: int
    measures_prioriterad: int
    measures_beslutad: int
    measures_pågående: int
    measures_genomförd: int
    measures_avförd: int
    # One per capabilities.queries.gaps.FLAG_NAMES (a test keeps them in step).
    not_assessed: bool | None
    stale: bool | None
    below_target: bool | None
    no_responsible_actor: bool | None
    no_linked_assignment: bool | None
    no_active_measure: bool | None
    low_level_without_measure: bool | None
    milestone_overdue: bool | None
    flag_count: Annotated[int, Spec(minimum=0, description="Antal satta flaggor.")]


class UnlinkedAssignment(TypedDict):
    """Ett regeringsuppdrag som ingen delförmåga är kopplad till (gruppen ”Uppdrag utan
    kopplad delförmåga”), med nästa redovisning."""

    assignment_id: int
    dnrs: list[str]
    title: str
    status: AssignmentStatus
    next_due_on: Annotated[
        IsoDate | None, Spec(description="Nästa redovisning som inte är registrerad.")
    ]
    next_kind: MilestoneKind | None
    milestone_overdue: bool
