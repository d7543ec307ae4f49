"""Procurement proposals (seed 000), industry contacts (seed 004) and commitments (seed 001)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from docx import Document

from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.guidance import PRINCIPLES, QUESTIONS, REGIONS, unanswered_questions
from capabilities.models import (
    Actor,
    AuditEvent,
    Capability,
    Commitment,
    ProcurementProposal,
    User,
)
from capabilities.queries.commitments import commitments
from capabilities.queries.procurement import proposal_detail, proposal_rows
from capabilities.reports.proposal_docx import proposal_document
from capabilities.services.industry_contacts import ContactInput, record_industry_contact
from capabilities.services.procurement import advance_proposal, create_proposal, update_proposal
from capabilities.services.proposal_answers import ProposalInput, StepInput

SEEDS = Path(__file__).resolve().parent / "seeds"  # copies of the workspace's seed documents
SEED_000 = SEEDS / "000_633d89705f10bf9a.txt"
SEED_001 = SEEDS / "001_1918d55f0bae3f57.txt"
SEED_004 = SEEDS / "004_787218134cc339db.txt"
TODAY = date(2026, 11, 29)


def _cap_id(session: so.Session, number: str) -> int:
    return session.scalars(sa.select(Capability.id).where(Capability.number == number)).one()


def complete_input(session: so.Session, **changes: object) -> ProposalInput:
    """A proposal that answers all ten questions."""
    data = ProposalInput(
        title="Nationell upphandling av infusionspumpar",
        proposing_group="NPO Akut vård",
        capability_ids=[_cap_id(session, "3.3.2"), _cap_id(session, "1.1.1")],
        product="Infusionspumpar för volymetrisk infusion",
        category="a",
        consensus="ja",
        interested_regions=["Region Skåne", "Region Stockholm", "Västra Götalandsregionen"],
        existing_contract="ja",
        contract_ends_on="2027-06-30",
        expected_need_per_year="1200",
        preparedness_relevance="Kritiska vid masskadehändelser.",
        health_economic_relevance="nej",
        external_health_data="nej",
        consulted_procurement="ja",
        consulted_regions=["Region Skåne"],
    )
    return replace(data, **changes)


def _seed_text(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


def test_the_ten_questions_are_the_guidance_s_own_words() -> None:
    text = _seed_text(SEED_000)
    assert [q.number for q in QUESTIONS] == list(range(1, 11))
    for question in QUESTIONS:
        assert f"{question.number}. {question.text}" in text, question.number
        first_line = int(question.source.split(":")[1].split("-")[0])
        printed = SEED_000.read_text(encoding="utf-8").splitlines()[first_line - 1]
        assert printed.strip().startswith(f"{question.number}."), question.source


def test_the_four_principles_are_seed_004_s() -> None:
    text = _seed_text(SEED_004)
    for name in PRINCIPLES.values():
        assert name in text


def test_twenty_one_regions() -> None:
    assert len(REGIONS) == len(set(REGIONS)) == 21


def test_a_draft_may_leave_questions_open_but_cannot_go_to_the_inkopsfunktion(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    proposal = create_proposal(
        session,
        member,
        ProposalInput(title="Förslag under arbete", capability_ids=[_cap_id(session, "3.3.2")]),
    )
    assert unanswered_questions(proposal) == list(range(1, 11))
    with pytest.raises(ValidationFailed) as caught:
        advance_proposal(
            session,
            member,
            proposal,
            StepInput("inkopsfunktion", "2026-11-01", "NPO/NAG", "Lämnas till inköpsfunktionen"),
            expected_version=proposal.version,
            today=TODAY,
        )
    message = caught.value.errors["to_stage"][0]
    assert "alla tio frågor" in message and "1, 2, 3, 4, 5, 6, 7, 8, 9, 10" in message
    assert proposal.stage == "forslag"


def test_contract_end_is_required_when_a_contract_exists(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    proposal = create_proposal(session, member, complete_input(session, contract_ends_on=""))
    assert unanswered_questions(proposal) == [5]


def test_answers_are_validated_in_swedish(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    before = session.scalar(sa.select(sa.func.count()).select_from(ProcurementProposal))
    with pytest.raises(ValidationFailed) as caught:
        create_proposal(
            session,
            member,
            complete_input(
                session,
                category="c",
                expected_need_per_year="många",
                interested_regions=["Region Atlantis"],
                contract_ends_on="30/6",
            ),
        )
    errors = caught.value.errors
    assert "Välj bland: a, b" in errors["category"][0]
    assert "heltal" in errors["expected_need_per_year"][0]
    assert "Region Atlantis" in errors["interested_regions"][0]
    assert "ÅÅÅÅ-MM-DD" in errors["contract_ends_on"][0]
    assert session.scalar(sa.select(sa.func.count()).select_from(ProcurementProposal)) == before


def test_the_path_to_procurement_by_adda_needs_an_nsg_decision(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    proposal = create_proposal(session, member, complete_input(session))
    assert unanswered_questions(proposal) == []

    def step(to: str, on: str, by: str, **extra: str) -> None:
        advance_proposal(
            session,
            member,
            proposal,
            StepInput(to, on, by, f"Beslut om {to}", **extra),
            expected_version=proposal.version,
            today=TODAY,
        )

    step("inkopsfunktion", "2026-09-01", "NPO/NAG")
    with pytest.raises(ValidationFailed) as caught:
        step("upphandling", "2026-09-15", "MTP-rådets inköpsfunktion", procuring_body="adda")
    assert (
        "först efter beslut i Nationella samverkansgruppen"
        in caught.value.errors["procuring_body"][0]
    )
    with pytest.raises(ValidationFailed) as caught:
        step("mtp_nsg", "2026-08-01", "MTP-rådet")
    assert "före föregående beslut" in caught.value.errors["decided_on"][0]
    with pytest.raises(ValidationFailed):
        step("avtal", "2026-09-20", "MTP-rådet")  # not the next stage

    step("mtp_nsg", "2026-10-01", "NSG Läkemedel och Medicinteknik")
    step("upphandling", "2026-10-20", "NSG Läkemedel och Medicinteknik", procuring_body="adda")
    assert proposal.stage == "upphandling" and proposal.procuring_body == "adda"
    assert proposal.measure.state == "pågående"
    detail = proposal_detail(session, proposal.id, can_see_confidential=False)
    assert [s.to_stage for s in detail.steps] == ["inkopsfunktion", "mtp_nsg", "upphandling"]
    assert detail.procured_by == "Adda inköpscentral"
    actions = session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "procurement_proposals", AuditEvent.entity_id == proposal.id
        )
    ).all()
    assert actions.count("step") == 3 and "create" in actions


def test_a_region_procures_without_nsg(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user("medlem")
    proposal = create_proposal(session, member, complete_input(session))
    for to, by, extra in (
        ("inkopsfunktion", "NPO/NAG", {}),
        ("upphandling", "MTP-rådets inköpsfunktion", {"procuring_body": "region"}),
    ):
        data = StepInput(to, "2026-10-01", by, "Beslut", **extra)
        if to == "upphandling":
            with pytest.raises(ValidationFailed) as caught:
                advance_proposal(
                    session, member, proposal, data, expected_version=proposal.version, today=TODAY
                )
            assert "Region måste väljas" in caught.value.errors["procuring_region"][0]
            data = replace(data, procuring_region="Region Skåne")
        advance_proposal(
            session, member, proposal, data, expected_version=proposal.version, today=TODAY
        )
    assert proposal_detail(session, proposal.id, can_see_confidential=True).procured_by == (
        "Region Skåne"
    )


def test_stale_version_is_a_conflict(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user("medlem")
    proposal = create_proposal(session, member, complete_input(session))
    stale = proposal.version
    update_proposal(
        session,
        member,
        proposal,
        complete_input(session, product="Nya pumpar"),
        expected_version=stale,
    )
    with pytest.raises(Conflict):
        update_proposal(
            session,
            member,
            proposal,
            complete_input(session, product="Andra"),
            expected_version=stale,
        )
    assert proposal.product == "Nya pumpar"


def test_readers_cannot_propose(session: so.Session, make_user: Callable[..., User]) -> None:
    with pytest.raises(PermissionDenied):
        create_proposal(session, make_user("läsare"), complete_input(session))


def test_industry_contacts_are_documented_and_audited(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    proposal = create_proposal(session, member, complete_input(session))
    with pytest.raises(ValidationFailed) as caught:
        record_industry_contact(
            session,
            member,
            proposal.measure,
            ContactInput(contacted_on="2027-01-01", form="telefon"),
            today=TODAY,
        )
    errors = caught.value.errors
    assert set(errors) >= {"contacted_on", "organisation", "participants", "form", "purpose"}
    assert "documented_in" in errors
    contact = record_industry_contact(
        session,
        member,
        proposal.measure,
        ContactInput(
            contacted_on="2026-11-02",
            organisation="Swedish Medtech",
            participants="Anna Andersson (Swedish Medtech), Bo Berg (Region Skåne)",
            form="digitalt_mote",
            purpose="Leveransförmåga vid kris",
            benefits="Inget",
            documented_in="Dnr RS 2026/123",
            principles=["dokumentation", "fortroende", "transparens"],
        ),
        today=TODAY,
    )
    assert contact.principles == ["fortroende", "transparens", "dokumentation"]
    view = proposal_detail(session, proposal.id, can_see_confidential=False).contacts[0]
    assert view.form == "digitalt möte" and view.missing_principles == ("måttfullhetsprincipen",)
    assert session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "industry_contacts", AuditEvent.entity_id == contact.id)
    )


def test_confidential_proposals_are_redacted(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    uncleared = make_user("medlem")
    proposal = create_proposal(
        session,
        cleared,
        complete_input(
            session, title="HEMLIGT-förslag", confidential=True, secrecy_ref="OSL 18:13"
        ),
    )
    record_industry_contact(
        session,
        cleared,
        proposal.measure,
        ContactInput("2026-11-01", "HEMLIGT AB", "A", "mote", "B", "", "C", ["dokumentation"]),
        today=TODAY,
    )
    hidden = proposal_detail(session, proposal.id, can_see_confidential=False)
    assert hidden.hidden and hidden.title is None and hidden.answers == () and hidden.contacts == ()
    row = next(r for r in proposal_rows(session, can_see_confidential=False) if r.id == proposal.id)
    assert row.title is None and row.procured_by is None
    assert "HEMLIGT" not in repr(hidden) + repr(row)
    for action in (
        lambda: update_proposal(
            session, uncleared, proposal, complete_input(session), expected_version=proposal.version
        ),
        lambda: record_industry_contact(
            session, uncleared, proposal.measure, ContactInput(), today=TODAY
        ),
    ):
        with pytest.raises(PermissionDenied):
            action()


def test_word_document_lists_every_question_with_its_answer(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    proposal = create_proposal(session, member, complete_input(session))
    detail = proposal_detail(session, proposal.id, can_see_confidential=False)
    document = Document(BytesIO(proposal_document(detail, produced_on="2026-11-29")))
    paragraphs = [p.text for p in document.paragraphs]
    for answer in detail.answers:
        heading = f"{answer.question.number}. {answer.question.text}"
        assert heading in paragraphs
        following = paragraphs[paragraphs.index(heading) + 1]
        assert following == answer.lines[0]
    assert "3 regioner: Region Skåne, Region Stockholm, Västra Götalandsregionen" in paragraphs
    assert "Ja, avtal gäller till och med 2027-06-30" in paragraphs


def test_nordic_recommendation_is_seeded_with_lines_and_reasons(session: so.Session) -> None:
    (rek,) = [c for c in commitments(session) if c.code == "Rek. 14/2023"]
    assert rek.issuer == "Nordiska rådet" and rek.addressee == "Nordiska ministerrådet"
    assert (
        rek.status_text == "Nordiska ministerrådet anser härmed att rekommendationen är uppfylld."
    )
    assert [n for n, _t, _s in rek.clauses] == [1, 2, 3]
    assert rek.clauses[2][1] == (
        "att utreda möjligheter för gemensamma beredskapslager för läkemedel och sjukvårdsmaterial"
    )
    seed_001 = SEED_001.read_text(encoding="utf-8").splitlines()
    for _number, text, source in rek.clauses:
        first, last = (int(n) for n in source.removeprefix("001:").split("-"))
        assert " ".join(" ".join(seed_001[first - 1 : last]).split()) == text
    assert any("29 december 2023" in text for text, _s in rek.facts)
    assert {link.number for link in rek.capabilities} >= {"3.3.2", "1.1.5", "3.3.4"}
    assert all(link.reason for link in rek.capabilities)
    by_capability = commitments(session, capability_number="3.3.2")
    assert [c.code for c in by_capability] == ["Rek. 14/2023"]
    assert commitments(session, capability_number="2.2.1") == []
    assert session.scalar(sa.select(sa.func.count()).select_from(Commitment)) == 1


def test_actors_named_by_seeds_000_and_001_are_seeded_once(session: so.Session) -> None:
    names = set(session.scalars(sa.select(Actor.name)))
    assert {
        "Medicintekniska produktrådet",
        "MTP-rådets inköpsfunktion",
        "Adda inköpscentral",
        "Nordiska rådet",
        "Nordiska ministerrådet",
    } <= names
    # Bilaga 2 already has NSG and Inera: not duplicated under another name.
    assert "Nationell samverkansgrupp läkemedel och medicinteknik" in names
    assert not any(
        "NSG" in n and n != "Nationell samverkansgrupp läkemedel och medicinteknik" for n in names
    )
    kinds = set(session.scalars(sa.select(Actor.kind).where(Actor.short_name == "NPO/NAG")))
    assert kinds == {"kunskapsstyrning"}


def test_excel_report_lists_proposals_and_contacts_with_redaction(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    from openpyxl import load_workbook

    from capabilities.reports.data import build_report
    from capabilities.reports.xlsx import write_workbook

    cleared = make_user("medlem", can_see_confidential=True)
    public = create_proposal(session, cleared, complete_input(session))
    secret = create_proposal(
        session,
        cleared,
        complete_input(
            session, title="HEMLIGT-förslag", confidential=True, secrecy_ref="OSL 18:13"
        ),
    )
    for proposal, organisation in ((public, "Swedish Labtech"), (secret, "HEMLIGT AB")):
        record_industry_contact(
            session,
            cleared,
            proposal.measure,
            ContactInput("2026-11-01", organisation, "A B", "skriftlig", "Syfte", "", "Dnr 1", []),
            today=TODAY,
        )
    session.flush()

    def sheets(include_confidential: bool) -> dict[str, list[tuple[object, ...]]]:
        stream = BytesIO()
        write_workbook(build_report(session, include_confidential=include_confidential), stream)
        wb = load_workbook(BytesIO(stream.getvalue()), read_only=True)
        return {
            name: [tuple(r) for r in wb[name].iter_rows(values_only=True)]
            for name in ("Upphandlingsförslag", "Industrikontakter")
        }

    hidden = sheets(False)
    rows = {r[0]: r for r in hidden["Upphandlingsförslag"] if isinstance(r[0], int)}
    assert rows[public.id][1] == "Nationell upphandling av infusionspumpar"
    assert rows[public.id][3] == "NPO/NAG:s förslag" and rows[public.id][4] == "a"
    assert rows[public.id][5] == 10
    assert rows[secret.id][1] == "Sekretessmarkerad uppgift"
    flat = repr(hidden)
    assert "HEMLIGT" not in flat and "Swedish Labtech" in flat
    shown = repr(sheets(True))
    assert "HEMLIGT-förslag" in shown and "HEMLIGT AB" in shown


def test_actors_carry_their_seed_lines(session: so.Session) -> None:
    sources = {
        name: source for name, source in session.execute(sa.select(Actor.name, Actor.source))
    }
    assert sources["Adda inköpscentral"] == "000:90-92"
    assert sources["Nordiska ministerrådet"] == "001:26-41, 207"
    assert sources["Socialstyrelsen"].startswith("002:")
    assert all(sources.values())
