"""Proposal, contact and commitment pages: roles, validation, redaction, Word download, queries."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from docx import Document

from capabilities.models import Capability, ProcurementProposal, User
from capabilities.services.procurement import create_proposal
from capabilities.services.proposal_answers import ProposalInput
from capabilities.services.users import NewUser
from tests.conftest import post
from tests.test_procurement import complete_input


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def _cap_id(session: so.Session, number: str) -> str:
    return str(session.scalars(sa.select(Capability.id).where(Capability.number == number)).one())


def _form(session: so.Session, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Gemensam upphandling av skyddsmasker",
        "proposing_group": "NAG Medicinteknik",
        "capability_ids": [_cap_id(session, "3.3.2")],
        "product": "Andningsskydd FFP3",
        "category": "b",
        "consensus": "ja",
        "interested_regions": ["Region Uppsala", "Region Gotland"],
        "existing_contract": "nej",
        "expected_need": "Stort vid pandemi",
        "preparedness_relevance": "Avgörande vid smittspridning",
        "health_economic_relevance": "ja",
        "external_health_data": "nej",
        "consulted_procurement": "nej",
    }
    return data | changes


def test_member_creates_and_edits_a_proposal(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    response = post(client, "/proposals/new", _form(session))
    assert response.status_code == 302, _html(response)
    proposal = session.scalars(
        sa.select(ProcurementProposal).order_by(ProcurementProposal.id.desc())
    ).first()
    assert proposal is not None and proposal.interested_regions == [
        "Region Gotland",
        "Region Uppsala",
    ]
    page = _html(client.get(f"/proposals/{proposal.id}"))
    assert "10 av 10 frågor besvarade" in page
    assert "2 regioner: Region Gotland, Region Uppsala" in page
    edit = post(
        client,
        f"/proposals/{proposal.id}/edit",
        _form(session, product="Andningsskydd FFP2", version=str(proposal.version)),
    )
    assert edit.status_code == 302
    session.refresh(proposal)
    assert proposal.product == "Andningsskydd FFP2"


def test_invalid_answers_rerender_with_swedish_messages(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    before = session.scalar(sa.select(sa.func.count()).select_from(ProcurementProposal))
    response = post(client, "/proposals/new", _form(session, title="", expected_need_per_year="x"))
    assert response.status_code == 422
    html = _html(response)
    # The proposal form's own words, not the measure's (issue 26).
    assert "Rubrik måste fyllas i." in html and "ska vara ett heltal" in html
    assert "Titel måste fyllas i." not in html
    none = post(client, "/proposals/new", _form(session, capability_ids=[]))
    assert none.status_code == 422
    assert "som förslaget gäller" in _html(none) and "åtgärden höjer" not in _html(none)
    assert 'value="Andningsskydd FFP3"' in html or "Andningsskydd FFP3</textarea>" in html
    assert session.scalar(sa.select(sa.func.count()).select_from(ProcurementProposal)) == before


def test_step_to_inkopsfunktion_with_open_questions_is_refused(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    proposal = create_proposal(
        session,
        user,
        ProposalInput(title="Halvfärdigt", capability_ids=[_cap_id(session, "1.1.1")]),
    )
    session.flush()
    response = post(
        client,
        f"/proposals/{proposal.id}/step",
        {
            "to_stage": "inkopsfunktion",
            "decided_on": "2026-11-01",
            "decided_by": "NPO/NAG",
            "decision": "Skickas",
            "version": str(proposal.version),
        },
    )
    assert response.status_code == 422
    assert "förrän alla tio frågor är besvarade" in _html(response)


def test_reader_sees_but_cannot_change(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    proposal = create_proposal(session, make_user("medlem"), complete_input(session))
    session.flush()
    as_role("läsare")
    page = _html(client.get(f"/proposals/{proposal.id}"))
    assert "Infusionspumpar för volymetrisk infusion" in page and "Registrera beslutet" not in page
    assert client.get("/proposals/new").status_code == 403
    assert post(client, f"/proposals/{proposal.id}/step", {}).status_code == 403
    assert client.get(f"/proposals/measures/{proposal.measure_id}/contacts/new").status_code == 403


def test_confidential_proposal_is_hidden_everywhere(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    proposal = create_proposal(
        session,
        cleared,
        complete_input(
            session,
            title="HEMLIG-MARKÖR",
            product="HEMLIG-MARKÖR",
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    session.flush()
    as_role("medlem")
    for path in ("/proposals/", f"/proposals/{proposal.id}"):
        html = _html(client.get(path))
        assert "HEMLIG-MARKÖR" not in html and "Sekretessmarkerad uppgift" in html
    assert client.get(f"/proposals/{proposal.id}/forslag.docx").status_code == 404
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 404


def test_word_download(client: Any, session: so.Session, as_role: Callable[..., User]) -> None:
    user = as_role("läsare")
    proposal = create_proposal(session, make_member(session, user), complete_input(session))
    session.flush()
    response = client.get(f"/proposals/{proposal.id}/forslag.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    texts = [p.text for p in Document(BytesIO(response.data)).paragraphs]
    assert "1. Vilken produkt eller produktgrupp gäller förslaget?" in texts


def make_member(session: so.Session, reader: User) -> User:
    from capabilities.services import create_user

    return create_user(
        session,
        None,
        NewUser(
            username=f"m-{reader.username}",
            display_name="Medlem",
            role="medlem",
            password="korrekt-hast-batteri-häftstift",
        ),
    )


def test_contact_form_records_a_contact(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    proposal = create_proposal(session, user, complete_input(session))
    session.flush()
    path = f"/proposals/measures/{proposal.measure_id}/contacts/new"
    page = _html(client.get(path))
    assert "måttfullhetsprincipen" in page and "dokumentationsprincipen" in page
    response = post(
        client,
        path,
        {
            "contacted_on": "2026-11-03",
            "organisation": "Läkemedelsindustriföreningen",
            "participants": "C Ceder (LIF)",
            "form": "mote",
            "purpose": "Information om lagerhållning",
            "documented_in": "Minnesanteckning 2026-11-03",
            "principles": ["fortroende", "transparens", "mattfullhet", "dokumentation"],
        },
    )
    assert response.status_code == 302 and response.location.endswith(
        f"/proposals/{proposal.id}#contacts"
    )
    html = _html(client.get(f"/proposals/{proposal.id}"))
    assert "Läkemedelsindustriföreningen" in html and "Alla fyra bekräftade" in html


def test_commitments_page(client: Any, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    html = _html(client.get("/commitments/"))
    assert "Rek. 14/2023 om gemensam läkemedelsupphandling i Norden" in html
    assert "001:20-22" in html and "3.3.2" in html


@pytest.mark.parametrize("path", ["/proposals/", "/proposals/{id}", "/commitments/"])
def test_pages_load_in_a_fixed_number_of_queries(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
    path: str,
) -> None:
    user = as_role("medlem")
    proposals = [create_proposal(session, user, complete_input(session)) for _ in range(2)]
    session.flush()
    url = path.format(id=proposals[0].id)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        proposals.append(create_proposal(session, user, complete_input(session)))
    session.flush()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count


def test_capability_page_shows_the_commitments_that_bear_on_it(
    client: Any, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    html = _html(client.get("/capabilities/3.3.2"))
    assert "Åtaganden som berör delförmågan" in html
    assert "Rek. 14/2023 om gemensam läkemedelsupphandling i Norden" in html
    assert "Klausul 1 och 2" in html
    assert "Åtaganden som berör delförmågan" not in _html(client.get("/capabilities/2.2.1"))


def test_stale_edit_shows_both_versions_and_keeps_mine(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    proposal = create_proposal(session, user, complete_input(session))
    session.flush()
    stale = str(proposal.version)
    assert (
        post(
            client,
            f"/proposals/{proposal.id}/edit",
            _form(session, product="Sparad först", version=stale),
        ).status_code
        == 302
    )
    response = post(
        client, f"/proposals/{proposal.id}/edit", _form(session, product="Min text", version=stale)
    )
    assert response.status_code == 409
    html = _html(response)
    assert "Sparad först" in html and "Min text" in html
    session.refresh(proposal)
    assert proposal.product == "Sparad först"


def test_word_download_with_control_characters(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    """Characters XML cannot hold become nothing in forslag.docx, not a 500 (issue 23, F10)."""
    user = as_role("läsare")
    controls = "\x0b\x0c\x1f\x00"
    proposal = create_proposal(
        session,
        make_member(session, user),
        complete_input(
            session,
            title=f"Pumpar{controls}A",
            description=f"Beskrivning{controls}B",
            product=f"Produkt{controls}C",
            preparedness_relevance=f"Rad ett{controls}\nRad två",
        ),
    )
    session.flush()
    response = client.get(f"/proposals/{proposal.id}/forslag.docx")
    assert response.status_code == 200
    document = Document(BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    assert "PumparA" in texts and "BeskrivningB" in texts and "ProduktC" in texts
    assert document.core_properties.title.endswith("PumparA")


def test_nul_in_a_posted_text_is_dropped_not_a_500(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    """PostgreSQL cannot store NUL: the one text validator drops it (issue 23, F10)."""
    as_role("medlem")
    response = post(
        client, "/proposals/new", _form(session, title="Pum\x00par", description="a\x00")
    )
    assert response.status_code == 302, _html(response)
    proposal = session.scalars(
        sa.select(ProcurementProposal).order_by(ProcurementProposal.id.desc())
    ).first()
    assert proposal is not None and proposal.measure.title == "Pumpar"
