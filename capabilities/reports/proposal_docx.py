"""A procurement proposal as a Word document laid out as seed 000's question list.

The receivers (MTP-rådets inköpsfunktion, NPO/NAG) edit it further, so it is plain Word: the
proposal's own title as the document's title (the kind of document below it), a facts table,
the chosen a/b classification marked in words ("Vald" / "Ej vald", not by a symbol a font may
lack), the questions as numbered headings with the answer below, and tables for decisions and
contacts. Paragraphs have space after them and text after a table keeps its distance, as a
document a ministry reads does (issue 26).

Every text goes in through `_paragraph`, `_heading` and `_row`, which drop the control characters
XML cannot hold (python-docx refuses them: a \\x0b in an answer was a 500, issue 23 F10).
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from capabilities.guidance import CATEGORIES
from capabilities.queries.procurement import ProposalDetail
from capabilities.reports.cells import clean_text, one_line
from capabilities.services.procurement import STAGE_NAMES

UNANSWERED = "Ej besvarad."


AFTER_TABLE = Pt(12)  # space between a table and the text that follows it


def _paragraph(document: DocxDocument, text: str, style: str | None = None) -> Paragraph:
    return document.add_paragraph(clean_text(text), style=style)


def _after_table(document: DocxDocument, text: str) -> None:
    """Body text that follows a table, kept clear of it."""
    _paragraph(document, text).paragraph_format.space_before = AFTER_TABLE


def _classification(document: DocxDocument, chosen: str | None) -> None:
    """Both categories as the guidance lists them, the chosen one marked in words and bold."""
    for code, text in CATEGORIES.items():
        paragraph = document.add_paragraph(style="List Bullet")
        selected = code == chosen
        mark = paragraph.add_run("Vald: " if selected else "Ej vald: ")
        mark.bold = selected
        body = paragraph.add_run(clean_text(f"{code}) {text}"))
        body.bold = selected
        if not selected:
            body.font.color.rgb = mark.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    if chosen is None:
        _paragraph(document, "Ingen kategori vald ännu.")


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
    # A4 with 2.5 cm margins (python-docx's template is US Letter)
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.15
    for level in (1, 2):
        heading = document.styles[f"Heading {level}"].paragraph_format
        heading.space_before, heading.space_after = Pt(18 if level == 1 else 12), Pt(6)
        heading.keep_with_next = True
    properties = document.core_properties
    # Word's core properties hold one line of at most 255 characters (a title may have 300).
    properties.title = one_line(f"Förslag till nationell upphandling: {detail.title}")[:255]
    properties.author = "Förmågeregistret"
    properties.language = "sv-SE"

    _heading(document, detail.title or "Förslag till nationell upphandling", 0)
    _paragraph(
        document, "Förslag till nationell upphandling av medicintekniska produkter", "Subtitle"
    )
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
        for run in facts.rows[-1].cells[0].paragraphs[0].runs:
            run.bold = True
    if detail.description:
        _after_table(document, detail.description)

    _heading(document, "1. Förslaget avser", 1)
    _classification(document, detail.category)

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
        document.add_paragraph().paragraph_format.space_after = Pt(0)
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
