"""The gaps view as an analyst's instrument (issue 26, point 1; issue 25, point 3).

From the start page to "below target and without an assignment, worst first" in two clicks,
downloads holding exactly the page's rows, the same ranking in the API and the CLI, and the
assignments no capability links to as their own group, counted alike by panel and table.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner

from capabilities import services
from capabilities.models import Assignment, DiaryNumber, Milestone, User
from capabilities.queries.gap_view import SORTS, rank
from capabilities.queries.gaps import FLAG_NAMES, gap_frame
from capabilities.services import create_token
from capabilities.services.assessments import AssessmentInput
from capabilities.services.assignments import AssignmentInput
from tests.conftest import find_capability

WEAKEST = "Under målnivå och utan kopplat uppdrag, störst avstånd först"


def _link(html: str, text: str) -> str:
    """The href of the link whose visible text is `text`."""
    for href, inner in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        if " ".join(re.sub(r"<[^>]+>", "", inner).split()) == text:
            return html_lib.unescape(href)
    raise AssertionError(f"no link {text!r}")


def _page_rows(client: Any, url: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Every capability row (number, distance) over all pages, and the unlinked group's dnrs."""
    rows: list[tuple[str, str]] = []
    unlinked: list[str] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        for number, body in re.findall(r'<tr data-number="([\d.]+)">(.*?)</tr>', page, re.S):
            distance = re.search(r'data-col="distance">([^<]*)<', body)
            assert distance
            rows.append((number, distance.group(1)))
        for body in re.findall(r'<tr data-assignment="\d+">(.*?)</tr>', page, re.S):
            head = re.search(r"<th[^>]*>(.*?)</th>", body, re.S)
            assert head
            unlinked.append(" ".join(re.sub(r"<[^>]+>", "", head.group(1)).split()))
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = html_lib.unescape(following.group(1)) if following else ""
    return rows, unlinked


def _assess(session: so.Session, user: User, number: str, level: int, target: int | None) -> None:
    services.record_assessment(
        session,
        user,
        find_capability(session, number),
        AssessmentInput(level=level, target_level=target, summary=f"Nivå {level}"),
    )


def _weak_register(session: so.Session, member: User) -> list[str]:
    """Assessments below target among capabilities with and without assignments; returns the
    expected order of "below target and without an assignment, worst first"."""
    frame = gap_frame(session)
    unlinked = list(frame.loc[frame["no_linked_assignment"], "number"])
    linked = list(frame.loc[~frame["no_linked_assignment"], "number"])
    plan = [
        (unlinked[0], 3, 4, 1),
        (unlinked[1], 1, 4, 3),
        (unlinked[2], 2, 4, 2),
        (unlinked[3], 1, 3, 2),  # same distance as unlinked[2], lower level: first
        (unlinked[4], 4, 4, 0),  # on target: not in the view
        (unlinked[5], 2, None, None),  # no target: not below it
        (linked[0], 1, 5, 4),  # linked: not in the view although the worst
    ]
    for number, level, target, _gap in plan:
        _assess(session, member, number, level, target)
    session.commit()
    return [unlinked[1], unlinked[3], unlinked[2], unlinked[0]]


def test_weakest_view_is_two_clicks_from_the_start_page_and_downloads_exactly(
    app: Any, client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    expected = _weak_register(session, member)
    app.config["PAGE_SIZE"] = 3  # the view spans two pages; the files hold both
    start = client.get("/").get_data(as_text=True)
    view_url = _link(start, WEAKEST)  # click 1
    assert "sort=distance" in view_url
    rows, unlinked = _page_rows(client, view_url)
    assert [number for number, _distance in rows] == expected
    assert [distance for _number, distance in rows] == ["3", "2", "2", "1"]
    assert unlinked == []  # the flags do not apply to assignments

    view = client.get(view_url).get_data(as_text=True)
    xlsx = client.get(_link(view, "Excel (xlsx)"))  # click 2
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data))["Täckningsluckor"]
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = table[0]
    number, distance = header.index("Nummer eller dnr"), header.index("Avstånd till målnivå")
    assert [(r[number], str(r[distance])) for r in table[1:]] == rows

    text = client.get(_link(view, "CSV")).data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == list(header)
    assert [(r[number], r[distance]) for r in lines[1:]] == rows


