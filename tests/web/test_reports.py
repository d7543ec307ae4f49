"""The Rapporter page: downloads for every reader, confidential only with clearance,
and the upload → preview → confirm import for members."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import StatusAssessment, User
from capabilities.services.assessments import AssessmentInput
from tests.conftest import csrf_token, find_capability, post


def test_reader_downloads_xlsx_and_csv(client: Any, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    page = client.get("/reports/")
    assert page.status_code == 200 and "Ladda ner" in page.get_data(as_text=True)
    assert "Ladda upp uppdateringar" not in page.get_data(as_text=True)
    xlsx = client.get("/reports/export?format=xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(xlsx.data))
    assert "Register" in wb.sheetnames and wb["Register"].max_row == 64
    csv = client.get("/reports/export?format=csv&as_of=2026-01-01")
    frame = pd.read_csv(io.BytesIO(csv.data), sep=";", encoding="utf-8-sig", dtype=str)
    assert len(frame) == 62
    bad = client.get("/reports/export?format=xlsx&as_of=igår")
    assert bad.status_code == 422


def test_confidential_export_needs_clearance(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    author = make_user(can_see_confidential=True)
    services.record_assessment(
        session,
        author,
        find_capability(session, "1.1.1"),
        AssessmentInput(
            level=1, summary="HEMLIG-RAPPORT-9", confidential=True, secrecy_ref="OSL 18:13"
        ),
    )
    session.commit()
    as_role("läsare")
    assert client.get("/reports/export?format=xlsx&include_confidential=y").status_code == 403
    plain = client.get("/reports/export?format=csv").data.decode("utf-8")
    assert "HEMLIG-RAPPORT-9" not in plain and "Sekretessmarkerad uppgift" in plain


def test_cleared_user_gets_confidential_content_when_asked(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    author = make_user(can_see_confidential=True)
    services.record_assessment(
        session,
        author,
        find_capability(session, "1.1.1"),
        AssessmentInput(
            level=1, summary="HEMLIG-RAPPORT-9", confidential=True, secrecy_ref="OSL 18:13"
        ),
    )
    session.commit()
    as_role("läsare", can_see_confidential=True)
    assert "HEMLIG-RAPPORT-9" not in client.get("/reports/export?format=csv").data.decode()
    response = client.get("/reports/export?format=csv&include_confidential=y")
    assert "HEMLIG-RAPPORT-9" in response.data.decode()
    assert "SEKRETESS" in response.headers["Content-Disposition"]


def test_member_uploads_previews_and_confirms(
    client: Any, session: so.Session, as_role: Callable[..., User], tmp_path: Any, app: Any
) -> None:
    app.config["IMPORT_DIR"] = str(tmp_path)
    member = as_role("medlem")
    wb = load_workbook(io.BytesIO(client.get("/reports/export?format=xlsx").data))
    sheet = wb["Uppdatering"]
    for row in range(3, 13):  # ten statuses
        sheet.cell(row, 7).value = 3
        sheet.cell(row, 8).value = f"Uppdaterad rad {row}"
    buffer = io.BytesIO()
    wb.save(buffer)
    preview = post(
        client,
        "/reports/import",
        {"file": (io.BytesIO(buffer.getvalue()), "u.xlsx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Förhandsgranskning" in html
    assert html.count("Uppdaterad rad") == 10
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 0
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    done = post(client, "/reports/import/confirm", {"token": token})
    assert done.status_code == 302
    rows = session.scalars(sa.select(StatusAssessment)).all()
    assert len(rows) == 10 and {r.created_by_id for r in rows} == {member.id}
    # the stored upload is gone: confirming twice does nothing
    again = post(client, "/reports/import/confirm", {"token": token})
    assert again.status_code == 302
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 10


def test_bad_upload_shows_swedish_problems(
    client: Any, as_role: Callable[..., User], tmp_path: Any, app: Any
) -> None:
    app.config["IMPORT_DIR"] = str(tmp_path)
    as_role("medlem")
    response = post(
        client,
        "/reports/import",
        {"file": (io.BytesIO(b"hello"), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "inte en Excel-arbetsbok" in html and "Inget har sparats" in html


def test_reader_cannot_import_and_csrf_is_required(
    client: Any, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    assert client.get("/reports/import").status_code == 403
    assert post(client, "/reports/import/confirm", {"token": "x"}).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/reports/")})


def test_member_without_csrf_token_is_refused(client: Any, as_role: Callable[..., User]) -> None:
    as_role("medlem")
    response = client.post(
        "/reports/import",
        data={"file": (io.BytesIO(b"x"), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
