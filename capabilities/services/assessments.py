"""Status assessments: append-only; the newest by assessed_on, then id, is current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Final

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import Conflict, PermissionDenied
from capabilities.i18n import N_
from capabilities.models import (
    Capability,
    ReportingRound,
    StatusAssessment,
    StatusLevel,
    User,
)
from capabilities.redaction import is_hidden
from capabilities.services.base import (
    MAX_SECRECY_REF,
    Errors,
    add_audited,
    change_audited,
    require_editor,
)


class _Keep(Enum):
    TARGET = "keep"


KEEP_TARGET: Final = _Keep.TARGET
"""`target_level` default: keep the previous assessment's target (a target changes deliberately)."""


def valid_levels(session: so.Session) -> list[int]:
    return list(session.scalars(sa.select(StatusLevel.level).order_by(StatusLevel.level)))


@dataclass(frozen=True)
class AssessmentInput:
    """A new assessment as the register form, the workbook import, a round approval or a test
    gives it; the service parses and checks it. `target_level` left at KEEP_TARGET keeps the
    previous assessment's target (a target changes deliberately)."""

    level: int | str | None
    summary: str | None
    assessed_on: date | str | None = None
    target_level: int | str | _Keep | None = KEEP_TARGET
    justification: str | None = None
    organisations: str | None = None
    confidential: bool = False
    secrecy_ref: str | None = None


def record_assessment(
    session: so.Session,
    user: User,
    capability: Capability,
    data: AssessmentInput,
    *,
    today: date | None = None,
    approved_in: ReportingRound | None = None,
    author: User | None = None,
) -> StatusAssessment:
    """Validate and append a new assessment of `capability` by `user`.

    An approval in a reporting round (`approved_in`) records the entry's `author` as the
    assessment's author and the acting user (the reviewer) as the one who approved it.
    """
    require_editor(user)
    errors = Errors()
    levels = valid_levels(session)
    level_value = _level(errors, "level", data.level, levels, label="Nivå", required=True)
    if data.target_level is KEEP_TARGET:
        previous = current_assessment(session, capability)
        target_value = previous.target_level if previous else None
        if (
            previous is not None
            and is_hidden(previous.confidential, user.can_see_confidential)
            and not data.confidential
        ):
            # The user cannot know what they would publish. Refused whatever the hidden
            # target is (even none), so the answer tells nothing about it.
            errors.add(
                "target_level",
                N_(
                    "Nuvarande målnivå är sekretessmarkerad och kan inte föras över till en "
                    "bedömning utan sekretessmarkering. Välj en målnivå (eller ingen), eller "
                    "sekretessmarkera bedömningen."
                ),
            )
    else:
        target_value = _level(errors, "target_level", data.target_level, levels, label="Målnivå")
    summary_text = errors.text("summary", data.summary, label="Statusbeskrivning", required=True)
    justification_text = errors.text("justification", data.justification, label="Motivering")
    organisations_text = errors.text("organisations", data.organisations, label="Organisationer")
    secrecy_text = errors.text(
        "secrecy_ref", data.secrecy_ref, label="Sekretesshänvisning", max_length=MAX_SECRECY_REF
    )
    today = today or date.today()
    when = errors.date_value("assessed_on", data.assessed_on or today, label="Bedömningsdatum")
    if when is not None and when > today:
        errors.add("assessed_on", N_("Bedömningsdatum kan inte ligga i framtiden."))
    if data.confidential and not secrecy_text:
        errors.add(
            "secrecy_ref",
            N_("Ange sekretesshänvisning (t.ex. OSL 18:13) för sekretessmarkerad uppgift."),
        )
    if capability.retired_on is not None and when is not None and when >= capability.retired_on:
        errors.add(
            "assessed_on",
            N_(
                "Delförmåga %(number)s är avvecklad sedan %(day)s.",
                number=capability.number,
                day=capability.retired_on,
            ),
        )
    errors.raise_if_any()
    assert level_value is not None and summary_text is not None and when is not None

    assessment = StatusAssessment(
        capability_id=capability.id,
        level=level_value,
        target_level=target_value,
        summary=summary_text,
        justification=justification_text,
        organisations=organisations_text,
        assessed_on=when,
        confidential=bool(data.confidential),
        secrecy_ref=secrecy_text,
        created_by_id=(author or user).id,
        approved_by_id=user.id if approved_in is not None else None,
        round_id=approved_in.id if approved_in is not None else None,
    )
    return add_audited(
        session,
        user,
        assessment,
        capability_id=capability.id,
        confidential=assessment.confidential,
    )


def current_assessment(session: so.Session, capability: Capability) -> StatusAssessment | None:
    """The capability's assessment in force now: newest by assessed_on, then id, not withdrawn."""
    return session.scalars(
        sa.select(StatusAssessment)
        .where(StatusAssessment.capability_id == capability.id, StatusAssessment.in_force())
        .order_by(StatusAssessment.assessed_on.desc(), StatusAssessment.id.desc())
        .limit(1)
    ).first()


def can_withdraw(user: User, assessment: StatusAssessment) -> bool:
    """Its author (still an editor) or an admin may withdraw an assessment."""
    return user.can_edit and (user.is_admin or assessment.created_by_id == user.id)


def withdraw_assessment(
    session: so.Session, user: User, assessment: StatusAssessment, *, reason: str | None
) -> StatusAssessment:
    """Withdraw an assessment recorded by mistake: its author or an admin, with a reason.

    It stays in history marked withdrawn (who, when, why) and stops counting from now on;
    views as of an earlier moment still show it.
    """
    require_editor(user)
    if not can_withdraw(user, assessment):
        raise PermissionDenied(
            N_("Endast den som gjorde bedömningen eller en administratör kan återkalla den.")
        )
    if assessment.withdrawn_at is not None:
        raise Conflict(N_("Bedömningen är redan återkallad."))
    errors = Errors()
    reason_text = errors.text("reason", reason, label="Skäl", required=True)
    errors.raise_if_any()
    values = {"withdrawn_at": utcnow(), "withdrawn_by_id": user.id, "withdrawn_reason": reason_text}
    return change_audited(
        session,
        user,
        assessment,
        values,
        what=None,
        action="withdraw",
        audit_unchanged=True,
        capability_id=assessment.capability_id,
        confidential=assessment.confidential,
    )


def _level(
    errors: Errors,
    field: str,
    value: int | str | None,
    levels: list[int],
    *,
    label: str,
    required: bool = False,
) -> int | None:
    if value in (None, ""):
        if required:
            errors.add(field, N_("%(label)s måste väljas.", label=N_(label)))
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if number not in levels:
        errors.add(
            field,
            N_(
                "%(label)s ska vara en av nivåerna %(first)s–%(last)s, inte ”%(value)s”.",
                label=N_(label),
                first=levels[0],
                last=levels[-1],
                value=value,
            ),
        )
        return None
    return number
