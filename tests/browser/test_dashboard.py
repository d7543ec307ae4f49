"""The dashboard and the gaps page in a real browser: heat map, chart, axe-core checks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from playwright.sync_api import expect

from capabilities.db import make_engine
from capabilities.models import Capability, StatusAssessment, User
from capabilities.services import record_assessment
from capabilities.services.assessments import AssessmentInput
from tests.browser.conftest import log_in, screenshot, serious_violations

pytestmark = pytest.mark.browser

# (number, level, assessed_on, confidential): history in two quarters, one under secrecy
HISTORY = [
    ("1.1.1", 2, date(2025, 5, 12), False),
    ("1.1.1", 4, date(2025, 10, 2), False),
    ("1.1.2", 1, date(2025, 5, 20), False),
    ("1.1.3", 3, date(2025, 8, 14), False),
    ("1.2.1", 5, date(2025, 9, 1), True),
    ("1.2.2", 2, date(2025, 11, 3), False),
    ("2.1.1", 3, date(2026, 1, 15), False),
    ("2.2.1", 4, date(2026, 3, 9), False),
    ("3.1.1", 5, date(2026, 6, 1), False),
]


@pytest.fixture(scope="module")
def history(live_server: dict[str, Any]) -> None:
    """Backdated assessments in the live database, so the chart and colours have data."""
    engine = make_engine(live_server["url"])
    with so.Session(engine) as session:
        author = session.scalars(sa.select(User).where(User.username == "e2e-admin")).one()
        if session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 0:
            for number, level, day, confidential in HISTORY:
                capability = session.scalars(
                    sa.select(Capability).where(Capability.number == number)
                ).one()
                assessment = record_assessment(
                    session,
                    author,
                    capability,
                    AssessmentInput(
                        level=level,
                        target_level=4,
                        summary="Bedömning för webbläsartestet.",
                        assessed_on=day,
                        confidential=confidential,
                        secrecy_ref="OSL 18:13" if confidential else None,
                    ),
                )
                assessment.created_at = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
            session.commit()
    engine.dispose()


def test_dashboard_heat_map_and_chart_are_accessible(page: Any, history: None) -> None:
    log_in(page, "e2e-medlem")
    expect(page.get_by_role("heading", name="Översikt", exact=True)).to_be_visible()
    cells = page.locator(".heatmap a.heat-cell")
    assert cells.count() == 62
    reached = "1.1.1: nivå 4 Påvisad förmåga, målnivå 4: uppnådd"
    expect(page.get_by_role("link", name=reached, exact=True)).to_be_visible()
    below = page.get_by_role("link", name="1.1.2: nivå 1 Ingen förmåga, målnivå 4: 3 steg under")
    assert below.inner_text().split() == ["1.1.2", "1", "→", "4", "−3"]
    secret = page.get_by_role("link", name="1.2.1: Sekretessmarkerad uppgift", exact=True)
    expect(secret).to_be_visible()
    assert secret.inner_text().split() == ["1.2.1", "S"]
    expect(page.locator("svg.chart-svg")).to_be_visible()
    expect(page.get_by_role("img", name="Nivåfördelning per kvartal")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "dashboard")

    page.get_by_role("link", name=reached, exact=True).click()
    page.wait_for_url("**/capabilities/1.1.1")


def test_gaps_page_filters_and_is_accessible(page: Any, history: None) -> None:
    log_in(page, "e2e-admin")
    page.get_by_role("link", name="Inget kopplat uppdrag").click()
    page.wait_for_url("**/gaps?flag=no_linked_assignment")
    assert page.locator("table.gaps tbody tr[data-number]").count() == 26
    assert serious_violations(page) == []
    page.get_by_label("Gammal efter (månader)").fill("noll")
    page.get_by_role("button", name="Filtrera").click()
    expect(
        page.get_by_text("Ange antal månader som ett heltal från 1 till 240.").first
    ).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Rensa filter").click()
    assert page.locator("table.gaps tbody tr[data-number]").count() == 62
    page.get_by_text("Vad flaggorna betyder").click()
    screenshot(page, "gaps")


def test_weakest_first_from_the_start_page_in_two_clicks(page: Any, history: None) -> None:
    log_in(page, "e2e-medlem")
    page.get_by_role(
        "link", name="Under målnivå och utan kopplat uppdrag, störst avstånd först"
    ).click()
    page.wait_for_url("**/gaps?flag=below_target&flag=no_linked_assignment&sort=distance")
    numbers = page.locator("table.gaps tbody tr[data-number]").evaluate_all(
        "rows => rows.map(r => r.dataset.number)"
    )
    distances = page.locator('td[data-col="distance"]').all_inner_texts()
    assert distances == sorted(distances, reverse=True) and numbers
    assert serious_violations(page) == []
    screenshot(page, "gaps-weakest")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
