"""The seed facts issue 25 corrected, each with its seed line, and the correction of an existing
install by the seed-corrections path (rows nobody touched)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import Assignment, AuditEvent, User
from capabilities.services.assignments import AssignmentInput
from importers.seed import seed

REPORT_8778 = "Artikelnummer 2023-10-8778"


def _assignment(session: so.Session, key: str) -> Assignment:
    return session.scalars(sa.select(Assignment).where(Assignment.seed_key == key)).one()


def _recipients(assignment: Assignment) -> set[tuple[str, bool, str]]:
    """Name, lead, role; each recipient's seed line is in data/assignments.yaml beside it."""
    return {(r.actor.name, r.is_lead, r.role) for r in assignment.recipients}


def test_partners_named_i_samarbete_med_are_recorded(session: so.Session) -> None:
    assert _recipients(_assignment(session, "s2022-03178")) == {
        ("Socialstyrelsen", True, "mottagare"),
        ("Läkemedelsverket", False, "samarbetspart"),
        ("Tandvårds- och läkemedelsförmånsverket", False, "samarbetspart"),
        ("Myndigheten för samhällsskydd och beredskap", False, "samarbetspart"),
        ("E-hälsomyndigheten", False, "samarbetspart"),
    }
    partners = {
        name
        for name, lead, role in _recipients(_assignment(session, "s2021-02921"))
        if role == "samarbetspart" and not lead
    }
    assert partners == {
        "Regioner och kommuner",
        "Länsstyrelserna",
        "Sveriges Kommuner och Regioner",
        "Försvarsmakten",
        "Myndigheten för samhällsskydd och beredskap",
    }


def test_the_tillaggsuppdrag_has_its_recipient_and_its_report(session: so.Session) -> None:
    addition = _assignment(session, "s2021-08235-tillagg")
    assert _recipients(addition) == {("Socialstyrelsen", True, "mottagare")}
    assert [r.source for r in addition.reports if REPORT_8778 in r.reference] == ["002:1797"]
    parent = _assignment(session, "s2021-08235")
    assert not any(REPORT_8778 in r.reference for r in parent.reports)


def test_one_rule_for_bilaga_1s_redovisat_column(session: so.Session) -> None:
    reported = {
        "s2021-02922": "002:1868",
        "s2022-01940": "002:1909",
        "s2022-03178": "002:1938",
        "s2022-00777": "002:2103",
    }
    for key, line in reported.items():
        assignment = _assignment(session, key)
        assert (assignment.status, assignment.status_source) == ("redovisat", line), key
        assert all(r.is_final for r in assignment.reports), key
    for yearly in ("s2021-02921", "s2022-02973"):
        assert _assignment(session, yearly).status == "pågående", yearly


def test_the_beredskapsapotek_decision_is_the_month_printed(session: so.Session) -> None:
    apotek = _assignment(session, "s2021-03085")
    assert (apotek.decided_on, apotek.decided_printed) == (None, "juli 2022")


def _as_before(session: so.Session, key: str) -> Assignment:
    """Put an assignment back as an install seeded before the correction had it."""
    assignment = _assignment(session, key)
    assignment.status, assignment.status_source = "pågående", None
    assignment.decided_printed = None
    for report in assignment.reports:
        report.is_final = False
    lead = [r for r in assignment.recipients if r.is_lead]
    assignment.recipients[:] = lead
    session.flush()
    return assignment


def test_an_existing_install_is_corrected_where_nobody_edited(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    corrected = _as_before(session, "s2022-03178")
    apotek = _as_before(session, "s2021-03085")
    touched = _as_before(session, "s2022-00777")
    parent = _assignment(session, "s2021-08235")
    moved = next(r for r in _assignment(session, "s2021-08235-tillagg").reports)
    parent.reports.append(
        type(moved)(reference=moved.reference, is_final=False, source="002:1797", position=9)
    )
    editor = make_user("medlem")
    services.update_assignment(
        session,
        editor,
        touched,
        replace(AssignmentInput.of(touched), title=touched.title + " (ändrad)"),
        expected_version=touched.version,
    )
    session.flush()
    seed(session)
    session.flush()
    session.expire_all()
    assert (corrected.status, corrected.status_source) == ("redovisat", "002:1938")
    assert len(corrected.recipients) == 5
    assert apotek.decided_printed == "juli 2022"
    assert not any(REPORT_8778 in r.reference for r in parent.reports)
    assert touched.status == "pågående"  # a user edited it: left as the user has it
    audited = set(
        session.scalars(
            sa.select(AuditEvent.entity_id).where(
                AuditEvent.entity_type == "assignments", AuditEvent.action == "seed_update"
            )
        )
    )
    assert {corrected.id, apotek.id, parent.id} <= audited
