"""The measure form with plain clicks and the keyboard only: checkbox lists with a filter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot, serious_violations

pytestmark = pytest.mark.browser


def test_measure_form_with_plain_clicks_and_keyboard(page: Any) -> None:
    log_in(page, "e2e-medlem")
    page.goto("/capabilities/2.1.2")
    page.get_by_role("link", name="Ny åtgärd").click()
    page.wait_for_url("**/measures/new?capability=2.1.2")
    preselected = page.get_by_role("checkbox", name=re.compile(r"^2\.1\.2 Kontinuerlig"))
    expect(preselected).to_be_checked()
    expect(preselected).to_be_visible()
    assert preselected.bounding_box()["y"] < 1200

    # A plain click on another capability adds it; the preselected one stays chosen.
    page.get_by_label("Sök bland delförmågorna").fill("samhällsövergripande")
    other = page.get_by_role("checkbox", name=re.compile(r"^2\.1\.3 "))
    expect(other).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(r"^1\.1\.1 "))).to_be_hidden()
    expect(preselected).to_be_visible()  # chosen options are never filtered away
    page.locator("label", has_text=re.compile(r"^2\.1\.3 ")).click()
    expect(other).to_be_checked()
    expect(preselected).to_be_checked()
    assert serious_violations(page) == []
    screenshot(page, "measure-form")

    # Keyboard only: filter the actors, Enter does not submit, Tab to the match, Space.
    page.get_by_label("Sök bland aktörerna").focus()
    page.keyboard.type("Läkemedelsverket")
    page.keyboard.press("Enter")
    assert page.url.endswith("/measures/new?capability=2.1.2")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=re.compile("^Läkemedelsverket"))).to_be_checked()
    page.get_by_label("Titel", exact=True).fill("Beredskapslager i regionerna")
    page.get_by_role("button", name="Spara åtgärd").click()

    # Saved from the capability page: back on the capability, with the new measure listed.
    page.wait_for_url("**/capabilities/2.1.2")
    expect(page.get_by_role("link", name="Beredskapslager i regionerna")).to_be_visible()
    page.get_by_role("link", name="Beredskapslager i regionerna").click()
    expect(page.get_by_role("link", name="2.1.3")).to_be_visible()
    expect(page.get_by_text("Läkemedelsverket").first).to_be_visible()
