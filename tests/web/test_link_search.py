"""Linking an assignment from a capability page (issue 26, point 2): every linkable assignment,
found by dnr however it is spelled or by title words, sorted by dnr then title, paged with the
one pagination type; after linking, the page returns to the links with the new one marked."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.dnr import dnr_key
from capabilities.models import Assignment, CapabilityAssignment, User
from capabilities.services.assessments import AssessmentInput
from capabilities.services.assignments import AssignmentInput
from tests.conftest import find_capability, post

LINK = "/capabilities/1.2.2/assignments/link"


def _choices(html: str) -> list[str]:
    """The labels of the radio list, in order."""
    labels = re.findall(r'<label for="a\d+" class="inline">(.*?)</label>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", label).split()) for label in labels]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("S2022/4550", "S2022/04550"),
        ("s2022/04550", "S2022/04550"),
        ("KN 2023/03646", "KN2023/03646"),
        ("KN2023/3646", "KN2023/03646"),
    ],
)
def test_a_dnr_finds_its_assignment_however_it_is_spelled(
    client: Any, as_role: Callable[..., User], typed: str, stored: str
) -> None:
    as_role("medlem")
    html = client.get(LINK, query_string={"q": typed}).get_data(as_text=True)
    assert any(stored in label for label in _choices(html)), (typed, _choices(html))


def test_dnr_key_ignores_zeros_spaces_and_case() -> None:
    assert dnr_key("S2022/4550") == dnr_key("S2022/04550") == dnr_key("s 2022 / 04550")
    assert dnr_key("KN 2023/03646") == dnr_key("KN2023/03646")
    assert dnr_key("S2022/4551") != dnr_key("S2022/04550")
    assert dnr_key("lagerhållning") is None


def test_every_linkable_assignment_is_listed_and_paged_in_dnr_then_title_order(
    app: Any, client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    """234 linkable, not "48 träffar" capped at 50 and sorted as text (0, 1, 10, 100)."""
    member = as_role("medlem")
    for n in range(200):
        services.create_assignment(session, member, AssignmentInput(title=f"uppdrag {n}"))
    session.commit()
    linkable = session.scalar(sa.select(sa.func.count(Assignment.id))) - session.scalar(
        sa.select(sa.func.count(CapabilityAssignment.id)).where(
            CapabilityAssignment.capability_id == find_capability(session, "1.2.2").id,
            CapabilityAssignment.removed_at.is_(None),
        )
    )
    app.config["PAGE_SIZE"] = 100
    labels: list[str] = []
    url: str | None = LINK
    pages = 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        if pages == 1:
            assert f"Välj uppdrag ({linkable} träffar)" in html
        labels += _choices(html)
        following = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = following.group(1).replace("&amp;", "&") if following else None
    assert len(labels) == linkable and pages == 3
    with_dnr = [label for label in labels if not label.startswith("utan dnr")]
    keys = [
        dnr_key(label.split(" – ")[0].split(",")[0].replace("(delvis)", "")) for label in with_dnr
    ]
    assert keys == sorted(keys)
    numbered = [label for label in labels if label.startswith("utan dnr – uppdrag ")]
    assert [int(label.rsplit(" ", 1)[1]) for label in numbered] == list(range(200))
    html = client.get(LINK, query_string={"q": "uppdrag 1"}).get_data(as_text=True)
    assert "uppdrag 1" in " ".join(_choices(html))


def test_title_words_all_match_in_any_order(client: Any, as_role: Callable[..., User]) -> None:
    as_role("medlem")
    html = client.get(LINK, query_string={"q": "sjukvårdsprodukter köpa"}).get_data(as_text=True)
    assert any("S2023/00681" in label for label in _choices(html))


def test_after_linking_the_page_returns_to_the_links_with_the_new_one_marked(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    for n in range(40):  # a long history above the links
        services.record_assessment(
            session,
            member,
            find_capability(session, "1.2.2"),
            AssessmentInput(level=n % 5 + 1, summary="s"),
        )
    session.commit()
    target = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == "kn2023-03908")
    ).one()
    response = post(client, LINK + "?page=2", {"assignment_id": str(target.id)})
    assert response.status_code == 302
    location = response.headers["Location"]
    link = session.scalars(
        sa.select(CapabilityAssignment).where(
            CapabilityAssignment.assignment_id == target.id,
            CapabilityAssignment.capability_id == find_capability(session, "1.2.2").id,
        )
    ).one()
    assert location.endswith(f"/capabilities/1.2.2?linked={link.id}#links")
    html = client.get(location.split("#")[0]).get_data(as_text=True)
    assert 'id="links"' in html
    row = re.search(rf'<tr class="just-linked" id="link-{link.id}">(.*?)</tr>', html, re.S)
    assert row and "KN2023/03908" in row.group(1) and "Nyss kopplat" in row.group(1)
