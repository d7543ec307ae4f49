"""The Excel and CSV reports, read back with openpyxl and pandas: content, not just files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import Assignment, Capability, User
from capabilities.reports.csv_export import write_register_csv
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import CONFIDENTIAL_BANNER, write_workbook

SHEETS = [
    "Översikt",
    "Register",
    "Statushistorik",
    "Åtgärder",
    "Regeringsuppdrag",
    "Aktörer",
    "Täckningsluckor",
    "Uppdatering",
]


def _cap(session: so.Session, number: str) -> Capability:
    return session.scalars(sa.select(Capability).where(Capability.number == number)).one()


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
        _cap(session, "3.2.10"),
        level=4,
        target_level=5,
        summary="Påvisad i övning",
        assessed_on="2026-03-01",
    )
    wb = load_workbook(io.BytesIO(_xlsx(session)))
    assert wb.sheetnames == SHEETS
    assert (
        wb.properties.title.startswith("Förmågeregistret")
        and wb.properties.creator == "Test Testsson"
    )
    register = wb["Register"]
    assert register.freeze_panes == "A3"
    assert register.auto_filter.ref == "A2:N64"
    assert register.print_title_rows == "$1:$2"
    assert register.page_setup.orientation == "landscape"
    assert register.sheet_properties.pageSetUpPr.fitToPage is True
    assert all(cell.font.bold for cell in register[2])
    assert register.column_dimensions["D"].width >= 40
    rows = {row[2].value: row for row in register.iter_rows(min_row=3)}
    assert list(rows)[:3] == ["1.1.1", "1.1.2", "1.1.3"] and len(rows) == 62
    level = rows["3.2.10"][4]
    assert level.value == "4 Påvisad förmåga"
    assert level.fill.fgColor.rgb.upper().endswith("B7E0A0")
    assessed = rows["3.2.10"][8]
    assert assessed.is_date and assessed.value.date() == date(2026, 3, 1)
    assert assessed.number_format == "yyyy-mm-dd"
    assert rows["1.1.1"][4].value == "Ej bedömd"
    assert "S2022/01940 Uppdrag att identifiera" in rows["1.1.1"][11].value
    assert "(delvis)" in rows["1.1.1"][11].value
    assert rows["1.1.4"][11].value == "Ett flertal uppdrag finns (redovisas ej här)"
    assert rows["1.1.1"][3].alignment.wrap_text
    overview = wb["Översikt"]
    assert len(overview._charts) == 1
    texts = [c.value for row in overview.iter_rows() for c in row if c.value is not None]
    assert "Exporterad av" in texts and "Test Testsson" in texts and "ingår inte" in texts
    assert CONFIDENTIAL_BANNER not in " ".join(map(str, texts))


def test_counts_per_level_on_overview(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user()
    for number, level in (("1.1.1", 1), ("1.1.2", 1), ("2.2.1", 5)):
        services.record_assessment(session, member, _cap(session, number), level=level, summary="x")
    frame = pd.read_excel(io.BytesIO(_xlsx(session)), sheet_name="Översikt", header=None)
    area = frame[frame[0].astype(str).str.startswith("1.1 Robust")].iloc[0]
    assert list(area[1:8]) == [3, 2, 0, 0, 0, 0, 0] and area[8] == 5
    group = frame[frame[0] == "Huvudgrupp 2"].iloc[0]
    assert group[1] == 10 and group[6] == 1 and group[8] == 11


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
        _cap(session, "1.1.1"),
        level=1,
        summary="HEMLIG-XLSX-17",
        justification="MOTIV-XLSX-17",
        confidential=True,
        secrecy_ref="OSL 18:13",
    )
    services.create_measure(
        session,
        member,
        title="HEMLIG-ÅTGÄRD-17",
        capability_ids=[_cap(session, "1.1.1").id],
        confidential=True,
        secrecy_ref="OSL 18:13",
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
        _cap(session, "2.1.4"),
        level=3,
        summary="Ny bedömning",
        assessed_on="2026-01-10",
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
    services.retire_capability(session, admin, _cap(session, "3.3.9"), retired_on="2026-01-01")
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
        session, member, _cap(session, "1.2.2"), session.scalars(sa.select(Assignment)).first()
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
        session, member, _cap(session, "1.1.1"), level=2, summary=payload + " rest"
    )
    wb = load_workbook(io.BytesIO(_xlsx(session)))
    cell = next(row[6] for row in wb["Register"].iter_rows(min_row=3) if row[2].value == "1.1.1")
    assert cell.data_type == "s" and cell.value == (payload + " rest").strip()
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


def test_workbook_renders_in_libreoffice(session: so.Session, tmp_path: Path) -> None:
    """Convert to PDF headless and render the first page: the file opens and prints."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        if os.environ.get("REQUIRE_OFFICE", "") not in ("", "0"):
            pytest.fail("libreoffice-calc and poppler-utils are required (REQUIRE_OFFICE=1)")
        pytest.skip("LibreOffice or pdftoppm not installed")
    source = tmp_path / "rapport.xlsx"
    source.write_bytes(_xlsx(session))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "rapport.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = list(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 5_000


def test_coverage_gap_sheet(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user()
    services.record_assessment(
        session, member, _cap(session, "1.2.2"), level=2, target_level=4, summary="Svag"
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
