"""The PDF report, read back as a reader would: pages, text boxes, fonts, content, secrecy."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy.orm as so
from click.testing import CliRunner

from capabilities.models import User
from capabilities.reports.data import build_report
from capabilities.reports.meta import CONFIDENTIAL_BANNER, SENDER, TITLE
from capabilities.reports.pdf import render_html, write_pdf
from tests import pdfcheck
from tests.conftest import once
from tests.test_reports import _assess_some, assert_readable_print
from web.cli import main


def _require_poppler() -> None:
    if pdfcheck.tools_missing():
        pytest.fail("poppler-utils (pdftotext, pdffonts, pdftoppm) are required")


def _pdf(session: so.Session, tmp_path: Path, **kwargs: object) -> Path:
    path = tmp_path / "rapport.pdf"
    with path.open("wb") as handle:
        write_pdf(build_report(session, exported_by="Test Testsson", **kwargs), handle)  # type: ignore[arg-type]
    return path


@once  # how the document reads on paper does not depend on the database
@pytest.mark.office
def test_pdf_report_reads_as_a_letter_attachment(
    session: so.Session, make_user: Callable[..., User], tmp_path: Path
) -> None:
    _require_poppler()
    _assess_some(session, make_user)
    pdf = _pdf(session, tmp_path, include_confidential=True)
    pages = assert_readable_print(pdf, session)
    assert all(p.width < p.height for p in pages)  # A4 portrait
    assert pdfcheck.font_names(pdf) <= {"Liberation-Sans", "Liberation-Sans-Bold"}
    texts = [" ".join(w.text for w in p.words) for p in pages]
    cover = texts[0]
    for expected in (SENDER, TITLE, "Diarienummer", "Framtagen", "(Europe/Stockholm)"):
        assert expected in cover, expected
    assert CONFIDENTIAL_BANNER in cover
    for number, text in enumerate(texts, start=1):
        assert f"Sida {number} av {len(pages)}" in text
        assert "SEKRETESSMARKERADE UPPGIFTER" in text, number  # running header on every page
    # Table of contents: each entry's page number is the page its chapter starts on.
    toc = texts[1]
    for heading in ("Sammanfattning", "Täckningsluckor", "Bilaga: hela registret"):
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)(?!\S)", toc)
        assert match, heading
        start = int(match.group(1))
        assert texts[start - 1].split(" ", 20)[-1] and heading in texts[start - 1], heading
    summary = next(t for t in texts if t.count("Sammanfattning") and "e-SPAR" in t)
    assert "Antal delförmågor per nivå" in summary
    blob = " ".join(texts)
    assert "Sekretessmarkerad bedömning" in blob  # cleared report shows confidential content
    assert "3.2.10" in blob and "5 Hållbar förmåga" in blob
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"Tagged:\s+yes", info.stdout)
    outline = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, check=True
    )
    assert outline.returncode == 0
    pngs = pdfcheck.render_pngs(pdf, tmp_path / "page", resolution=30)
    assert len(pngs) == len(pages)


def test_pdf_without_clearance_hides_confidential_content(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    _assess_some(session, make_user)
    html = render_html(build_report(session))
    assert "Sekretessmarkerad bedömning" not in html
    assert "Sekretessmarkerad uppgift" in html
    assert CONFIDENTIAL_BANNER not in html
    assert "Sekretessmarkerade uppgifter ingår inte" in html


def test_cli_report_pdf_and_confidential_needs_cleared_user(
    db_kind: str,
    fresh_database_url: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`formaga report` on a fresh database: refusals first, then a real PDF."""
    monkeypatch.setenv("DATABASE_URL", fresh_database_url(db_kind))
    monkeypatch.delenv("FORMAGA_ADMIN_PASSWORD", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    for name, extra in (("lasaren", []), ("utredaren", ["--confidential"])):
        made = runner.invoke(main, ["users", "create", name, "--role", "läsare", *extra])
        assert made.exit_code == 0, made.output
    out = tmp_path / "r.pdf"
    refused = runner.invoke(
        main, ["report", "-o", str(out), "--include-confidential", "--user", "lasaren"]
    )
    assert refused.exit_code != 0 and "behörighet" in refused.output and not out.exists()
    anonymous = runner.invoke(main, ["report", "-o", str(out), "--include-confidential"])
    assert anonymous.exit_code != 0 and not out.exists()
    both = runner.invoke(main, ["report", "-o", str(out), "--as-of", "2026-01-01", "--round", "1"])
    assert both.exit_code != 0 and "inte båda" in both.output
    open_round = runner.invoke(main, ["report", "-o", str(out), "--round", "999"])
    assert open_round.exit_code != 0 and "999" in open_round.output and not out.exists()
    made = runner.invoke(
        main, ["report", "-o", str(out), "--include-confidential", "--user", "utredaren"]
    )
    assert made.exit_code == 0, made.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert "62 delförmågor" in made.output


def test_web_pdf_download(client: object, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    response = client.get("/reports/export?format=pdf&as_of=2026-01-01")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="formagaregistret-2026-01-01.pdf"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF-")
    assert io.BytesIO(response.data).getbuffer().nbytes > 20_000
