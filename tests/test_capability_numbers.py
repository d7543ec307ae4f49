"""Confusable capability numbers (issue 23, still open from before): `1.3.٦` (an Arabic-Indic
six) and `1.3.06` look like, or sort like, 1.3.6 but are other strings. None of them may be
created, nor resolve to another capability than the ASCII canonical one, in the web pages, the
API or the import.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.errors import ValidationFailed
from capabilities.models import Area, Capability, User
from capabilities.numbers import canonical_capability_number
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from importers.status_workbook import ImportRejected, plan_import

CONFUSABLE = ["1.1.٦", "1.1.06", "1.1.６", "01.1.6", "1.1.6 ", "1.1.6\u200b", "1.1.𝟔"]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("1.1.6", "1.1.6"), ("3.2.10", "3.2.10"), *((c, None) for c in CONFUSABLE if c.strip() == c)],
)
def test_only_ascii_numbers_without_leading_zeros_are_canonical(
    text: str, canonical: str | None
) -> None:
    assert canonical_capability_number(text) == canonical


@pytest.mark.parametrize("number", ["1.1.٦", "1.1.06", "1.1.６", "1.1.𝟔"])
def test_a_confusable_number_is_never_created(
    session: so.Session, make_user: Callable[..., User], number: str
) -> None:
    area = session.scalars(sa.select(Area).where(Area.number == "1.1")).one()
    with pytest.raises(ValidationFailed) as refused:
        services.create_capability(
            session, make_user("admin"), area=area, number=number, title="Förväxlingsbar"
        )
    assert "number" in refused.value.errors
    made = services.create_capability(
        session, make_user("admin"), area=area, number="1.1.99", title="Ny delförmåga"
    )
    assert made.number == "1.1.99"


@pytest.mark.parametrize("number", ["1.1.٦", "1.1.01", "1.1.１", "01.1.1"])
def test_a_confusable_number_resolves_to_nothing(
    client: Any, as_role: Any, session: so.Session, number: str
) -> None:
    user = as_role("läsare")
    _token, plain = services.create_token(session, user, name="Nummer")
    session.commit()
    assert client.get("/capabilities/1.1.1").status_code == 200
    assert client.get(f"/capabilities/{number}").status_code == 404
    api = client.get(f"/api/v1/capabilities/{number}", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 404


def test_import_does_not_take_a_confusable_number_for_another(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = wb["Uppdatering"]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == "1.1.1")
    sheet.cell(row, 1).value = "1.1.١"
    sheet.cell(row, 7).value = 3
    sheet.cell(row, 8).value = "Ny bedömning."
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(ImportRejected) as refused:
        plan_import(session, make_user("medlem"), out)
    assert "Okänd delförmåga" in str(refused.value.problems[0])
    assert session.scalar(sa.select(Capability).where(Capability.number == "1.1.١")) is None
