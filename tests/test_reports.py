"""The Excel and CSV reports, read back with openpyxl and pandas: content, not just files."""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import Area, Assignment, Capability, User
from capabilities.reports.csv_export import write_register_csv
from capabilities.reports.data import build_report
from capabilities.reports.meta import SENDER, TITLE
from capabilities.reports.xlsx import CONFIDENTIAL_BANNER, PAGE_WIDTH, write_workbook
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from tests import pdfcheck
from tests.conftest import find_capability, once

SHEETS = [
    "Översikt",
    "Register",
    "Register, kopplingar",
    "Statushistorik",
    "Åtgärder",
    "Regeringsuppdrag",
    "Aktörer",
    "Täckningsluckor",
    "Upphandlingsförslag",
    "Industrikontakter",
    "Uppdatering",
]
HIDDEN_SHEETS = ["Nivåer"]  # the Uppdatering sheet's level choices


def _xlsx(session: so.Session, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    write_workbook(build_report(session, exported_by="Test Testsson", **kwargs), buffer)  # type: ignore[arg-type]
    return buffer.getvalue()


def _register_frame(data: bytes) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(data), sheet_name="Register", header=1, dtype=str)


def test_workbook_sheets_and_formatting(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    services.record_assessment(
        session,
        member,
        find_capability(session, "3.2.10"),
        AssessmentInput(
            level=4, target_level=5, summary="Påvisad i övning", assessed_on="2026-03-01"
        ),
    )
    wb = load_workbook(io.BytesIO(_xlsx(session)))
    assert wb.sheetnames == SHEETS + HIDDEN_SHEETS
    assert (
        wb.properties.title.startswith("Förmågeregistret")
        and wb.properties.creator == "Test Testsson"
    )
    register = wb["Register"]
    assert register.freeze_panes == "A3"
    assert register.auto_filter.ref == "A2:G64"
    assert register.print_title_rows == "$1:$2"
    assert [c.value for c in register[2]] == [
        "Nummer",
        "Delförmåga",
        "Nivå",
        "Målnivå",
        "Statusbeskrivning",
        "Bedömd",
        "Trend",
    ]
    assert all(cell.font.bold for cell in register[2])
    assert register.column_dimensions["B"].width >= 30
    rows = {row[0].value: row for row in register.iter_rows(min_row=3)}
    assert list(rows)[:3] == ["1.1.1", "1.1.2", "1.1.3"] and len(rows) == 62
    level = rows["3.2.10"][2]
    assert level.value == "4 Påvisad förmåga"
    assert level.fill.fgColor.rgb.upper().endswith("B7E0A0")
    assert rows["3.2.10"][3].value == "5 Hållbar förmåga"
    assessed = rows["3.2.10"][5]
    assert assessed.is_date and assessed.value.date() == date(2026, 3, 1)
    assert assessed.number_format == "yyyy-mm-dd"
    assert rows["1.1.1"][2].value == "Ej bedömd"
    assert rows["1.1.1"][1].alignment.wrap_text
    links = {row[0].value: row for row in wb["Register, kopplingar"].iter_rows(min_row=3)}
    assert list(links) == list(rows)
    assert "S2022/01940 Uppdrag att identifiera" in links["1.1.1"][3].value
    assert "(delvis)" in links["1.1.1"][3].value
    assert links["1.1.4"][3].value == "Ett flertal uppdrag finns (redovisas ej här)"
    overview = wb["Översikt"]
    assert len(overview._charts) == 1
    texts = [c.value for row in overview.iter_rows() for c in row if c.value is not None]
    assert texts[:2] == [TITLE, SENDER]
    assert "Exporterad av" in texts and "Test Testsson" in texts and "ingår inte" in texts
    assert "Diarienummer" in texts
    produced = texts[texts.index("Framtagen") + 1]
    assert produced.endswith("(Europe/Stockholm)") and produced[17:20] in ("CET", "CES")
    assert CONFIDENTIAL_BANNER not in " ".join(map(str, texts))


def test_every_sheet_prints_on_a4_landscape_with_explicit_fonts(session: so.Session) -> None:
    """The print setup a reader relies on, before LibreOffice renders it (below)."""
    wb = load_workbook(io.BytesIO(_xlsx(session)))
    assert wb.sheetnames == SHEETS + HIDDEN_SHEETS
    for ws in wb:
        if ws.title in HIDDEN_SHEETS:
            assert ws.sheet_state == "hidden"
            continue
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        visible = sum(d.width for d in ws.column_dimensions.values() if not d.hidden)
        assert visible <= PAGE_WIDTH, ws.title  # fits at 100 %: nothing shrunk
        header_row = 2 if ws.title != "Översikt" else None
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.font.name == "Arial" and cell.font.sz >= 10, (ws.title, cell.coordinate)
        if header_row is None:
            continue
        headers = ws[header_row]
        assert all(isinstance(c.value, str) and c.value for c in headers), ws.title
        # Numbers sit under headers aligned the same way.
        for column, header in enumerate(headers):
            for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row):
                cell = row[column]
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    assert cell.alignment.horizontal == "right", (ws.title, cell.coordinate)
                    assert header.alignment.horizontal == "right", (ws.title, header.value)
        # The header row is tall enough for its wrapped labels.
        assert ws.row_dimensions[header_row].height >= 16, ws.title


