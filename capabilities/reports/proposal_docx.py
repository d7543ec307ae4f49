"""A procurement proposal as a Word document laid out as seed 000's question list.

The receivers (MTP-rådets inköpsfunktion, NPO/NAG) edit it further, so it is plain Word: headings,
the questions as numbered headings with the answer below, and tables for decisions and contacts.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from capabilities.guidance import CATEGORIES
from capabilities.queries.procurement import ProposalDetail
from capabilities.services.procurement import STAGE_NAMES

UNANSWERED = "Ej besvarad."


def proposal_document(detail: ProposalDetail, *, produced_on: str) -> bytes:
    """The proposal as .docx bytes. The caller has checked that the viewer may read it."""
    if detail.hidden:
        raise ValueError("a hidden proposal cannot be exported")
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    properties = document.core_properties
    properties.title = f"Förslag till nationell upphandling: {detail.title}"
    properties.author = "Förmågeregistret"
    properties.language = "sv-SE"

    document.add_heading("Förslag till nationell upphandling av medicintekniska produkter", 0)
    document.add_paragraph(detail.title or "")
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (
        ("Förslagsställande NPO/NAG", detail.proposing_group or "–"),
        ("Läge i processen", STAGE_NAMES[detail.stage]),
        ("Upphandlande organisation", detail.procured_by or "–"),
        (
            "Delförmågor som förslaget berör",
            "; ".join(f"{c.number} {c.title.splitlines()[0]}" for c in detail.capabilities) or "–",
        ),
        (
            "Sekretess",
            f"Sekretessmarkerad ({detail.secrecy_ref})" if detail.confidential else "Nej",
        ),
        ("Utskrivet", produced_on),
    ):
        cells = facts.add_row().cells
        cells[0].text = label
        cells[1].text = value
    if detail.description:
        document.add_paragraph(detail.description)

    document.add_heading("1. Förslaget avser", 1)
    for code, text in CATEGORIES.items():
        document.add_paragraph(f"{code}) {text}", style="List Bullet")

    document.add_heading("2. Svar på vägledningens frågor", 1)
    for answer in detail.answers:
        document.add_heading(f"{answer.question.number}. {answer.question.text}", 2)
        for line in answer.lines or (UNANSWERED,):
            document.add_paragraph(line)

    document.add_heading("Beslut i processen", 1)
    if detail.steps:
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(
            table.rows[0].cells, ("Datum", "Steg", "Beslutad av", "Beslut"), strict=True
        ):
            cell.text = title
        for step in detail.steps:
            cells = table.add_row().cells
            cells[0].text = step.decided_on.isoformat()
            cells[1].text = f"{STAGE_NAMES[step.from_stage]} → {STAGE_NAMES[step.to_stage]}"
            cells[2].text = step.decided_by
            cells[3].text = step.decision
    else:
        document.add_paragraph("Inga beslut registrerade.")

    document.add_heading("Kontakter med industrin", 1)
    if detail.contacts:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, title in zip(
            table.rows[0].cells,
            (
                "Datum",
                "Företag/organisation",
                "Form och deltagare",
                "Syfte och förmåner",
                "Dokumenterad",
            ),
            strict=True,
        ):
            cell.text = title
        for contact in detail.contacts:
            cells = table.add_row().cells
            cells[0].text = contact.contacted_on.isoformat()
            cells[1].text = contact.organisation
            cells[2].text = f"{contact.form}: {contact.participants}"
            cells[3].text = contact.purpose + (
                f" Förmåner: {contact.benefits}" if contact.benefits else ""
            )
            cells[4].text = contact.documented_in
    else:
        document.add_paragraph("Inga kontakter registrerade.")

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
