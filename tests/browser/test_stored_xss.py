"""Stored XSS in a real browser: a hostile string in every free-text field, every page it shows on.

The same fields as tests/test_hostile_documents.py are filled through the services (round name
and entry, assessments, measure, assignment and milestone, notes, actor, level label, display
names, proposal and industry contact) on a private database, then a cleared admin visits each
page. No dialog may open, no request may reach the loopback listener named in the string, and
the markup must be visible as text where the field is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from capabilities.models import Actor, Assignment, Measure, User
from capabilities.services import create_user
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD
from tests.live import waitress_thread
from tests.test_hostile_documents import MARKUP, PAYLOAD, _fill
from tests.test_pdf_fetch import Listener

pytestmark = pytest.mark.browser

HOSTILE = (
    "=cmd|' /C calc'!A0 <img src=x onerror=alert(2)><svg onload=alert(3)>"
    "<a href=javascript:alert(4)>länk</a> " + PAYLOAD
)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def hostile_site(
    tmp_path_factory: pytest.TempPathFactory, listener: Listener
) -> Iterator[dict[str, Any]]:
    """A private seeded database with the hostile text everywhere, served by waitress."""
    from web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('xss') / 'xss.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    numbers = count(1)
    with so.Session(engine) as session:
        seed(session)

        def make_user(role: str = "medlem", **extra: Any) -> User:
            n = next(numbers)
            data = {
                "username": f"xss-{role}{n}",
                "display_name": f"XSS {role} {n}",
                "role": role,
                "password": PASSWORD,
            } | extra
            return create_user(session, None, NewUser(**data))

        maker: Callable[..., User] = make_user
        text = HOSTILE.replace("{port}", str(listener.port))
        world = _fill(session, maker, text)
        hostile = "=cmd|%"
        ids = {
            "round": world.round_id,
            "proposal": world.proposal_id,
            "actor": session.scalars(sa.select(Actor.id).where(Actor.name.like(hostile))).one(),
            "assignment": session.scalars(
                sa.select(Assignment.id).where(Assignment.title.like(hostile))
            ).one(),
            # The measure made after the round (the proposal's own measure came first).
            "measure": session.scalars(
                sa.select(Measure.id).where(Measure.title.like(hostile)).order_by(Measure.id.desc())
            ).first(),
        }
        session.commit()
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "xss"})
    with waitress_thread(app, threads=4) as port:
        yield {"base": f"http://127.0.0.1:{port}", "ids": ids}


def _pages(ids: dict[str, Any]) -> list[tuple[str, bool]]:
    """(path, whether the hostile markup must be visible there)."""
    r = ids["round"]
    return [
        ("/", False),
        ("/register", False),
        ("/capabilities/1.1.1", True),
        ("/capabilities/2.1.1", True),
        ("/gaps", False),
        ("/assignments/", True),
        (f"/assignments/{ids['assignment']}", True),
        ("/actors/", True),
        (f"/actors/{ids['actor']}", True),
        ("/measures/", True),
        (f"/measures/{ids['measure']}", True),
        ("/proposals/", True),
        (f"/proposals/{ids['proposal']}", True),
        ("/rounds/", True),
        (f"/rounds/{r}", True),
        (f"/rounds/{r}/capabilities/2.1.1", True),
        (f"/rounds/{r}/compare?with=today&all=1", True),
        ("/admin/users", True),
        ("/admin/scale", True),
        ("/account/profile", False),
    ]


def test_hostile_text_is_inert_text_on_every_page(
    browser: Any, hostile_site: dict[str, Any], listener: Listener
) -> None:
    context = browser.new_context(base_url=hostile_site["base"], locale="sv-SE")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        log_in(page, "xss-admin1")
        missing = []
        for path, shows in _pages(hostile_site["ids"]):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("load")
            assert not dialogs, (path, dialogs)
            assert page.locator("img[src=x], svg[onload], a[href^=javascript]").count() == 0, path
            if shows and page.get_by_text(MARKUP).count() == 0:
                missing.append(path)
        screenshot(page, "stored-xss-compare")
        assert not missing, f"the hostile text is not shown as text on {missing}"
        assert listener.connections == 0
    finally:
        context.close()
