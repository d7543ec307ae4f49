"""A comparison reads older → newer on every output, whichever round it starts from (issue 24).

Page, xlsx, API and the round's PDF report are all made by `compare_rounds`; this test reads
each of them, started from the older and from the newer round, and checks that they tell the
same story. (The CLI's outputs are checked the same way in tests/test_cli_rounds.py.)
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import ReportingRound, User
from capabilities.reports.pdf import render_html
from capabilities.reports.round_report import round_report
from capabilities.services import rounds as r
from capabilities.services.rounds import EntryInput
from tests.conftest import find_capability, login

TITLE = "Lägesbild 2026 → Lägesbild 2027"


def _round(
    session: so.Session, admin: User, member: User, reviewer: User, name: str, level: int
) -> ReportingRound:
    round_ = r.open_round(
        session,
        admin,
        name=name,
        reference_date="2026-06-30" if name.endswith("2026") else "2027-06-30",
        deadline="2027-09-30",
        reviewer_ids=[reviewer.id],
    )
    entry = r.save_entry(
        session, member, round_, find_capability(session, "1.1.1"), EntryInput(level, "s")
    )
    r.submit_entry(session, member, entry)
    r.approve_entry(session, reviewer, entry)
    r.close_round(session, admin, round_)
    session.commit()
    return round_


def _two_rounds(
    session: so.Session, make_user: Callable[..., User]
) -> tuple[User, ReportingRound, ReportingRound]:
    admin = make_user("admin")
    member = make_user("medlem")
    reviewer = make_user("medlem")
    older = _round(session, admin, member, reviewer, "Lägesbild 2026", 3)
    newer = _round(session, admin, member, reviewer, "Lägesbild 2027", 4)
    return admin, older, newer


def _page(client: Any, start: int, other: int) -> tuple[str, tuple[str, ...]]:
    html = client.get(f"/rounds/{start}/compare?with={other}").get_data(as_text=True)
    title = re.search(r'<h1 id="comparison-title">(.*?)</h1>', html, re.S)
    assert title is not None
    row = html.split('id="cmp-1.1.1"')[1].split("</tr>")[0]
    levels = re.findall(r'<span class="level-num">(\d)</span>', row)
    direction = re.search(r'<span class="direction">(.)</span>', row)
    assert direction is not None
    scores = html.split('class="scores"')[1].split("</table>")[0]
    area = scores.split("1.1 ")[1].split("</tr>")[0]
    change = re.search(r"<td>([+−-]\d+,\d) ", area)
    assert change is not None
    return title.group(1).replace("Jämförelse: ", "").replace("&gt;", ">"), (
        *levels,
        direction.group(1),
        change.group(1).replace("−", "-"),
    )


def _xlsx(client: Any, start: int, other: int) -> tuple[str, tuple[str, ...]]:
    book = load_workbook(io.BytesIO(client.get(f"/rounds/{start}/compare.xlsx?with={other}").data))
    sheet = book["Jämförelse"]
    row = next(
        [str(c.value) for c in cells] for cells in sheet.iter_rows() if cells[0].value == "1.1.1"
    )
    scores = next(
        [c.value for c in cells]
        for cells in book["Poäng"].iter_rows()
        if cells[0].value == "Område" and cells[1].value == "1.1"
    )
    return str(sheet["A1"].value), (row[4], row[5], row[6], f"{scores[7]:+.1f}".replace(".", ","))


def _api(
    client: Any, headers: dict[str, str], start: int, other: int
) -> tuple[str, tuple[str, ...]]:
    data = client.get(f"/api/v1/rounds/{start}/compare/{other}", headers=headers).get_json()
    row = next(c for c in data["capabilities"] if c["number"] == "1.1.1")
    area = next(s for s in data["scores"] if s["kind"] == "area" and s["number"] == "1.1")
    change = f"{area['change_percent_points']:+.1f}".replace(".", ",")
    return data["title"], (
        str(row["level_before"]),
        str(row["level_after"]),
        row["direction"],
        change,
    )


def test_every_output_reads_older_to_newer_from_either_round(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin, older, newer = _two_rounds(session, make_user)
    login(client, admin)
    _token, plain = services.create_token(session, admin, name="Test")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    expected = (TITLE, ("3", "4", "↑", "+20,0"))
    outputs = {
        f"{name} from {start.name}": read(start.id, other.id)
        for start, other in ((older, newer), (newer, older))
        for name, read in (
            ("page", lambda a, b: _page(client, a, b)),
            ("xlsx", lambda a, b: _xlsx(client, a, b)),
            ("api", lambda a, b: _api(client, headers, a, b)),
        )
    }
    assert outputs == dict.fromkeys(outputs, expected), outputs

    # The round's PDF report (of the newer round) compares with the round before it.
    data, info, _snap = round_report(session, newer.id, include_confidential=False)
    assert info.comparison is not None
    html = render_html(data, info)
    assert f"Jämförelse: {TITLE}." in html
    chapter = html.split('id="forandringar"')[1].split("</section>")[0]
    pdf_row = chapter.split("<td>1.1.1</td>")[1].split("</tr>")[0]
    assert "3 → 4" in pdf_row
    area = next(s for s in info.comparison.scores if (s.kind, s.number) == ("area", "1.1"))
    assert f"{area.change:+.1f}".replace(".", ",") == expected[1][3]


def test_comparison_with_the_register_lists_only_changes(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin, older, _newer = _two_rounds(session, make_user)
    login(client, admin)
    html = client.get(f"/rounds/{older.id}/compare?with=today").get_data(as_text=True)
    assert "Jämförelse: Lägesbild 2026 → Registret i dag" in html
    assert "Delförmågor som har ändrats (1)" in html
    assert session.scalar(sa.select(sa.func.count(ReportingRound.id))) == 2


def test_english_comparison_shows_english_level_labels(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin, older, newer = _two_rounds(session, make_user)
    login(client, admin)
    html = client.get(f"/rounds/{newer.id}/compare?with={older.id}&lang=en").get_data(as_text=True)
    row = html.split('id="cmp-1.1.1"')[1].split("</tr>")[0]
    assert "Developed capacity" in row and "Demonstrated capacity" in row
    assert "Utvecklad förmåga" not in html and "Påvisad förmåga" not in html
