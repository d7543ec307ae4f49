"""A closed round's report as PDF or xlsx: rendered once, stored, served at once thereafter.

The PDF takes seconds to render; the data it is made from takes a fraction of that to load.
So every download loads the data as the viewer may see it (the one redaction rule, through
`round_report`) and takes its SHA-256 — the fingerprint. A stored document with the round,
format and fingerprint is served as it is; otherwise the document is rendered and stored.
A stored document therefore never shows what the viewer may not see, nor anything out of
date: a changed secrecy marking or a withdrawn record is another fingerprint. The document's
date is the round's closing time and it names no exporter, so the same content is the same
document for everyone.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.exc
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.models import RoundDocument
from capabilities.queries.rounds import get_round
from capabilities.reports.pdf import CONFIDENTIAL_STYLESHEETS, STYLESHEETS, render_html
from capabilities.reports.round_report import round_report

FORMATS = ("pdf", "xlsx")
MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class PreparedDocument:
    """A round document about to be served: stored already, or ready to render."""

    round_id: int
    format: str
    filename: str
    snapshot_sha256: str
    fingerprint: str
    stored: bytes | None
    render: Callable[[], bytes]


def _slug(name: str) -> str:
    """An ASCII file name part from a round name ("Lägesbild 2026" → "lagesbild-2026")."""
    table = str.maketrans("åäöÅÄÖéÉ", "aaoAAOeE")
    text = "".join(c if c.isascii() and c.isalnum() else "-" for c in name.translate(table))
    return "-".join(part for part in text.lower().split("-") if part) or "omgang"


def prepare_round_document(
    session: so.Session, round_id: int, fmt: str, *, include_confidential: bool
) -> PreparedDocument:
    """Load the closed round's report data and look for the stored document (two queries
    beyond the report's own). DomainError when the round is not closed."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    round_ = get_round(session, round_id)
    data, info, snap = round_report(session, round_id, include_confidential=include_confidential)
    assert round_.closed_at is not None
    data.generated_at = round_.closed_at  # the same content is the same document
    html = render_html(data, info)
    digest = hashlib.sha256(fmt.encode())
    digest.update(html.encode("utf-8"))
    # The workbook has sheets the PDF summarises; their rows are plain dataclasses.
    for part in (data.history, data.measures, data.assignments, data.actors):
        digest.update(repr(part).encode("utf-8"))
    digest.update(repr(data.proposals).encode("utf-8"))
    digest.update(repr(data.industry_contacts).encode("utf-8"))
    fingerprint = digest.hexdigest()
    stored = session.scalar(
        sa.select(RoundDocument.content).where(
            RoundDocument.round_id == round_id,
            RoundDocument.format == fmt,
            RoundDocument.fingerprint == fingerprint,
        )
    )

    def render() -> bytes:
        binary = io.BytesIO()
        if fmt == "pdf":
            from capabilities.reports.weasy import html_to_pdf  # heavy: only for a PDF

            sheets = CONFIDENTIAL_STYLESHEETS if include_confidential else STYLESHEETS
            html_to_pdf(html, binary, sheets)
        else:
            from capabilities.reports.xlsx import write_workbook

            write_workbook(data, binary)
        return binary.getvalue()

    suffix = "-SEKRETESS" if include_confidential else ""
    return PreparedDocument(
        round_id=round_id,
        format=fmt,
        filename=f"{_slug(round_.name)}{suffix}.{fmt}",
        snapshot_sha256=snap.sha256,
        fingerprint=fingerprint,
        stored=stored,
        render=render,
    )


def store_round_document(session: so.Session, prepared: PreparedDocument, content: bytes) -> None:
    """Keep a rendered document. Another request that stored the same one first wins (the
    content is the same); the caller commits."""
    try:
        with session.begin_nested():
            session.add(
                RoundDocument(
                    round_id=prepared.round_id,
                    snapshot_sha256=prepared.snapshot_sha256,
                    format=prepared.format,
                    fingerprint=prepared.fingerprint,
                    content=content,
                    created_at=utcnow(),
                )
            )
    except sqlalchemy.exc.IntegrityError:
        pass
