"""The measure form with plain clicks and the keyboard only: checkbox lists with a filter."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import log_in, screenshot, serious_violations

pytestmark = pytest.mark.browser


def test_measure_form_with_plain_clicks_and_keyboard(page: Any) -> None:
    log_in(page, "e2e-medlem")
    page.goto("/capabilities/2.1.2")
    page.get_by_role("link", name="Ny åtgärd").click()
    page.wait_for_url("**/measures/new?capability=2.1.2")
    preselected = page.get_by_role("checkbox", name=re.compile(r"^2\.1\.2 Kontinuerlig"))
    assert preselected.is_checked()
    assert preselected.is_visible() and preselected.bounding_box()["y"] < 1200

    # A plain click on another capability adds it; the preselected one stays chosen.
    page.get_by_label("Sök bland delförmågorna").fill("samhällsövergripande")
    other = page.get_by_role("checkbox", name=re.compile(r"^2\.1\.3 "))
    assert other.is_visible()
    assert not page.get_by_role("checkbox", name=re.compile(r"^1\.1\.1 ")).is_visible()
    assert preselected.is_visible()  # chosen options are never filtered away
    page.locator("label", has_text=re.compile(r"^2\.1\.3 ")).click()
    assert other.is_checked() and preselected.is_checked()
    assert serious_violations(page) == []
    screenshot(page, "measure-form")

    # Keyboard only: filter the actors, Enter does not submit, Tab to the match, Space.
    page.get_by_label("Sök bland aktörerna").focus()
    page.keyboard.type("Läkemedelsverket")
    page.keyboard.press("Enter")
    assert page.url.endswith("/measures/new?capability=2.1.2")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name=re.compile("^Läkemedelsverket")).is_checked()
    page.get_by_label("Titel", exact=True).fill("Beredskapslager i regionerna")
    page.get_by_role("button", name="Spara åtgärd").click()

    # Saved from the capability page: back on the capability, with the new measure listed.
    page.wait_for_url("**/capabilities/2.1.2")
    assert page.get_by_role("link", name="Beredskapslager i regionerna").is_visible()
    page.get_by_role("link", name="Beredskapslager i regionerna").click()
    assert page.get_by_role("link", name="2.1.3").is_visible()
    assert page.get_by_text("Läkemedelsverket").first.is_visible()