def test_counts_per_level_on_overview(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user()
    for number, level in (("1.1.1", 1), ("1.1.2", 1), ("2.2.1", 5)):
        services.record_assessment(
            session,
            member,
            find_capability(session, number),
            AssessmentInput(level=level, summary="x"),
        )
    frame = pd.read_excel(io.BytesIO(_xlsx(session)), sheet_name="Översikt", header=None)
    header = frame[frame[0] == "Område"].iloc[0]
    assert list(header[1:9]) == [
        "Ej bedömd",
        "1 Ingen förmåga",
        "2 Begränsad förmåga",
        "3 Utvecklad förmåga",
        "4 Påvisad förmåga",
        "5 Hållbar förmåga",
        "Sekretess",
        "Totalt",
    ]
    area = frame[frame[0].astype(str).str.startswith("1.1 Robust")].iloc[0]
    assert list(area[1:8]) == [3, 2, 0, 0, 0, 0, 0] and area[8] == 5
    group = frame[frame[0].astype(str).str.startswith("2. ")].iloc[0]
    assert group[1] == 10 and group[6] == 1 and group[8] == 11
    chart_rows = frame[frame[0] == "Huvudgrupp 2"]
    assert len(chart_rows) == 1 and chart_rows.iloc[0][1] == 10


def test_register_read_back_with_pandas(session: so.Session) -> None:
    frame = _register_frame(_xlsx(session))
    assert len(frame) == 62
    assert list(frame["Nummer"])[-3:] == ["3.3.7", "3.3.8", "3.3.9"]
    text = frame.set_index("Nummer").loc["2.1.1", "Delförmåga"]
    assert "\n• tillgängliga produkter i distributionskedjan" in text


def test_confidential_content_only_when_asked(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user(can_see_confidential=True)
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.1.1"),
        AssessmentInput(
            level=1,
            summary="HEMLIG-XLSX-17",
            justification="MOTIV-XLSX-17",
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    services.create_measure(
        session,
        member,
        MeasureInput(
            title="HEMLIG-ÅTGÄRD-17",
            capability_ids=[find_capability(session, "1.1.1").id],
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    hidden = _xlsx(session)
    for sheet in SHEETS:
        frame = pd.read_excel(io.BytesIO(hidden), sheet_name=sheet, header=None, dtype=str)
        blob = frame.to_csv()
        assert "HEMLIG" not in blob and "MOTIV-XLSX-17" not in blob, sheet
    shown = load_workbook(io.BytesIO(_xlsx(session, include_confidential=True)))
    for sheet in SHEETS:
        assert CONFIDENTIAL_BANNER in shown[sheet]["A1"].value, sheet
    blob = " ".join(str(c.value) for ws in shown for row in ws.iter_rows() for c in row)
    assert "HEMLIG-XLSX-17" in blob and "HEMLIG-ÅTGÄRD-17" in blob


def test_as_of_before_and_after_an_edit_differs_exactly_by_it(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    edit = services.record_assessment(
        session,
        member,
        find_capability(session, "2.1.4"),
        AssessmentInput(level=3, summary="Ny bedömning", assessed_on="2026-01-10"),
    )
    later = datetime.now(UTC) + timedelta(days=30)
    edit.created_at = later  # recorded on a known day after the seed
    session.flush()
    before = _register_frame(_xlsx(session, as_of=later.date() - timedelta(days=1)))
    after = _register_frame(_xlsx(session, as_of=later.date()))
    diff = (before.fillna("") != after.fillna("")).any(axis=1)
    assert list(after.loc[diff, "Nummer"]) == ["2.1.4"]
    changed = after.loc[diff].iloc[0]
    assert (
        changed["Nivå"] == "3 Utvecklad förmåga" and changed["Statusbeskrivning"] == "Ny bedömning"
    )
    assert before.loc[diff].iloc[0]["Nivå"] == "Ej bedömd"


def test_as_of_excludes_links_made_later_and_retired_capabilities(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    services.retire_capability(
        session, admin, find_capability(session, "3.3.9"), retired_on="2026-01-01"
    )
    numbers_then = [
        r.row.number for r in build_report(session, as_of=date(2025, 12, 31)).capabilities
    ]
    numbers_now = [r.row.number for r in build_report(session).capabilities]
    assert "3.3.9" in numbers_then and "3.3.9" not in numbers_now
    # Bilaga 3's links count from the report's date (2023-11-20, data/sources.yaml)
    before = build_report(session, as_of=date(2023, 11, 19))
    assert all(not r.row.assignments for r in before.capabilities)
    member = make_user("medlem")
    services.link_assignment(
        session,
        member,
        find_capability(session, "1.2.2"),
        session.scalars(sa.select(Assignment)).first(),
    )
    yesterday = build_report(session, as_of=date.today() - timedelta(days=1))
    linked = {r.row.number for r in yesterday.capabilities if r.row.assignments}
    assert len(linked) == 34 and "1.2.2" not in linked  # the link made today is not there yet


@pytest.mark.parametrize("payload", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=HYPERLINK(1)", "\r=1"])
def test_no_formula_injection(
    session: so.Session, make_user: Callable[..., User], payload: str
) -> None:
    member = make_user()
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.1.1"),
        AssessmentInput(level=2, summary=payload + " rest"),
    )
    wb = load_workbook(io.BytesIO(_xlsx(session)))
    cell = next(row[4] for row in wb["Register"].iter_rows(min_row=3) if row[0].value == "1.1.1")
    assert cell.data_type == "s" and cell.value == (payload + " rest").strip()
    assert cell.quotePrefix  # shown as text, never re-read as a formula when edited
    text = io.StringIO(newline="")
    write_register_csv(build_report(session), text)
    line = next(line for line in text.getvalue().splitlines() if ";1.1.1;" in line)
    fields = line.split(";")
    assert any(f.lstrip('"').startswith("'" + payload.strip()[:1]) for f in fields)
    assert not any(f.lstrip('"').startswith(("=", "+", "@")) for f in fields)


def test_csv_is_utf8_bom_semicolon(session: so.Session) -> None:
    text = io.StringIO(newline="")
    write_register_csv(build_report(session), text)
    raw = text.getvalue().encode("utf-8")
    assert raw.startswith("\ufeff".encode())
    frame = pd.read_csv(io.BytesIO(raw), sep=";", encoding="utf-8-sig", dtype=str)
    assert len(frame) == 62 and frame.columns[0] == "Huvudgrupp"
    assert (
        frame.loc[frame["Nummer"] == "1.1.4", "Regeringsuppdrag"].iloc[0].startswith("Ett flertal")
    )


def _require_office() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or pdfcheck.tools_missing():
        if os.environ.get("REQUIRE_OFFICE", "") not in ("", "0"):
            pytest.fail("libreoffice-calc and poppler-utils are required (REQUIRE_OFFICE=1)")
        pytest.skip("LibreOffice or poppler-utils not installed")
    assert soffice is not None
    return soffice


def assert_readable_print(pdf: Path, session: so.Session) -> list[pdfcheck.Page]:
    """What a reader needs from a printed report, checked on the PDF (shared with the PDF
    report's test): A4 pages, no text on text, no cells run together, every font embedded,
    nothing under 8 pt, and the 62 capabilities and 9 areas in reading order."""
    pages = pdfcheck.pages(pdf)
    assert pages
    assert pdfcheck.not_a4(pages) == []
    assert pdfcheck.overlaps(pages) == []
    assert pdfcheck.run_together(pages) == []
    assert pdfcheck.not_embedded(pdf) == []
    size, where = pdfcheck.smallest_font(pdf)
    assert size >= 7.95, where  # 8 pt, less the rounding of the text matrix
    stream = pdfcheck.text_stream(pages)
    numbers = list(session.scalars(sa.select(Capability.number).order_by(Capability.sort_key)))
    assert len(numbers) == 62
    assert pdfcheck.in_reading_order(stream, numbers) == []
    areas = list(session.scalars(sa.select(Area.title).order_by(Area.sort_key)))
    assert len(areas) == 9
    assert pdfcheck.in_reading_order(stream, areas) == []
    return pages


def _assess_some(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user(can_see_confidential=True)
    for number, level, target in (("1.1.1", 2, 4), ("2.1.1", 3, 4), ("3.2.10", 5, 5)):
        services.record_assessment(
            session,
            member,
            find_capability(session, number),
            AssessmentInput(
                level=level,
                target_level=target,
                summary="Bedömd vid övningen i oktober; lager för 30 dagar finns hos regionerna.",
                justification="Underlag från regionernas rapportering",
                assessed_on="2026-10-15",
            ),
        )
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.2.2"),
        AssessmentInput(
            level=1,
            summary="Sekretessmarkerad bedömning",
            confidential=True,
            secrecy_ref="OSL 18:13",
            assessed_on="2026-10-15",
        ),
    )


@once  # how the workbook prints does not depend on the database
@pytest.mark.office
def test_workbook_prints_readably_in_libreoffice(
    session: so.Session, make_user: Callable[..., User], tmp_path: Path
) -> None:
    """Workbook → LibreOffice → PDF, then read the pages as a reader would."""
    soffice = _require_office()
    _assess_some(session, make_user)
    source = tmp_path / "rapport.xlsx"
    source.write_bytes(_xlsx(session, include_confidential=True))
    pdf = pdfcheck.office_to_pdf(soffice, source)
    pages = assert_readable_print(pdf, session)
    assert pdfcheck.font_names(pdf) <= {"LiberationSans", "LiberationSans-Bold"}
    words = [w.text for w in pages[0].words]
    assert "Socialstyrelsen" in words and "Diarienummer" in words
    # Every page says where it belongs: sheet name and page number in the footer.
    for page in pages:
        text = " ".join(w.text for w in page.words)
        assert re.search(r"sida \d+ av \d+", text), page.number
        assert "SEKRETESSMARKERADE" in text, page.number
    # Titles and headers never break inside a date or a word (issue 26: "2026-12-/06",
    # "Stockho/lm", "Numme/r"): the whole date and the whole header words are on the pages.
    day = date.today().isoformat()
    for sheet in ("Uppdatering", "Statushistorik"):
        mine = [p for p in pages if f"{sheet} – sida" in " ".join(w.text for w in p.words)]
        assert mine, sheet
        for page in mine:
            words = {w.text for w in page.words}
            assert day in words, (sheet, page.number)
            # The history prints only its title and the sentence saying it is for the screen.
            assert ("Nummer" in words) == (sheet == "Uppdatering"), (sheet, page.number)
    update = [p for p in pages if "Uppdatering – sida" in " ".join(w.text for w in p.words)]
    assert {"statusbeskrivning", "Motivering"} <= {w.text for w in update[0].words}
    broken = [w.text for p in pages for w in p.words if w.text.endswith(("Stockho", "målniv"))]
    assert broken == []
    pngs = pdfcheck.render_pngs(pdf, tmp_path / "page", resolution=40)
    assert len(pngs) == len(pages)


def test_coverage_gap_sheet(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user()
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.2.2"),
        AssessmentInput(level=2, target_level=4, summary="Svag"),
    )
    frame = pd.read_excel(
        io.BytesIO(_xlsx(session)), sheet_name="Täckningsluckor", header=1, dtype=str
    )
    rows = frame[frame["Nummer"].str.match(r"^\d+\.\d+\.\d+$", na=False)].set_index("Nummer")
    assert len(rows) == 62
    assert rows.loc["1.2.2", "Under målnivå"] == "Ja" and rows.loc["1.2.2", "Gap"] == "2"
    assert rows.loc["1.2.2", "Låg nivå utan åtgärd"] == "Ja"
    assert (rows.drop(index="1.2.2")["Ej bedömd"] == "Ja").all()
    no_link = set(rows.index[rows["Inget kopplat uppdrag"] == "Ja"])
    assert len(no_link) == 26 and "1.1.4" not in no_link and "1.2.2" in no_link
