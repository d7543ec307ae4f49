"""A member proposes a national procurement, takes it to Adda, logs two contacts, downloads it."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from docx import Document
from playwright.sync_api import expect

from capabilities.guidance import QUESTIONS
from tests.browser.conftest import log_in, screenshot, serious_violations

pytestmark = pytest.mark.browser


def _step(page: Any, to: str, on: str, by: str, decision: str, body: str | None = None) -> None:
    page.get_by_label("Nästa steg").select_option(label=to)
    page.get_by_label("Beslutsdatum").fill(on)
    page.get_by_label("Beslutad av").select_option(by)
    page.get_by_label("Beslut", exact=True).fill(decision)
    if body:
        page.get_by_label(body).check()
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_text(f"Förslaget är nu i steget ”{to}”.")).to_be_visible()


def _contact(page: Any, organisation: str, form: str, principles: list[str]) -> None:
    page.get_by_role("link", name="Registrera kontakt med industrin").click()
    page.get_by_label("Datum för kontakten").fill("2026-10-05")
    page.get_by_label("Företag eller branschorganisation").fill(organisation)
    page.get_by_label("Deltagare (namn och organisation)").fill(f"Kim Karlsson ({organisation})")
    page.get_by_label(form, exact=True).check()
    page.get_by_label("Syfte").fill("Leveranskapacitet vid kris")
    page.get_by_label("Var kontakten är dokumenterad (t.ex. diarienummer)").fill("Dnr 2026/77")
    for name in principles:
        page.get_by_label(name).check()
    page.get_by_role("button", name="Registrera kontakten").click()
    expect(page.get_by_text(f"Kontakten med {organisation} är registrerad.")).to_be_visible()


def test_proposal_from_questions_to_procurement_by_adda(page: Any) -> None:
    log_in(page, "e2e-medlem")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Upphandlingsförslag"
    ).click()
    page.get_by_role("link", name="Nytt förslag").click()
    assert serious_violations(page) == []

    page.get_by_label("Rubrik").fill("Nationell upphandling av syrgaskoncentratorer")
    page.get_by_label("Förslagsställande NPO/NAG").fill("NPO Lung- och allergisjukdomar")
    page.get_by_label("3.3.2 ", exact=False).check()
    page.get_by_label(QUESTIONS[0].text).fill("Syrgaskoncentratorer för hemsjukvård")
    page.get_by_label("a) befintliga produkter").check()
    page.get_by_role("group", name=QUESTIONS[2].text).get_by_label("Ja").check()
    for region in ("Region Skåne", "Region Halland", "Region Kronoberg"):
        page.get_by_role("group", name=QUESTIONS[3].text).get_by_label(region).check()
    page.get_by_role("group", name=QUESTIONS[4].text).get_by_label("Ja").check()
    page.get_by_label("Befintligt avtal gäller till och med (inklusive förlängningar)").fill(
        "2027-12-31"
    )
    page.get_by_label(QUESTIONS[5].text).fill("Ökande behov i hemsjukvården")
    page.get_by_label("Bedömt behov, antal per år").fill("4000")
    page.get_by_label(QUESTIONS[6].text).fill("Syrgas är kritisk vid pandemier.")
    page.get_by_role("group", name=QUESTIONS[7].text).get_by_label("Ja").check()
    page.get_by_role("group", name=QUESTIONS[8].text).get_by_label("Nej").check()
    page.get_by_role("group", name=QUESTIONS[9].text).get_by_label("Ja").check()
    page.get_by_role(
        "group", name="Regioner vars inköpsorganisation förslaget har stämts av med"
    ).get_by_label("Region Skåne").check()
    screenshot(page, "proposal-form")
    page.get_by_role("button", name="Spara förslaget").click()
    expect(page.get_by_text("10 av 10 frågor besvarade")).to_be_visible()
    assert serious_violations(page) == []

    _step(
        page, "Inköpsfunktionens bedömning", "2026-09-01", "NPO/NAG", "Lämnas till inköpsfunktionen"
    )
    _step(page, "MTP-rådet/NSG", "2026-09-20", "MTP-rådets inköpsfunktion", "Föredras för NSG")
    _step(
        page,
        "Upphandling",
        "2026-10-01",
        "NSG Läkemedel och Medicinteknik",
        "NSG beslutar att Adda genomför upphandlingen",
        body="Adda inköpscentral (efter beslut i NSG)",
    )
    expect(page.get_by_text("Adda inköpscentral").first).to_be_visible()

    _contact(
        page, "Swedish Medtech", "Digitalt möte", ["förtroendeprincipen", "dokumentationsprincipen"]
    )
    _contact(
        page,
        "Läkemedelsindustriföreningen",
        "Möte",
        [
            "förtroendeprincipen",
            "transparensprincipen",
            "måttfullhetsprincipen",
            "dokumentationsprincipen",
        ],
    )
    contacts = page.locator("table.contacts tbody tr")
    assert contacts.count() == 2
    screenshot(page, "proposal-detail")

    with page.expect_download() as caught:
        page.get_by_role("link", name="Ladda ned som Word-dokument").click()
    document = Document(BytesIO(caught.value.path().read_bytes()))
    texts = [p.text for p in document.paragraphs]
    for question in QUESTIONS:
        heading = f"{question.number}. {question.text}"
        assert heading in texts
        assert texts[texts.index(heading) + 1] != "Ej besvarad."
    assert "Syrgaskoncentratorer för hemsjukvård" in texts
    assert "3 regioner: Region Halland, Region Kronoberg, Region Skåne" in texts
    table_text = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "Swedish Medtech" in table_text and "Adda inköpscentral" in table_text
