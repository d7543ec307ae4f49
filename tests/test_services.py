"""Domain services: roles, validation, optimistic concurrency, and an audit event per write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.models import (
    Assignment,
    AuditEvent,
    Measure,
    StatusAssessment,
    StatusLevel,
    User,
)
from capabilities.queries.register import CONFIDENTIAL_LABEL, StatusView, register_rows
from capabilities.services.actors import ActorInput
from capabilities.services.assessments import AssessmentInput
from capabilities.services.assignments import AssignmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser, UserInput
from tests.conftest import find_actor, find_capability


def _events(session: so.Session) -> int:
    return session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0


# Every write a medlem may make, as (description, callable(session, user)).
def _member_writes(session: so.Session) -> list[tuple[str, Callable[[User], Any]]]:
    cap, lv = find_capability(session, "1.1.1"), find_actor(session, "LV")
    assignment = session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    assert assignment is not None
    return [
        (
            "assessment",
            lambda u: services.record_assessment(
                session, u, cap, AssessmentInput(level=3, summary="Utvecklad.")
            ),
        ),
        (
            "measure",
            lambda u: services.create_measure(
                session, u, MeasureInput(title="Gemensamt lager", capability_ids=[cap.id])
            ),
        ),
        (
            "responsibility",
            lambda u: services.add_responsibility(session, u, cap, lv, role="ansvarar"),
        ),
        (
            "link",
            lambda u: services.link_assignment(
                session, u, find_capability(session, "1.2.2"), assignment
            ),
        ),
        (
            "assignment",
            lambda u: services.create_assignment(
                session, u, AssignmentInput(title="Nytt uppdrag", dnrs="S2024/00001")
            ),
        ),
        (
            "milestone",
            lambda u: services.add_milestone(
                session, u, assignment, due_on="2027-01-31", kind="delredovisning"
            ),
        ),
    ]


def _admin_writes(session: so.Session) -> list[tuple[str, Callable[[User], Any]]]:
    cap = find_capability(session, "3.3.9")
    level = session.get(StatusLevel, 3)
    assert level is not None
    return [
        (
            "actor",
            lambda u: services.create_actor(
                session, u, ActorInput(name="Ny myndighet", kind="myndighet")
            ),
        ),
        (
            "capability",
            lambda u: services.create_capability(
                session, u, area=cap.area, number="3.3.10", title="Ny delförmåga"
            ),
        ),
        ("retire", lambda u: services.retire_capability(session, u, cap, retired_on="2026-01-01")),
        (
            "scale",
            lambda u: services.rename_level(
                session, u, level, label="Utvecklad", expected_version=level.version
            ),
        ),
        (
            "user",
            lambda u: services.create_user(
                session,
                u,
                NewUser(
                    username="ny", display_name="Ny", role="läsare", password="tolv-tecken-minst"
                ),
            ),
        ),
    ]


def test_reader_is_refused_every_write(session: so.Session, make_user: Callable[..., User]) -> None:
    reader = make_user("läsare")
    before = _events(session)
    for name, write in _member_writes(session) + _admin_writes(session):
        with pytest.raises(PermissionDenied):
            write(reader)
        assert _events(session) == before, name


def test_member_writes_are_audited_and_admin_writes_refused(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    for name, write in _member_writes(session):
        before = _events(session)
        obj = write(member)
        event = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert _events(session) == before + 1, name
        assert event is not None and event.user_id == member.id
        assert event.entity_type == obj.__tablename__ and event.entity_id == obj.id
        assert event.after is not None
    for _name, write in _admin_writes(session):
        with pytest.raises(PermissionDenied):
            write(member)


def test_admin_writes_are_audited(session: so.Session, make_user: Callable[..., User]) -> None:
    admin = make_user("admin")
    for name, write in _admin_writes(session):
        before = _events(session)
        write(admin)
        assert _events(session) == before + 1, name


def test_deactivated_member_cannot_write(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin, member = make_user("admin"), make_user("medlem")
    services.deactivate_user(session, admin, member)
    with pytest.raises(PermissionDenied):
        services.record_assessment(
            session,
            member,
            find_capability(session, "1.1.1"),
            AssessmentInput(level=2, summary="x"),
        )


def test_assessment_validation_reports_every_field_in_swedish(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    with pytest.raises(ValidationFailed) as info:
        services.record_assessment(
            session,
            member,
            find_capability(session, "1.1.1"),
            AssessmentInput(
                level=9,
                summary="  ",
                target_level="x",
                assessed_on=date.today() + timedelta(days=3),
                confidential=True,
            ),
        )
    errors = info.value.errors
    assert set(errors) == {"level", "summary", "target_level", "assessed_on", "secrecy_ref"}
    assert "Statusbeskrivning måste fyllas i." in errors["summary"]
    assert any("framtiden" in m for m in errors["assessed_on"])
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 0


def test_assessments_are_appended_and_newest_is_current(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    cap = find_capability(session, "3.2.10")
    old = services.record_assessment(
        session, member, cap, AssessmentInput(level=2, summary="Äldre", assessed_on="2025-01-10")
    )
    services.record_assessment(
        session, member, cap, AssessmentInput(level=4, summary="Nyare", assessed_on="2025-06-01")
    )
    services.record_assessment(
        session,
        member,
        cap,
        AssessmentInput(level=3, summary="Inlagd senare men äldre", assessed_on="2025-03-01"),
    )
    rows = {r.number: r for r in register_rows(session)}
    status = rows["3.2.10"].status
    assert status is not None and (status.level, status.summary) == (4, "Nyare")
    # As of a date, only what had been recorded by then counts (a report can be reproduced).
    assert _status_on(session, date(2025, 2, 1)) is None
    old.created_at = datetime(2025, 1, 10, 12, tzinfo=UTC)
    session.flush()
    as_of = _status_on(session, date(2025, 2, 1))
    assert as_of is not None and as_of.summary == "Äldre"


def _status_on(session: so.Session, day: date) -> StatusView | None:
    rows = {r.number: r for r in register_rows(session, as_of=day)}
    return rows["3.2.10"].status


def test_confidential_status_is_redacted_without_clearance(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.1.1"),
        AssessmentInput(level=1, summary="HEMLIGT-X", confidential=True, secrecy_ref="OSL 18:13"),
    )
    hidden = register_rows(session)[0].status
    assert hidden is not None
    assert (hidden.level, hidden.label, hidden.summary) == (None, CONFIDENTIAL_LABEL, None)
    assert "HEMLIGT-X" not in str(hidden.as_json())
    shown = register_rows(session, can_see_confidential=True)[0].status
    assert shown is not None and shown.summary == "HEMLIGT-X" and shown.level == 1


def test_stale_measure_edit_raises_conflict(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    alice, bob = make_user(), make_user()
    cap = find_capability(session, "1.1.1")
    measure = services.create_measure(
        session, alice, MeasureInput(title="Lager", capability_ids=[cap.id])
    )
    version = measure.version
    services.update_measure(
        session,
        alice,
        measure,
        replace(MeasureInput.of(measure), priority="hög"),
        expected_version=version,
    )
    assert measure.version == version + 1
    with pytest.raises(Conflict) as info:
        services.update_measure(
            session,
            bob,
            measure,
            replace(MeasureInput.of(measure), priority="låg"),
            expected_version=version,
        )
    assert info.value.current["priority"] == "hög"
    assert session.get(Measure, measure.id).priority == "hög"  # type: ignore[union-attr]


def test_measure_link_changes_bump_version_and_end_date_links(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    a, b = find_capability(session, "1.1.1"), find_capability(session, "1.1.2")
    measure = services.create_measure(
        session, member, MeasureInput(title="Lager", capability_ids=[a.id])
    )
    version = measure.version
    services.update_measure(
        session,
        member,
        measure,
        replace(MeasureInput.of(measure), capability_ids=[b.id]),
        expected_version=version,
    )
    assert measure.version == version + 1
    links = {(link.capability_id, link.removed_at is None) for link in measure.capability_links}
    assert links == {(a.id, False), (b.id, True)}
    with pytest.raises(ValidationFailed) as info:
        services.update_measure(
            session,
            member,
            measure,
            replace(MeasureInput.of(measure), capability_ids=[]),
            expected_version=measure.version,
        )
    assert "capability_ids" in info.value.errors


def test_stale_assignment_edit_raises_conflict(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    assignment = services.create_assignment(
        session, member, AssignmentInput(title="Uppdrag", dnrs="KN 2023/03646")
    )
    assert assignment.dnrs == ["KN2023/03646"]
    assert assignment.ministry == "Klimat- och näringslivsdepartementet"
    version = assignment.version
    services.update_assignment(
        session,
        member,
        assignment,
        replace(AssignmentInput.of(assignment), dnrs="S2023/00001, S2023/00002"),
        expected_version=version,
    )
    assert assignment.dnrs == ["S2023/00001", "S2023/00002"]
    with pytest.raises(Conflict):
        services.update_assignment(
            session,
            member,
            assignment,
            replace(AssignmentInput.of(assignment), title="Annat"),
            expected_version=version,
        )
    with pytest.raises(ValidationFailed) as info:
        services.update_assignment(
            session,
            member,
            assignment,
            replace(AssignmentInput.of(assignment), dnrs="XX 12"),
            expected_version=assignment.version,
        )
    assert "inte ett giltigt diarienummer" in info.value.errors["dnrs"][0]


def test_links_are_end_dated_not_deleted(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    cap, lv = find_capability(session, "1.2.2"), find_actor(session, "LV")
    responsibility = services.add_responsibility(session, member, cap, lv, role="kan_ansvara")
    with pytest.raises(Conflict):
        services.add_responsibility(session, member, cap, lv, role="kan_ansvara")
    services.end_responsibility(session, member, responsibility)
    assert responsibility.removed_at is not None and responsibility.removed_by_id == member.id
    with pytest.raises(Conflict):
        services.end_responsibility(session, member, responsibility)
    with pytest.raises(ValidationFailed):
        services.add_responsibility(session, member, cap, lv, role="ägare")


def test_admin_cannot_lock_themselves_out(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    with pytest.raises(PermissionDenied):
        services.update_user(
            session,
            admin,
            admin,
            replace(UserInput.of(admin), role="medlem"),
            expected_version=admin.version,
        )


def test_passwords_are_hashed_with_argon2_and_minimum_length(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    user = make_user()
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    with pytest.raises(ValidationFailed) as info:
        services.change_own_password(session, user, current_password="fel", new_password="kort")
    assert set(info.value.errors) == {"current_password", "new_password"}


def test_api_tokens_are_hashed_and_revocable(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    user = make_user("läsare")
    token, plain = services.create_token(session, user, name="pandas")
    assert plain not in token.token_hash and token.prefix == plain[:10]
    assert services.authenticate_token(session, plain) is user
    services.revoke_token(session, user, token)
    assert services.authenticate_token(session, plain) is None
    assert services.authenticate_token(session, "fr_nonsense") is None
