"""The interactive API page (/api/, issue 26 point 7): the token placeholder is shown, and the
vendored Swagger UI, configured and styled here, has no serious or critical axe violation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in, screenshot, serious_violations

pytestmark = pytest.mark.browser


def test_api_page_shows_the_header_and_passes_axe(page: Any) -> None:
    log_in(page, "e2e-läsare")
    page.goto("/api/")
    page.locator(".opblock-summary-method").first.wait_for()
    assert "Authorization: Bearer <din API-nyckel>" in page.locator("#main").inner_text()
    description = page.locator(".swagger-ui .info").inner_text()
    assert "Bearer <din API-nyckel>" in description  # was "Bearer ." (the markdown ate it)
    assert page.locator("select#servers").get_attribute("aria-label") == "Server"
    assert page.get_by_role("main").count() == 1  # the viewer's own <main> is no landmark
    assert serious_violations(page) == []
    screenshot(page, "api")
