"""Every page of the URL map reflows at 320 CSS px (WCAG 1.4.10), not a chosen list of pages.

The routes come from the app's URL map (every GET rule); URL arguments are filled from rows of
a seeded register of its own (an assignment with deadlines, a linked capability, a measure, a
proposal, an open round, a user, a token), so a new page is checked the day it is added. A
route that answers with something other than HTML (a file, JSON, a calendar) must be listed in
NOT_HTML, so that list stays true. The page itself must never scroll sideways; wide tables may
scroll inside their own labelled region.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate, services
from capabilities.db import make_engine
from capabilities.models import Actor, Assignment, CapabilityAssignment, Milestone, User
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.browser.conftest import log_in
from tests.browser.test_reflow import OVERFLOWING
from tests.conftest import PASSWORD
from tests.live import waitress_thread

pytestmark = pytest.mark.browser

# Endpoints whose answer is no page: files, JSON, the calendar feed.
NOT_HTML = {
    "static",
    "dashboard.gaps_xlsx",
    "dashboard.gaps_csv",
    "reports.export",
    "rounds.compare_xlsx",
    "rounds.report",
    "proposals.document",
    "deadlines.feed",
}
# Pages that need something the register cannot hold at the same time (a closed round).
NOT_APPLICABLE = {"rounds.compare"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A seeded register with one row of each kind, served by waitress; its ids by argument."""
    from web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('reflow') / 'reflow.sqlite'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with so.Session(engine) as session:
        seed(session)
        admin = services.create_user(
            session,
            None,
            NewUser(
                username="reflow-admin",
                display_name="Reflow admin",
                role="admin",
                password=PASSWORD,
                can_see_confidential=True,
            ),
        )
        member = services.create_user(
            session,
            None,
            NewUser(
                username="reflow-medlem",
                display_name="Reflow medlem",
                role="medlem",
                password=PASSWORD,
            ),
        )
        link = session.scalars(
            sa.select(CapabilityAssignment).order_by(CapabilityAssignment.id)
        ).first()
        assert link is not None
        capability = link.capability
        # the assignment with the most deadlines: the widest deadline table
        assignment_id = session.scalar(
            sa.select(Milestone.assignment_id)
            .group_by(Milestone.assignment_id)
            .order_by(sa.func.count().desc(), Milestone.assignment_id)
            .limit(1)
        )
        assignment = session.get(Assignment, assignment_id)
        assert assignment is not None
        milestone = assignment.milestones[0]
        actor = session.scalars(sa.select(Actor).order_by(Actor.id)).first()
        assert actor is not None
        responsibility = services.add_responsibility(
            session, member, capability, actor, role="kan_ansvara"
        )
        measure = services.create_measure(
            session,
            member,
            MeasureInput(title="Åtgärd för omflödning", capability_ids=[capability.id]),
        )
        token, _plain = services.create_token(session, member, name="Omflödning")
        from capabilities.services.procurement import create_proposal
        from capabilities.services.proposal_answers import ProposalInput
        from capabilities.services.rounds import open_round

        round_ = open_round(
            session,
            admin,
            name="Omflödningsomgång",
            reference_date=date.today(),
            deadline=date.today() + timedelta(days=30),
            reviewer_ids=[admin.id],
        )
        proposal = create_proposal(
            session,
            member,
            ProposalInput(
                title="Förslag för omflödning", description="Text", capability_ids=[capability.id]
            ),
        )
        assessment = services.record_assessment(
            session,
            admin,
            capability,
            AssessmentInput(level=2, target_level=4, summary="Bedömning"),
        )
        session.commit()
        values = {
            "number": capability.number,
            "measure_id": measure.id,
            "actor_id": actor.id,
            "assignment_id": assignment.id,
            "milestone_id": milestone.id,
            "link_id": link.id,
            "responsibility_id": responsibility.id,
            "user_id": member.id,
            "token_id": token.id,
            "round_id": round_.id,
            "proposal_id": proposal.id,
            "assessment_id": assessment.id,
            "other": "today",
            "level": 3,
            "filename": "app.js",
            "fmt": "pdf",
        }
        user_count = session.scalar(sa.select(sa.func.count(User.id)))
        assert user_count
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "reflow"})
    with waitress_thread(app, threads=4) as port:
        yield {"base": f"http://127.0.0.1:{port}", "app": app, "values": values}


def _pages(app: Any, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET rule outside the JSON API, arguments filled in."""
    from flask import url_for

    pages = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
            if "GET" not in (rule.methods or set()) or rule.endpoint.startswith("api."):
                continue
            if rule.endpoint in NOT_APPLICABLE:
                continue
            unknown = [name for name in rule.arguments if name not in values]
            assert not unknown, f"{rule.rule}: no sample value for {unknown}; add one above"
            arguments = {name: values[name] for name in rule.arguments}
            pages.append((rule.endpoint, url_for(rule.endpoint, **arguments)))
    return pages


def test_no_page_of_the_url_map_scrolls_sideways_at_320_px(
    browser: Any, served: dict[str, Any]
) -> None:
    context = browser.new_context(
        base_url=served["base"], locale="sv-SE", viewport={"width": 320, "height": 800}
    )
    page = context.new_page()
    checked: list[str] = []
    failures: list[str] = []
    try:
        log_in(page, "reflow-admin")
        for endpoint, path in _pages(served["app"], served["values"]):
            answer = page.request.get(path)
            html = answer.headers.get("content-type", "").startswith("text/html")
            if endpoint in NOT_HTML:
                assert not html or answer.status == 404, (endpoint, "answers HTML: unlist it")
                continue
            assert html, (endpoint, path, answer.status, "no HTML: list it in NOT_HTML")
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            viewport = page.evaluate("document.documentElement.clientWidth")
            checked.append(endpoint)
            if width > viewport:
                failures.append(
                    f"{path} ({endpoint}): {width} > {viewport} px, sticking out: "
                    f"{page.evaluate(OVERFLOWING)}"
                )
    finally:
        context.close()
    assert len(checked) >= 45, checked
    assert not failures, "\n".join(failures)
