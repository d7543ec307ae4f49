"""A procurement proposal as a Word document laid out as seed 000's question list.

The receivers (MTP-rådets inköpsfunktion, NPO/NAG) edit it further, so it is plain Word: headings,
the questions as numbered headings with the answer below, and tables for decisions and contacts.

Every text goes in through `_paragraph`, `_heading` and `_row`, which drop the control characters
XML cannot hold (python-docx refuses them: a \\x0b in an answer was a 500, issue 23 F10).
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from docx.table import Table

from capabilities.guidance import CATEGORIES
from capabilities.queries.procurement import ProposalDetail
from capabilities.reports.cells import clean_text, one_line
from capabilities.services.procurement import STAGE_NAMES

UNANSWERED = "Ej besvarad."


def _paragraph(document: DocxDocument, text: str, style: str | None = None) -> None:
    document.add_paragraph(clean_text(text), style=style)


def _heading(document: DocxDocument, text: str, level: int) -> None:
    document.add_heading(clean_text(text), level)


def _row(table: Table, values: tuple[str, ...]) -> None:
    cells = table.add_row().cells  # type: ignore[no-untyped-call]
    for cell, value in zip(cells, values, strict=True):
        cell.text = clean_text(value)


def _table(document: DocxDocument, headers: tuple[str, ...]) -> Table:
    table: Table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, headers, strict=True):
        cell.text = title
    return table


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
    # Word's core properties hold one line of at most 255 characters (a title may have 300).
    properties.title = one_line(f"Förslag till nationell upphandling: {detail.title}")[:255]
    properties.author = "Förmågeregistret"
    properties.language = "sv-SE"

    _heading(document, "Förslag till nationell upphandling av medicintekniska produkter", 0)
    _paragraph(document, detail.title or "")
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
        _row(facts, (label, value))
    if detail.description:
        _paragraph(document, detail.description)

    _heading(document, "1. Förslaget avser", 1)
    for code, text in CATEGORIES.items():
        _paragraph(document, f"{code}) {text}", style="List Bullet")

    _heading(document, "2. Svar på vägledningens frågor", 1)
    for answer in detail.answers:
        _heading(document, f"{answer.question.number}. {answer.question.text}", 2)
        for line in answer.lines or (UNANSWERED,):
            _paragraph(document, line)

    _heading(document, "Beslut i processen", 1)
    if detail.steps:
        table = _table(document, ("Datum", "Steg", "Beslutad av", "Beslut"))
        for step in detail.steps:
            _row(
                table,
                (
                    step.decided_on.isoformat(),
                    f"{STAGE_NAMES[step.from_stage]} → {STAGE_NAMES[step.to_stage]}",
                    step.decided_by,
                    step.decision,
                ),
            )
    else:
        _paragraph(document, "Inga beslut registrerade.")

    _heading(document, "Kontakter med industrin", 1)
    if detail.contacts:
        table = _table(
            document,
            (
                "Datum",
                "Företag/organisation",
                "Form och deltagare",
                "Syfte och förmåner",
                "Dokumenterad",
            ),
        )
        for contact in detail.contacts:
            _row(
                table,
                (
                    contact.contacted_on.isoformat(),
                    contact.organisation,
                    f"{contact.form}: {contact.participants}",
                    contact.purpose
                    + (f" Förmåner: {contact.benefits}" if contact.benefits else ""),
                    contact.documented_in,
                ),
            )
    else:
        _paragraph(document, "Inga kontakter registrerade.")

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
