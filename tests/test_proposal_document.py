"""The Word proposal as a ministry reads it (issue 26 point 5), checked on its printed pages:
Word file → LibreOffice → PDF → the words and their boxes (tests/pdfcheck.py) and page images.

The proposal's own title is the document's title (the largest text, first on page 1), the
chosen a/b classification is marked in words, and text after a table keeps its distance.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy.orm as so

from capabilities.models import User
from capabilities.queries.procurement import proposal_detail
from capabilities.reports.proposal_docx import proposal_document
from capabilities.services.procurement import create_proposal
from tests import pdfcheck
from tests.conftest import once
from tests.test_procurement import complete_input
from tests.test_reports import _require_office

DESCRIPTION = "Förslaget gäller volymetriska infusionspumpar till regionernas akutsjukvård."


def _render(data: bytes, folder: Path) -> Path:
    source = folder / "forslag.docx"
    source.write_bytes(data)
    return pdfcheck.office_to_pdf(_require_office(), source)


def _line(words: list[pdfcheck.Word], first: str) -> list[pdfcheck.Word]:
    """The words on the line that starts with `first`."""
    start = next(w for w in words if w.text == first)
    return [w for w in words if abs(w.y0 - start.y0) < 2 and w.x0 >= start.x0]


@once
@pytest.mark.office
def test_the_proposal_reads_as_a_document(
    session: so.Session, make_user: Callable[..., User], tmp_path: Path
) -> None:
    member = make_user("medlem")
    proposal = create_proposal(session, member, complete_input(session, description=DESCRIPTION))
    detail = proposal_detail(session, proposal.id, can_see_confidential=False)
    pdf = _render(proposal_document(detail, produced_on="2026-12-06"), tmp_path)
    pages = pdfcheck.pages(pdf)
    assert pdfcheck.not_a4(pages) == [] and pdfcheck.overlaps(pages) == []
    first = pages[0].words
    # the title: the proposal's own, first on the page and larger than any body text
    assert [w.text for w in first[:5]] == [
        "Nationell",
        "upphandling",
        "av",
        "infusionspumpar",
        "Förslag",
    ]
    title_height = first[0].y1 - first[0].y0
    body = next(w for w in first if w.text == "Förslagsställande")
    assert title_height > 1.5 * (body.y1 - body.y0)
    # the chosen classification is marked in words
    words = [w for p in pages for w in p.words]
    texts = [w.text for w in words]
    chosen = texts.index("Vald:")
    assert texts[chosen + 1] == "a)" and "Ej" in texts and texts[texts.index("Ej") + 1] == "vald:"
    assert texts[texts.index("vald:") + 1] == "b)"
    # the description does not butt against the facts table above it
    table_bottom = max(w.y1 for w in _line(first, "Utskrivet"))
    description_top = next(w for w in first if w.text == "Förslaget" and w.y0 > table_bottom).y0
    assert description_top - table_bottom >= 14, (table_bottom, description_top)
    pngs = pdfcheck.render_pngs(pdf, tmp_path / "page", resolution=50)
    assert len(pngs) == len(pages)
    screenshots = Path(__file__).resolve().parents[1] / "screenshots"
    screenshots.mkdir(exist_ok=True)
    for png in pngs:
        (screenshots / f"proposal-docx-{png.name}").write_bytes(png.read_bytes())
