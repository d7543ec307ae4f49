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
    """What every page has besides its items (Page.as_json). Each page says its own order:
    the docstring of a TypedDict is not inherited."""

    page: Annotated[int, Spec(minimum=1)]
    per_page: Annotated[int, Spec(minimum=1, maximum=500)]
    total: Annotated[int, Spec(minimum=0)]
    pages: Annotated[int, Spec(minimum=1)]


class CapabilityPage(PageFields):
    """En sida av delförmågorna, i registerordning (3.2.10 efter 3.2.9)."""

    items: list[Capability]


class HistoryPage(PageFields):
    """En sida av delförmågans statusbedömningar, nyaste först."""

    capability: CapabilitySummary
    items: list[HistoryEntry]


class AssignmentPage(PageFields):
    """En sida av regeringsuppdragen, i id-ordning (stabil när fler tillkommer)."""

    items: list[Assignment]


class ActorPage(PageFields):
    """En sida av aktörerna, i id-ordning (stabil när fler tillkommer)."""

    items: list[Actor]


class MeasurePage(PageFields):
    """En sida av åtgärderna, i id-ordning (stabil när fler tillkommer)."""

    items: list[Measure]


class GapPage(PageFields):
    """En sida av delförmågorna med flaggor, i vald ordning (sort; lika i registerordning),
    och alla uppdrag utan kopplad delförmåga."""

    items: list[Gap]
    sort: Annotated[str, Spec(enum=("register", "distance", "level", "age", "flags"))]
    unlinked_assignments: list[UnlinkedAssignment]


class RoundPage(PageFields):
    """En sida av uppföljningsomgångarna, nyaste först."""

    items: list[RoundListItem]


class ProposalPage(PageFields):
    """En sida av förslagen, senast ändrade först."""

    items: list[Proposal]


class CommitmentPage(PageFields):
    """En sida av åtagandena, i kodordning."""

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
