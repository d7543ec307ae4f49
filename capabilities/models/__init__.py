"""Typed SQLAlchemy models, one module per aggregate. Import from here."""

from capabilities.models.actor import ACTOR_KINDS, RESPONSIBILITY_ROLES, Actor, Responsibility
from capabilities.models.assignment import (
    ASSIGNMENT_STATUSES,
    MILESTONE_KINDS,
    RECIPIENT_ROLES,
    Assignment,
    AssignmentRecipient,
    AssignmentReport,
    CapabilityAssignment,
    DiaryNumber,
    Milestone,
)
from capabilities.models.audit import AuditEvent
from capabilities.models.links import LinkLifecycle
from capabilities.models.measure import (
    ACTIVE_MEASURE_STATES,
    MEASURE_STATES,
    PRIORITIES,
    Measure,
    MeasureActor,
    MeasureCapability,
)
from capabilities.models.register import Area, Capability, MainGroup, capability_sort_key
from capabilities.models.rounds import (
    ALL_ENTRY_STATES,
    ENTRY_STATES,
    NOT_STARTED,
    ReportingRound,
    RoundApproval,
    RoundAreaOrganisation,
    RoundEntry,
    RoundReviewer,
    RoundSnapshot,
)
from capabilities.models.status import StatusAssessment, StatusLevel
from capabilities.models.user import ROLES, SYSTEM_USERNAME, ApiToken, LoginAttempt, User

__all__ = [
    "ACTIVE_MEASURE_STATES",
    "ACTOR_KINDS",
    "ALL_ENTRY_STATES",
    "ASSIGNMENT_STATUSES",
    "ENTRY_STATES",
    "MEASURE_STATES",
    "MILESTONE_KINDS",
    "NOT_STARTED",
    "PRIORITIES",
    "RECIPIENT_ROLES",
    "RESPONSIBILITY_ROLES",
    "ROLES",
    "SYSTEM_USERNAME",
    "Actor",
    "ApiToken",
    "Area",
    "Assignment",
    "AssignmentRecipient",
    "AssignmentReport",
    "AuditEvent",
    "Capability",
    "CapabilityAssignment",
    "DiaryNumber",
    "LinkLifecycle",
    "LoginAttempt",
    "MainGroup",
    "Measure",
    "MeasureActor",
    "MeasureCapability",
    "Milestone",
    "ReportingRound",
    "Responsibility",
    "RoundApproval",
    "RoundAreaOrganisation",
    "RoundEntry",
    "RoundReviewer",
    "RoundSnapshot",
    "StatusAssessment",
    "StatusLevel",
    "User",
    "capability_sort_key",
]