def test_unlinked_assignments_are_their_own_group_in_page_files_api_and_cli(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    as_role("läsare")
    no_dnr = session.scalars(sa.select(Assignment).where(~Assignment.diary_numbers.any())).all()
    assert len(no_dnr) == 1  # seed 003's assignment
    page = client.get("/gaps").get_data(as_text=True)
    assert "Uppdrag utan kopplad delförmåga" in page
    rows, unlinked = _page_rows(client, "/gaps")
    assert len(rows) == 62
    assert "utan dnr" in unlinked and "S2023/00681" in unlinked
    assert f'href="/assignments/{no_dnr[0].id}"' in page

    text = client.get("/gaps.csv").data.decode("utf-8").lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    group = [r for r in lines[1:] if r[0] == "Uppdrag utan kopplad delförmåga"]
    assert [r[1] or "utan dnr" for r in group] == unlinked

    user = make_user("läsare")
    _token, plain = create_token(session, user, name="gaps")
    session.commit()
    body = client.get("/api/v1/gaps", headers={"Authorization": f"Bearer {plain}"}).get_json()
    dnrs = [", ".join(item["dnrs"]) or "utan dnr" for item in body["unlinked_assignments"]]
    assert dnrs == unlinked
    seed_003 = next(i for i in body["unlinked_assignments"] if not i["dnrs"])
    pending = session.scalars(
        sa.select(Milestone.due_on)
        .where(Milestone.assignment_id == no_dnr[0].id, Milestone.pending())
        .order_by(Milestone.due_on)
    ).first()
    assert pending is not None  # 2026-12-15 on the day of the finding
    assert seed_003["next_due_on"] == pending.isoformat()  # its deadline reaches the gaps


def test_dashboard_panel_counts_what_the_gaps_table_lists(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    """Each count of the panel equals the rows the linked view lists (capabilities plus the
    unlinked assignments where the flag applies): 4 beside a table of 7 was the finding."""
    member = as_role("medlem")
    unlinked = session.scalars(
        sa.select(Assignment).join(DiaryNumber).where(DiaryNumber.number == "S2023/01430")
    ).one()
    services.add_milestone(
        session,
        member,
        unlinked,
        due_on=(date.today() - timedelta(days=3)).isoformat(),
        kind="delredovisning",
    )
    _weak_register(session, member)
    html = client.get("/").get_data(as_text=True)
    panel = html[html.index('id="h-flags"') :]
    panel = panel[: panel.index("</table>")]
    found = re.findall(
        r'<a href="([^"]+)">([^<]+)</a></th>\s*<td class="num"[^>]*>(\d+)</td>', panel
    )
    assert len(found) == len(FLAG_NAMES) + 1
    for href, label, count in found:
        rows, group = _page_rows(client, html_lib.unescape(href))
        listed = len(group) if "#h-unlinked" in href else len(rows) + len(group)
        assert listed == int(count), (label, href)
    overdue = next(h for h, label, _c in found if label == "Redovisning ej registrerad")
    assert "S2023/01430" in _page_rows(client, html_lib.unescape(overdue))[1]


def test_each_sort_ranks_the_weakest_first_unknown_last_ties_in_register_order() -> None:
    frame = pd.DataFrame(
        {
            "number": ["a", "b", "c", "d", "e"],
            "gap": pd.array([1, None, 3, 1, 0], dtype="Int64"),
            "level": pd.array([3, None, 1, 2, 5], dtype="Int64"),
            "days_since_assessment": pd.array([10, None, 400, 10, 30], dtype="Int64"),
            "flag_count": [2, 4, 1, 2, 0],
        }
    )
    order = {name: list(rank(frame, name)["number"]) for name in SORTS}
    assert order == {
        "register": ["a", "b", "c", "d", "e"],
        "distance": ["c", "d", "a", "e", "b"],
        "level": ["c", "d", "a", "e", "b"],
        "age": ["c", "e", "a", "d", "b"],
        "flags": ["b", "a", "d", "c", "e"],
    }


def test_api_and_cli_rank_as_the_page_does(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = as_role("medlem")
    expected = _weak_register(session, member)
    _token, plain = create_token(session, make_user("läsare"), name="rank")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    query = "flag=below_target&flag=no_linked_assignment&sort=distance"
    body = client.get(f"/api/v1/gaps?{query}", headers=headers).get_json()
    assert [item["number"] for item in body["items"]] == expected
    assert body["sort"] == "distance" and body["unlinked_assignments"] == []
    bad = client.get("/api/v1/gaps?sort=worst", headers=headers)
    assert bad.status_code == 400 and "sort" in bad.get_json()["message"]
    assert client.get("/api/v1/gaps?flag=nope", headers=headers).status_code == 400
    assert client.get("/api/v1/gaps?area=9.9", headers=headers).status_code == 404
    assert client.get("/api/v1/gaps?area=x", headers=headers).status_code == 400
    document = client.get("/api/v1/openapi.json").get_json()
    names = {
        document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
        for p in document["paths"]["/api/v1/gaps"]["get"]["parameters"]
    }
    assert {"sort", "flag", "area"} <= names

    from web.cli import common, main

    monkeypatch.setattr(common, "session_scope", _scope(session))
    result = CliRunner().invoke(
        main,
        [
            "gaps",
            "--sort",
            "distance",
            "--flag",
            "below_target",
            "--flag",
            "no_linked_assignment",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert [item["number"] for item in json.loads(result.output)["items"]] == expected
    table = CliRunner().invoke(main, ["gaps", "--sort", "distance", "--flag", "below_target"])
    assert table.exit_code == 0, table.output
    body = table.output.split("\n\n", 1)[0].splitlines()[2:]  # the table, before the totals
    numbers = [line.split()[0] for line in body if line[:1].isdigit()]
    assert numbers[1:] == expected  # after the linked capability four steps below target
    assert table.output.splitlines()[0].split() == ["nr", "nivå", "mål", "avstånd", "luckor"]


def _scope(session: so.Session) -> Any:
    from contextlib import contextmanager

    @contextmanager
    def scope(*, writing: bool = False) -> Any:
        yield session

    return scope


def test_cli_lists_of_sorts_and_flags_match_the_domain() -> None:
    from capabilities.queries.gap_view import SORT_NAMES
    from web.cli import gaps

    assert list(gaps.GAP_SORTS) == SORT_NAMES
    assert list(gaps.GAP_FLAGS) == FLAG_NAMES


def test_sort_labels_repeat_the_domain() -> None:
    from web.dashboard.labels import SORT_LABELS

    assert {name: str(label) for name, label in SORT_LABELS.items()} == {
        name: label for name, (label, _keys) in SORTS.items()
    }


def test_gap_downloads_hold_a_hostile_title_as_text(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    title = '=HYPERLINK("http://evil.example/r","klicka")&" <script>alert(1)</script>'
    services.create_assignment(session, member, AssignmentInput(title=title, dnrs="S2026/00001"))
    session.commit()
    text = client.get("/gaps.csv").data.decode("utf-8").lstrip("\ufeff")
    fields = [f for row in csv.reader(io.StringIO(text), delimiter=";") for f in row]
    assert "'" + title in fields
    assert not [f for f in fields if f.startswith(("=", "+", "-", "@"))]
    book = openpyxl.load_workbook(io.BytesIO(client.get("/gaps.xlsx").data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    held = [c for c in cells if c.value == title]
    assert held and all(c.data_type == "s" and c.quotePrefix for c in held)
