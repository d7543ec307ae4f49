"""The tillgänglighetsredogörelse: public, in DIGG's form, and linked from every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from capabilities.models import User
from web.about.routes import DEFAULT_CONTACT, SHORTCOMINGS

LINK = 'href="/tillganglighet"'


def test_statement_is_public_and_has_every_part_the_model_asks_for(client: Any) -> None:
    response = client.get("/tillganglighet")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for part in (
        "lagen (2018:1937) om tillgänglighet till digital offentlig service",
        "delvis förenligt",  # conformance status
        "Innehåll som inte är tillgängligt",  # known shortcomings
        "Rapportera brister",  # how to report a problem
        f'href="mailto:{DEFAULT_CONTACT}"',
        "Myndigheten för digital förvaltning (Digg)",  # the enforcement body
        "Senaste bedömningen gjordes",
    ):
        assert part in html, part
    for shortcoming in SHORTCOMINGS:
        assert str(shortcoming.where) in html


def test_contact_address_is_configurable(app: Any, client: Any) -> None:
    app.config["ACCESSIBILITY_CONTACT"] = "tillganglighet@example.se"
    html = client.get("/tillganglighet").get_data(as_text=True)
    assert 'href="mailto:tillganglighet@example.se"' in html
    assert DEFAULT_CONTACT not in html


def test_statement_in_english(client: Any) -> None:
    html = client.get("/tillganglighet?lang=en").get_data(as_text=True)
    assert "Accessibility of Förmågeregistret" in html
    assert "Agency for Digital Government (Digg)" in html


@pytest.mark.parametrize("path", ["/login", "/tillganglighet", "/finns-inte"])
def test_logged_out_pages_link_the_statement(client: Any, path: str) -> None:
    assert LINK in client.get(path).get_data(as_text=True)


def test_every_page_in_the_url_map_links_the_statement(
    app: Any, client: Any, as_role: Callable[..., User]
) -> None:
    """Every HTML page reachable by GET without arguments, generated from the URL map."""
    as_role("admin", can_see_confidential=True)
    checked = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        response = client.get(rule.rule)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        assert LINK in response.get_data(as_text=True), rule.rule
        checked.append(rule.rule)
    assert len(checked) > 15, checked
