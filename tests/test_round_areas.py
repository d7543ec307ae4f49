"""Issue 23 F12: a round's area assigned to an organisation is that organisation's to write,
and its drafts are its working material.

Before, a Socialstyrelsen member overwrote the draft of an area the round assigned to
Läkemedelsverket, and every reader saw every organisation's drafts. Now only members of the
assigned organisation (and admins) write an assigned area's entries; reading stays open to every
signed-in user (the decision is documented in DEVELOPERS.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import PermissionDenied
from capabilities.models import Area, ReportingRound, User
from capabilities.services import rounds as r
from capabilities.services.rounds import EntryInput
from tests.conftest import find_actor, find_capability, login

NUMBER = "1.1.1"
DRAFT = "ZQX-LV-UTKAST"


def _round(
    session: so.Session, make_user: Callable[..., User]
) -> tuple[ReportingRound, dict[str, User]]:
    lv, sos = find_actor(session, "LV"), find_actor(session, "SoS")
    people = {
        "admin": make_user("admin", can_see_confidential=True),
        "lv": make_user("medlem", organisation_id=lv.id),
        "sos": make_user("medlem", organisation_id=sos.id),
        "reviewer": make_user("medlem", organisation_id=sos.id),
        "reader": make_user("läsare", organisation_id=lv.id),
    }
    area_id = find_capability(session, NUMBER).area_id
    round_ = r.open_round(
        session,
        people["admin"],
        name="Områdesomgång",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[people["reviewer"].id],
        area_organisations=[(area_id, lv.id)],
    )
    return round_, people


def test_only_the_assigned_organisation_writes_an_assigned_area(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    round_, people = _round(session, make_user)
    cap = find_capability(session, NUMBER)
    entry = r.save_entry(session, people["lv"], round_, cap, EntryInput(3, DRAFT))
    with pytest.raises(PermissionDenied) as refused:
        r.save_entry(session, people["sos"], round_, cap, EntryInput(1, "Överskrivet"))
    assert "Läkemedelsverket" in refused.value.message
    with pytest.raises(PermissionDenied):
        r.submit_entry(session, people["sos"], entry)
    assert entry.summary == DRAFT and entry.state == "utkast"
    # admins may; an area the round assigns to nobody is open to every member
    r.save_entry(session, people["admin"], round_, cap, EntryInput(3, DRAFT))
    other = session.scalars(
        sa.select(Area).where(Area.id != cap.area_id).order_by(Area.number)
    ).first()
    assert other is not None
    free = next(c for c in other.capabilities if c.retired_on is None)
    r.save_entry(session, people["sos"], round_, free, EntryInput(2, "Fritt område"))


def test_every_signed_in_user_reads_drafts_the_marking_guards_secrets(
    session: so.Session, make_user: Callable[..., User], app: Any
) -> None:
    """The decision (DEVELOPERS.md, Reporting rounds): a round is joint work of the
    organisations, so every signed-in user reads every entry, drafts included; writing is the
    assigned organisation's; confidential content is guarded by its marking, drafts too."""
    round_, people = _round(session, make_user)
    cap = find_capability(session, NUMBER)
    r.save_entry(session, people["lv"], round_, cap, EntryInput(3, DRAFT))
    session.commit()
    client = app.test_client()
    login(client, people["sos"])
    page = client.get(f"/rounds/{round_.id}/capabilities/{NUMBER}").get_data(as_text=True)
    assert DRAFT in page
    assert "Läkemedelsverket" in page and 'name="summary"' not in page  # no form to overwrite
