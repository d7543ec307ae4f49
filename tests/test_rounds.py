"""Reporting rounds: workflow, refusals, approval → register, snapshot and hash, comparison."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.models import (
    AuditEvent,
    ReportingRound,
    RoundEntry,
    RoundSnapshot,
    StatusAssessment,
    User,
)
from capabilities.queries import rounds as q
from capabilities.queries.register import register_rows
from capabilities.queries.scores import LevelInput, register_scores, scores
from capabilities.services import create_measure, record_assessment
from capabilities.services import rounds as r
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.rounds import EntryInput
from tests.conftest import find_capability


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "admin": make_user("admin", can_see_confidential=True),
        "anna": make_user("medlem"),
        "bo": make_user("medlem"),
        "granskare": make_user("medlem", can_see_confidential=True),
        "granskare2": make_user("medlem"),
        "läsare": make_user("läsare"),
    }


def _open(session: so.Session, people: dict[str, User], name: str = "Lägesbild 2026") -> Any:
    return r.open_round(
        session,
        people["admin"],
        name=name,
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[people["granskare"].id, people["granskare2"].id],
    )


def _draft(level: int = 3, summary: str = "Lager finns.", **extra: Any) -> EntryInput:
    return EntryInput(level=level, summary=summary, **extra)


def test_open_validates_and_only_one_open(session: so.Session, people: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        r.open_round(
            session,
            people["anna"],
            name="X",
            reference_date="2026-06-30",
            deadline="2026-09-30",
            reviewer_ids=[people["granskare"].id],
        )
    with pytest.raises(ValidationFailed) as bad:
        r.open_round(
            session,
            people["admin"],
            name="",
            reference_date="30/6",
            deadline="2026-09-30",
            reviewer_ids=[people["läsare"].id],
        )
    assert bad.value.errors["name"] == ["Namn måste fyllas i."]
    assert "ÅÅÅÅ-MM-DD" in bad.value.errors["reference_date"][0]
    assert "medlem eller admin" in bad.value.errors["reviewers"][0]
    round_ = _open(session, people)
    assert round_.is_open and [x.user_id for x in round_.reviewers] == sorted(
        [people["granskare"].id, people["granskare2"].id]
    )
    with pytest.raises(ValidationFailed) as second:
        _open(session, people, name="Lägesbild 2027")
    assert "”Lägesbild 2026” är redan öppen" in second.value.errors["name"][0]


def test_whole_workflow_with_return_and_approval(
    session: so.Session, people: dict[str, User]
) -> None:
    round_ = _open(session, people)
    cap = find_capability(session, "1.1.1")
    before_assessments = session.scalar(sa.select(sa.func.count(StatusAssessment.id)))
    entry = r.save_entry(session, people["anna"], round_, cap, _draft())
    assert (entry.state, entry.content_version) == ("utkast", 1)
    r.submit_entry(session, people["anna"], entry)
    assert entry.state == "inskickad"

    with pytest.raises(ValidationFailed) as no_comment:
        r.return_entry(session, people["granskare"], entry, comment=" ")
    assert no_comment.value.errors["comment"] == ["Kommentar måste fyllas i."]
    r.return_entry(session, people["granskare"], entry, comment="Ange källa för lagernivån.")
    assert (entry.state, entry.return_comment) == ("återremitterad", "Ange källa för lagernivån.")

    r.save_entry(
        session,
        people["anna"],
        round_,
        cap,
        _draft(summary="Lager finns, enligt LV 2026."),
        submit=True,
    )
    assert (entry.state, entry.content_version) == ("inskickad", 2)
    # The register did not move while the entry was only drafted and submitted.
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == before_assessments

    approval = r.approve_entry(
        session, people["granskare"], entry, comment="Bra.", expected_content_version=2
    )
    assert entry.state == "fastställd"
    assert (approval.decision, approval.content_version) == ("fastställd", 2)
    assert approval.content_sha256 == r.entry_content_hash(entry, "1.1.1")
    assessment = session.get(StatusAssessment, entry.approved_assessment_id)
    assert assessment is not None
    assert (assessment.level, assessment.summary) == (3, "Lager finns, enligt LV 2026.")
    assert assessment.assessed_on == min(date(2026, 6, 30), date.today())

    actions = list(
        session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.entity_type == "round_entries", AuditEvent.entity_id == entry.id)
            .order_by(AuditEvent.id)
        )
    )
    assert actions == ["draft", "submit", "return", "submit", "approve"]
    history = q.capability_round_history(session, cap.id)
    assert [a.decision for a in history[0].approvals] == ["återremitterad", "fastställd"]


def test_self_approval_is_refused(session: so.Session, people: dict[str, User]) -> None:
    round_ = _open(session, people)
    entry = r.save_entry(
        session,
        people["granskare"],
        round_,
        find_capability(session, "1.1.2"),
        _draft(),
        submit=True,
    )
    with pytest.raises(PermissionDenied) as refused:
        r.approve_entry(session, people["granskare"], entry)
    assert refused.value.message == (
        "Du kan inte fastställa en bedömning som du själv har skickat in. "
        "En annan granskare måste göra det."
    )
    with pytest.raises(PermissionDenied) as not_reviewer:
        r.approve_entry(session, people["bo"], entry)
    assert "Bara granskare" in not_reviewer.value.message
    r.approve_entry(session, people["granskare2"], entry)
    assert entry.state == "fastställd"

    # Nor does a reviewer approve content they wrote and someone else submitted.
    other = r.save_entry(
        session, people["granskare2"], round_, find_capability(session, "1.1.3"), _draft()
    )
    r.submit_entry(session, people["anna"], other)
    with pytest.raises(PermissionDenied) as author:
        r.approve_entry(session, people["granskare2"], other)
    assert "du själv har skrivit" in author.value.message
    r.approve_entry(session, people["granskare"], other)


def test_editing_an_approved_entry_needs_a_new_approval(
    session: so.Session, people: dict[str, User]
) -> None:
    round_ = _open(session, people)
    cap = find_capability(session, "1.2.1")
    entry = r.save_entry(session, people["anna"], round_, cap, _draft(), submit=True)
    r.approve_entry(session, people["granskare"], entry)
    r.save_entry(session, people["bo"], round_, cap, _draft(level=4))
    assert (entry.state, entry.content_version, entry.approved_assessment_id) == ("utkast", 2, None)
    r.submit_entry(session, people["bo"], entry)
    with pytest.raises(Conflict):
        r.approve_entry(session, people["granskare"], entry, expected_content_version=1)
    r.approve_entry(session, people["granskare"], entry, expected_content_version=2)
    assert [a.content_version for a in entry.approvals] == [1, 2]


def test_closed_round_refuses_edits_and_submissions(
    session: so.Session, people: dict[str, User]
) -> None:
    round_ = _open(session, people)
    cap = find_capability(session, "1.1.1")
    entry = r.save_entry(session, people["anna"], round_, cap, _draft())
    r.close_round(session, people["admin"], round_)
    message = "Uppföljningsomgången ”Lägesbild 2026” är stängd och kan inte längre ändras."
    with pytest.raises(PermissionDenied) as edit:
        r.save_entry(session, people["anna"], round_, cap, _draft(level=5))
    assert edit.value.message == message
    with pytest.raises(PermissionDenied) as submit:
        r.submit_entry(session, people["anna"], entry)
    assert submit.value.message == message
    with pytest.raises(PermissionDenied):
        r.close_round(session, people["admin"], round_)
    assert entry.state == "utkast" and entry.level == 3


def test_snapshot_lists_unapproved_without_drafts_and_hash_is_canonical(
    session: so.Session, people: dict[str, User]
) -> None:
    round_ = _open(session, people)
    approved = r.save_entry(
        session,
        people["anna"],
        round_,
        find_capability(session, "1.1.1"),
        _draft(
            level=4,
            target_level=5,
            summary="Hemligt lager.",
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
        submit=True,
    )
    r.approve_entry(session, people["granskare"], approved)
    r.save_entry(
        session, people["bo"], round_, find_capability(session, "1.1.2"), _draft(summary="Utkast")
    )
    snap = r.close_round(session, people["admin"], round_)
    assert not round_.is_open and round_.closed_by_id == people["admin"].id
    data = json.loads(snap.content)
    assert snap.content == r.canonical_json(data)
    assert snap.sha256 == r.sha256_text(snap.content)
    by_number = {c["number"]: c for c in data["capabilities"]}
    assert by_number["1.1.1"]["state"] == "fastställd"
    assert by_number["1.1.1"]["assessment"]["level"] == 4
    assert by_number["1.1.1"]["assessment"]["approved_by"] == people["granskare"].display_name
    assert by_number["1.1.2"] == by_number["1.1.2"] | {"state": "utkast", "assessment": None}
    assert by_number["1.2.1"]["state"] == "ej påbörjad"
    assert "Utkast" not in snap.content
    assert len(data["capabilities"]) == len(register_rows(session))
    # The register outside the round moves on; the snapshot does not.
    record_assessment(
        session,
        people["anna"],
        find_capability(session, "1.1.1"),
        AssessmentInput(level=1, target_level=None, summary="Slut."),
    )
    session.expire_all()
    stored = session.scalar(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == round_.id))
    assert stored is not None and stored.sha256 == snap.sha256


def test_progress_and_tasks(
    session: so.Session, people: dict[str, User], make_user: Callable[..., User]
) -> None:
    round_ = _open(session, people)
    assert {t.role for t in q.round_tasks_for(session, people["granskare"])} == {"member"}
    entry = r.save_entry(
        session, people["anna"], round_, find_capability(session, "1.1.1"), _draft(), submit=True
    )
    r.save_entry(session, people["anna"], round_, find_capability(session, "1.1.2"), _draft())
    reviewer_tasks = [
        t for t in q.round_tasks_for(session, people["granskare"]) if t.role == "reviewer"
    ]
    assert [t.capability_number for t in reviewer_tasks] == ["1.1.1"]
    member_tasks = q.round_tasks_for(session, people["bo"])
    assert "1.1.1" not in {t.capability_number for t in member_tasks}
    assert "1.1.2" in {t.capability_number for t in member_tasks}
    assert q.round_tasks_for(session, people["läsare"]) == []
    r.approve_entry(session, people["granskare"], entry)

    progress = q.round_progress(session, round_.id, people["admin"])
    total = len(register_rows(session))
    assert progress.overall.total == total
    assert progress.overall.counts == {
        "ej påbörjad": total - 2,
        "utkast": 1,
        "inskickad": 0,
        "återremitterad": 0,
        "fastställd": 1,
    }
    assert progress.overall.completion == round(100 / total, 1)
    area = next(a for a in progress.by_area if a.label.startswith("1.1 "))
    assert area.counts["fastställd"] == 1 and area.counts["utkast"] == 1


def test_area_assignments_narrow_member_tasks(
    session: so.Session, people: dict[str, User], make_user: Callable[..., User]
) -> None:
    from capabilities.models import Actor, Area

    lv = session.scalars(sa.select(Actor).where(Actor.short_name == "LV")).one()
    area = session.scalars(sa.select(Area).where(Area.number == "1.1")).one()
    member = make_user("medlem", organisation_id=lv.id)
    r.open_round(
        session,
        people["admin"],
        name="Lägesbild 2026",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[people["granskare"].id],
        area_organisations=[(area.id, lv.id)],
    )
    numbers = {t.capability_number for t in q.round_tasks_for(session, member)}
    assert numbers and all(n.startswith("1.1.") for n in numbers)
    assert q.round_tasks_for(session, people["anna"]) == []


def test_scores_are_mean_level_over_five() -> None:
    rows = [
        LevelInput("1.1", "A", "1", "G", 3),
        LevelInput("1.1", "A", "1", "G", 4),
        LevelInput("1.1", "A", "1", "G", None),
        LevelInput("1.2", "B", "1", "G", 5),
    ]
    result = {(s.kind, s.number): s for s in scores(rows)}
    area = result[("area", "1.1")]
    assert (area.assessed, area.total, area.percent) == (2, 3, 70.0)
    group = result[("main_group", "1")]
    assert (group.assessed, group.total, group.percent) == (3, 4, 80.0)
    assert [(s.kind, s.number) for s in scores(rows)] == [
        ("main_group", "1"),
        ("area", "1.1"),
        ("area", "1.2"),
    ]


def test_register_scores_hide_confidential_levels(
    session: so.Session, people: dict[str, User]
) -> None:
    cap = find_capability(session, "2.1.1")
    record_assessment(
        session,
        people["anna"],
        cap,
        AssessmentInput(level=5, summary="x", confidential=True, secrecy_ref="OSL"),
    )
    cleared = {(s.kind, s.number): s for s in register_scores(session, can_see_confidential=True)}
    hidden = {(s.kind, s.number): s for s in register_scores(session)}
    assert cleared[("area", "2.1")].assessed == hidden[("area", "2.1")].assessed + 1


def test_compare_two_rounds_and_with_today(session: so.Session, people: dict[str, User]) -> None:
    first = _open(session, people, "Lägesbild 2026")
    for number, level in (("1.1.1", 2), ("1.1.2", 3)):
        entry = r.save_entry(
            session,
            people["anna"],
            first,
            find_capability(session, number),
            _draft(level=level),
            submit=True,
        )
        r.approve_entry(session, people["granskare"], entry)
    r.close_round(session, people["admin"], first)

    second = _open(session, people, "Lägesbild 2027")
    for number, level, target in (("1.1.1", 4, 5), ("1.1.2", 3, None)):
        entry = r.save_entry(
            session,
            people["bo"],
            second,
            find_capability(session, number),
            _draft(level=level, target_level=target),
            submit=True,
        )
        r.approve_entry(session, people["granskare"], entry)
    create_measure(
        session,
        people["anna"],
        MeasureInput(
            title="Nytt beredskapslager", capability_ids=[find_capability(session, "1.1.2").id]
        ),
    )
    r.close_round(session, people["admin"], second)

    comparison = q.compare_rounds(session, first.id, second.id, can_see_confidential=False)
    changed = {c.number: c for c in comparison.changes}
    assert set(changed) == {"1.1.1", "1.1.2"}
    assert (changed["1.1.1"].level_before, changed["1.1.1"].level_after) == (2, 4)
    assert changed["1.1.1"].direction == "↑" and changed["1.1.1"].target_changed
    assert changed["1.1.2"].direction == "=" and changed["1.1.2"].measures_added == [
        "Nytt beredskapslager"
    ]
    area = next(s for s in comparison.scores if (s.kind, s.number) == ("area", "1.1"))
    assert area.before is not None and area.after is not None
    assert (area.before.percent, area.after.percent, area.change) == (50.0, 70.0, 20.0)

    today = q.compare_rounds(session, second.id, None, can_see_confidential=False)
    assert today.after_label == "Registret i dag"
    assert {c.number for c in today.capabilities if c.level_before != c.level_after} <= {
        c.number for c in today.capabilities
    }
    with pytest.raises(Exception, match="inte stängd"):
        third = _open(session, people, "Lägesbild 2028")
        q.compare_rounds(session, first.id, third.id, can_see_confidential=False)


def test_one_open_round_enforced_by_database(session: so.Session, people: dict[str, User]) -> None:
    round_ = _open(session, people)
    session.add(
        ReportingRound(
            name="Smugglad",
            reference_date=round_.reference_date,
            deadline=round_.deadline,
            status="öppen",
            opened_by_id=people["admin"].id,
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()
    assert session.scalar(sa.select(sa.func.count(RoundEntry.id))) is not None
