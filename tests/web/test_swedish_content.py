"""Swedish register text is marked lang="sv" in the English interface (WCAG 3.1.2, issue 26
point 3), and not marked in the Swedish one, where the page's own lang says it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.guidance import QUESTIONS
from capabilities.models import Assignment, User
from tests.conftest import find_capability


def _swedish(html: str) -> list[str]:
    return [" ".join(t.split()) for t in re.findall(r'<span lang="sv">(.*?)</span>', html, re.S)]


def test_register_texts_are_marked_swedish_in_english(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    client.get("/?lang=en")
    cap = find_capability(session, "1.2.2")
    page = client.get("/capabilities/1.2.2").get_data(as_text=True)
    assert '<html lang="en">' in page
    marked = _swedish(page)
    assert " ".join(cap.title.split()) in marked
    assert cap.area.title in marked and cap.area.main_group.title in marked
    assignment = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key.is_not(None))
    ).first()
    assert assignment is not None
    detail = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert re.search(r'<h1><span lang="sv">', detail)
    overview = client.get("/register").get_data(as_text=True)
    assert any(text.startswith("Robust lagerhållning") for text in _swedish(overview))
    form = client.get("/proposals/new").get_data(as_text=True)
    assert re.search(r'<label for="product" lang="sv">', form)
    assert re.search(r'<legend lang="sv">', form)
    # the verbatim Swedish question, and an English reading of it beside it
    assert "In English: Which product or product group is the proposal about?" in form
    assert QUESTIONS[0].help not in form
    for path in ("/", "/gaps"):
        assert _swedish(client.get(path).get_data(as_text=True)), path


def test_guidance_labels_repeat_the_seed_questions() -> None:
    from web.proposals.guidance import QUESTION_HELP, QUESTION_TEXT

    assert {n: str(t) for n, t in QUESTION_TEXT.items()} == {q.number: q.text for q in QUESTIONS}
    assert {n: str(t) for n, t in QUESTION_HELP.items()} == {q.number: q.help for q in QUESTIONS}


def test_nothing_is_marked_twice_in_swedish(client: Any, as_role: Callable[..., User]) -> None:
    as_role("medlem")
    for path in ("/capabilities/1.2.2", "/register", "/proposals/new", "/"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="sv">' in html and 'lang="sv">' not in html.split("<main", 1)[1], path
