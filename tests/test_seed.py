"""The seeded register matches Bilaga 1–3, and seeding is idempotent and respects user data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from copy import deepcopy

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    Actor,
    Area,
    Assignment,
    AuditEvent,
    Capability,
    CapabilityAssignment,
    DiaryNumber,
    MainGroup,
    StatusAssessment,
    User,
)
from capabilities.queries.register import register_rows
from capabilities.services import end_assignment_link, record_assessment
from capabilities.services.assessments import AssessmentInput
from importers.seed import seed
from importers.seed_data import load_seed_data
from tests.conftest import find_capability


def test_register_has_62_capabilities_with_the_printed_area_counts(session: so.Session) -> None:
    per_area = Counter(
        session.scalars(sa.select(Area.number).join(Capability.area).order_by(Area.number))
    )
    assert list(per_area.values()) == [5, 8, 5, 6, 7, 4, 7, 11, 9]
    assert sum(per_area.values()) == 62
    assert session.scalar(sa.select(sa.func.count(MainGroup.id))) == 3
    assert session.scalar(sa.select(sa.func.count(Area.id))) == 9


def test_register_order_puts_3_2_10_after_3_2_9(session: so.Session) -> None:
    numbers = [row.number for row in register_rows(session)]
    assert numbers.index("3.2.10") == numbers.index("3.2.9") + 1
    assert numbers[-1] == "3.3.9"
    assert numbers[0] == "1.1.1"
    assert len(numbers) == 62


def test_texts_are_kept_as_printed(session: so.Session) -> None:
    text = find_capability(session, "2.1.1").title
    assert text.startswith("Kontinuerlig omvärldsbevakning och uppmärksammande av sådant")
    assert "\n• tillgängliga produkter i distributionskedjan\n" in text
    assert text.endswith(
        "• möjliga störningar i tillverknings- och distributionskedjan (även internationellt)"
    )
    assert (
        find_capability(session, "1.1.4").assignments_note
        == "Ett flertal uppdrag finns (redovisas ej här)"
    )
    area = session.scalars(sa.select(Area).where(Area.number == "2.2")).one()
    assert area.note and "planerade rapporteringar" in area.note
    group = session.scalars(sa.select(MainGroup).where(MainGroup.number == "1")).one()
    assert (group.stage, group.title) == ("Vid normalläge", "Inbyggd robusthet i försörjningen")


def test_assignments_and_dnrs_as_bilaga_3_prints_them(session: so.Session) -> None:
    rows = {row.number: row for row in register_rows(session)}
    energy = rows["1.2.3"].assignments[0]
    assert energy.dnrs == ["KN2023/03646", "KN2023/01462"]
    assert energy.partial is True
    first = rows["1.1.1"].assignments
    assert [(a.dnrs, a.partial) for a in first] == [
        (["S2022/04550"], False),
        (["S2022/01940"], True),
        (["S2021/08235"], True),
    ]
    assert first[2].title.startswith("Tilläggsuppdrag")
    # the tilläggsuppdrag shares its parent's dnr but is a distinct assignment
    sharing = session.scalars(
        sa.select(Assignment).join(DiaryNumber).where(DiaryNumber.number == "S2021/08235")
    ).all()
    assert len(sharing) == 2
    with_assignments = {n for n, r in rows.items() if r.assignments}
    assert len(with_assignments) == 34
    assert "1.2.2" not in with_assignments


def test_bilaga_1_and_2_and_seed_003(session: so.Session) -> None:
    lv = session.scalars(sa.select(Actor).where(Actor.short_name == "LV")).one()
    assert lv.name == "Läkemedelsverket" and lv.is_beredskapsmyndighet is True
    tlv = session.scalars(sa.select(Actor).where(Actor.short_name == "TLV")).one()
    assert tlv.is_beredskapsmyndighet is False
    national = session.scalars(
        sa.select(Assignment).where(Assignment.title.like("Uppdrag att möjliggöra framtagande%"))
    ).one()
    assert national.dnrs == []
    assert [(m.due_on.isoformat(), m.kind) for m in national.milestones] == [
        ("2024-12-16", "delredovisning"),
        ("2025-12-15", "delredovisning"),
        ("2026-12-15", "delredovisning"),
        ("2027-10-31", "slutredovisning"),
    ]
    assert [(r.actor.name, r.is_lead, r.role) for r in national.recipients] == [
        ("Läkemedelsverket", True, "mottagare"),
        ("E-hälsomyndigheten", False, "mottagare"),
        ("Socialstyrelsen", False, "samarbetspart"),
        ("Inspektionen för vård och omsorg", False, "samarbetspart"),
    ]
    parent = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == "s2021-08235")
    ).one()
    assert any("2022-6-8042" in r.reference for r in parent.reports)


def _audit_count(session: so.Session) -> int:
    return session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0


def test_seeding_twice_changes_nothing(session: so.Session) -> None:
    before = _audit_count(session)
    assert seed(session) == Counter()
    assert _audit_count(session) == before


def test_seed_never_touches_user_assessments_or_ended_links(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    capability = find_capability(session, "1.1.1")
    assessment = record_assessment(
        session, member, capability, AssessmentInput(level=2, summary="Lager räcker en vecka.")
    )
    link = session.scalars(
        sa.select(CapabilityAssignment).where(CapabilityAssignment.capability_id == capability.id)
    ).first()
    assert link is not None
    end_assignment_link(session, member, link)
    seed(session)
    session.expire_all()
    assert session.get(StatusAssessment, assessment.id).summary == "Lager räcker en vecka."
    active = session.scalars(
        sa.select(CapabilityAssignment).where(
            CapabilityAssignment.capability_id == capability.id,
            CapabilityAssignment.assignment_id == link.assignment_id,
            CapabilityAssignment.removed_at.is_(None),
        )
    ).all()
    assert active == []


def test_changed_register_text_is_applied_and_audited_by_system(session: so.Session) -> None:
    data = deepcopy(load_seed_data())
    entry = next(c for c in data.capabilities if c["number"] == "3.2.10")
    entry["title"] = entry["title"] + " (reviderad)"
    counts = seed(session, data)
    assert counts == Counter({"capabilities updated": 1})
    capability = find_capability(session, "3.2.10")
    assert capability.title.endswith("(reviderad)")
    event = session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.capability_id == capability.id, AuditEvent.action == "seed_update"
        )
    ).one()
    assert event.user is not None and event.user.is_system
    assert event.before is not None and not event.before["title"].endswith("(reviderad)")
    assert event.after is not None and event.after["title"].endswith("(reviderad)")
