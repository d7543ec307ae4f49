# ruff: noqa: F811  (the route matrix's fixtures are imported and used by name)
"""Issue 23 F12: no response but a static file may be kept by a browser or proxy.

Generated from the URL map: every GET route is fetched (as a cleared admin; API routes with
a token; the calendar feed with its feed token), and the downloads in every format, and each
answer must carry `Cache-Control: no-store`. Before, forslag.docx and the calendar feed went
out without it. The rule is one after_request hook (web/security.py); views set none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import ReportingRound, User
from capabilities.services.rounds import close_round
from tests.conftest import login
from tests.web.test_route_matrix import (  # noqa: F401  (fixtures)
    World,
    isolated,
    rules,
    url,
    world,
)

DOWNLOADS = (
    "/reports/export?format=pdf",
    "/reports/export?format=xlsx",
    "/reports/export?format=csv",
)


def test_every_response_but_static_files_is_no_store(
    app: Any,
    session: so.Session,
    world: World,
    make_user: Callable[..., User],
    isolated: Callable[[], Any],
) -> None:
    admin = make_user("admin", can_see_confidential=True)
    round_ = session.get(ReportingRound, world.round_id)
    assert round_ is not None
    close_round(session, admin, round_)  # so that its comparison downloads exist
    _feed, feed_token = services.create_token(session, admin, name="Kalender", kind="calendar")
    session.commit()
    client = app.test_client()
    login(client, admin)
    api = {"Authorization": f"Bearer {world.plain_token}"}
    paths = [
        url(app, rule, world)
        for rule in rules(app)
        if "GET" in rule.methods and rule.endpoint != "static"
    ]
    paths += [*DOWNLOADS, f"/calendar/feed.ics?token={feed_token}"]
    missing, downloads = [], []
    for path in paths:
        with isolated():
            response = client.get(path, headers=api if path.startswith("/api/") else {})
            response.close()
        assert response.status_code < 500, path
        if response.headers.get("Cache-Control") != "no-store":
            missing.append(
                f"{path} ({response.status_code}): {response.headers.get('Cache-Control')}"
            )
        if "Content-Disposition" in response.headers and response.status_code == 200:
            downloads.append(path.split("?")[0])
    assert not missing, "\n".join(missing)
    # the downloads were really fetched, not refused
    for expected in ("/reports/export", "/compare.xlsx", "/forslag.docx", "/calendar/feed.ics"):
        assert any(expected in d for d in downloads), (expected, downloads)
    static = client.get("/static/style.css")
    assert static.headers.get("Cache-Control") != "no-store"  # static files may be cached
    static.close()
