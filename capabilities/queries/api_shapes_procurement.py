"""The shapes of the JSON API's answers about procurement proposals and commitments (see
api_shapes)."""

from __future__ import annotations

from typing import Annotated, NotRequired, TypedDict

from capabilities.models import PROPOSAL_STAGES
from capabilities.queries.api_shapes import IsoDate, Spec

Stage = Annotated[str, Spec(enum=PROPOSAL_STAGES)]


class ProposalAnswer(TypedDict):
    number: int
    question: str
    answer: list[str]


ProposalStep = TypedDict(
    "ProposalStep",
    {"from": Stage, "to": Stage, "decided_on": IsoDate, "decided_by": str, "decision": str},
)


class Proposal(TypedDict):
    """Förslag till nationell upphandling (vägledningen för NPO/NAG). Ett sekretessmarkerat
    förslag visar utan behörighet bara id, steg och redacted=true."""

    id: int
    measure_id: int
    stage: Stage
    confidential: bool
    redacted: bool
    title: str | None
    proposing_group: NotRequired[str | None]
    procured_by: NotRequired[str | None]
    unanswered: NotRequired[list[Annotated[int, Spec(minimum=1, maximum=10)]]]
    answers: NotRequired[list[ProposalAnswer]]
    capabilities: NotRequired[list[str]]
    steps: NotRequired[list[ProposalStep]]
    industry_contacts: NotRequired[Annotated[int, Spec(minimum=0)]]


class Clause(TypedDict):
    number: int
    text: str
    source: str


class Fact(TypedDict):
    text: str
    source: str


class CommitmentCapability(TypedDict):
    number: str
    reason: str


class Commitment(TypedDict):
    """Ett åtagande utöver regeringsuppdrag (t.ex. Nordiska rådets rek. 14/2023)."""

    key: str
    code: str
    title: str
    issuer: str
    addressee: str | None
    status: str
    status_text: str | None
    source: str
    clauses: list[Clause]
    facts: list[Fact]
    capabilities: list[CommitmentCapability]
