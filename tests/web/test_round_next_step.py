"""The next step always in sight (issue 24, point 4): a returned entry leads the round page
and "Mina uppgifter" with the reviewer's comment (redacted like the entry), and the start page
counts what is returned, due and awaiting review."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy.orm as so

from capabilities.models import User
from capabilities.queries.tasks import ROUND_RETURNED, ROUND_SUBMIT, tasks_for
from capabilities.services import rounds as r
from capabilities.services.rounds import EntryInput
from tests.conftest import find_capability, login


def test_returned_entry_leads_tasks_round_page_and_start_page(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    anna = make_user("medlem", can_see_confidential=True)
    bo = make_user("medlem")
    greta = make_user("medlem", can_see_confidential=True)
    round_ = r.open_round(
        session,
        make_user("admin"),
        name="Lägesbild 2026",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[greta.id],
    )
    entries = {
        number: r.save_entry(
            session,
            anna,
            round_,
            find_capability(session, number),
            EntryInput(3, "Text", confidential=secret, secrecy_ref="OSL 18:13" if secret else None),
            submit=True,
        )
        for number, secret in (("1.1.1", False), ("2.1.3", False), ("2.1.4", True))
    }
    r.return_entry(session, greta, entries["2.1.3"], comment="Ange källa.")
    r.return_entry(session, greta, entries["2.1.4"], comment="Hemlig kommentar.")
    session.commit()

    tasks = tasks_for(session, anna, today=date(2026, 9, 1))
    assert [(t.reason, t.capability_number, t.comment) for t in tasks[:2]] == [
        (ROUND_RETURNED, "2.1.3", "Ange källa."),
        (ROUND_RETURNED, "2.1.4", "Hemlig kommentar."),
    ]
    assert any(t.reason == ROUND_SUBMIT for t in tasks[2:])
    # bo did not write them: they are among his round tasks, not his own returned ones.
    assert not [t for t in tasks_for(session, bo, today=date(2026, 9, 1)) if t.comment]

    login(client, anna)
    start = client.get("/").get_data(as_text=True)
    counts = start.split('id="round-counts"')[1].split("</p>")[0]
    assert "2 återremitterade" in counts and "1 väntar på granskning" in counts
    table = re.split(r'<table class="[^"]*\btasks\b[^"]*">', start)[1].split("</table>")[0]
    assert table.index("2.1.3 är återremitterad") < table.index("fyll i och skicka in")
    assert "Granskarens kommentar: ”Ange källa.”" in table

    client.delete_cookie("session")
    login(client, bo)  # no clearance: the confidential entry's comment is hidden
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    returned = page.split('id="returned-tasks"')[1].split("</ul>")[0]
    assert page.index('id="returned-tasks"') < page.index("Att fylla i och skicka in")
    assert "”Ange källa.”" in returned and "Hemlig kommentar." not in page
    assert "Sekretessmarkerad uppgift" in returned
    start = client.get("/").get_data(as_text=True)
    assert "Hemlig kommentar." not in start
