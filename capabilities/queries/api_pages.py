"""The JSON API's pages of declared shapes, and what each operation answers (see api_shapes)."""

from __future__ import annotations

from typing import Annotated, TypedDict

from capabilities.queries.api_shapes import (
    Actor,
    Assignment,
    Capability,
    CapabilitySummary,
    Error,
    Gap,
    HistoryEntry,
    Measure,
    Spec,
    UnlinkedAssignment,
)
from capabilities.queries.api_shapes_procurement import Commitment, Proposal
from capabilities.queries.api_shapes_rounds import Round, RoundComparison, RoundListItem


class PageFields(TypedDict):
    """En sida av listan. Ordningen är stabil: registerordning för delförmågor, annars id."""

    page: Annotated[int, Spec(minimum=1)]
    per_page: Annotated[int, Spec(minimum=1, maximum=500)]
    total: Annotated[int, Spec(minimum=0)]
    pages: Annotated[int, Spec(minimum=1)]


class CapabilityPage(PageFields):
    items: list[Capability]


class HistoryPage(PageFields):
    capability: CapabilitySummary
    items: list[HistoryEntry]


class AssignmentPage(PageFields):
    items: list[Assignment]


class ActorPage(PageFields):
    items: list[Actor]


class MeasurePage(PageFields):
    items: list[Measure]


class GapPage(PageFields):
    items: list[Gap]
    sort: Annotated[str, Spec(enum=("register", "distance", "level", "age", "flags"))]
    unlinked_assignments: list[UnlinkedAssignment]


class RoundPage(PageFields):
    items: list[RoundListItem]


class ProposalPage(PageFields):
    items: list[Proposal]


class CommitmentPage(PageFields):
    items: list[Commitment]


#: What the API's operations answer, by the name the OpenAPI document gives the schema.
RESPONSES: tuple[type, ...] = (
    Error,
    Capability,
    CapabilityPage,
    HistoryPage,
    AssignmentPage,
    ActorPage,
    MeasurePage,
    GapPage,
    Round,
    RoundPage,
    RoundComparison,
    Proposal,
    ProposalPage,
    CommitmentPage,
)
