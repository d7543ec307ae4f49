"""The dashboard (/) and the gaps page (/gaps): heat map, flags at their boundaries, the
quarterly chart, confidentiality, roles and query counts."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
import yaml

from capabilities import services
from capabilities.models import Area, StatusAssessment, User
from capabilities.queries.dashboard import quarter_end, quarter_points
from capabilities.queries.gaps import FLAGS
from capabilities.services.assessments import AssessmentInput
from capabilities.services.assignments import AssignmentInput
from capabilities.services.measures import MeasureInput
from tests.conftest import find_capability
from web.dashboard.chart import _step

DATA = Path(__file__).resolve().parents[2] / "data" / "capabilities.yaml"


# --- helpers ---------------------------------------------------------------------------------


def _text(fragment: str) -> str:
    """Visible-or-spoken text of an HTML fragment, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", fragment).split())


def _cells(html: str) -> dict[str, tuple[str, str, str]]:
    """Heat map: capability number → (distance class, accessible name, visible text)."""
    return {
        number: (bucket, name, _text(inner))
        for bucket, number, name, inner in re.findall(
            r'<a class="heat-cell dist-(\w+)" href="/capabilities/([\d.]+)" aria-label="([^"]*)"'
            r"[^>]*>(.*?)</a>",
            html,
            re.S,
        )
    }


def _gap_rows(html: str) -> dict[str, dict[str, str]]:
    """Gaps table: capability number → {column: text}; flags by name, plus level and days."""
    rows: dict[str, dict[str, str]] = {}
    for number, body in re.findall(r'<tr data-number="([\d.]+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)
        row = {"title": _text(cells[0]), "level": _text(cells[1]), "target": _text(cells[2])}
        row["distance"], row["days"], row["flag_count"] = (_text(c) for c in cells[3:6])
        row |= dict.fromkeys((f.name for f in FLAGS), "")
        for name, unknown in re.findall(r'<li data-flag="(\w+)"( data-unknown)?', body):
            row[name] = "okänt" if unknown else "Ja"
        rows[number] = row
    return rows


def _chart(html: str) -> dict[str, dict[str, int]]:
    """The chart's data table: "2025 K2" → {bucket: count}."""
    table = html[html.index('id="chart-data"') :]
    table = table[: table.index("</table>")]
    return {
        label: {k: int(v) for k, v in re.findall(r'<td class="num" data-bucket="(\w+)">(\d+)', row)}
        for label, row in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S)
    }


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _assess(session: so.Session, user: User, number: str, level: int, **extra: Any) -> Any:
    return services.record_assessment(
        session,
        user,
        find_capability(session, number),
        AssessmentInput(level=level, summary=f"Nivå {level}", **extra),
    )


def _gaps(client: Any, **params: Any) -> dict[str, dict[str, str]]:
    response = client.get("/gaps", query_string=params)
    assert response.status_code == 200
    return _gap_rows(response.get_data(as_text=True))


def _unlinked_in_bilaga3() -> set[str]:
    entries = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    if isinstance(entries, dict):
        entries = entries.get("capabilities", entries)
    return {
        str(e["number"])
        for e in entries
        if not e.get("assignments") and not e.get("assignments_note")
    }


# --- the freshly seeded register -------------------------------------------------------------


def test_dashboard_shows_every_capability_in_the_heat_map(
    client: Any, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    cells = _cells(html)
    assert len(cells) == 62
    assert all(bucket == "none" for bucket, _name, _text in cells.values())
    assert cells["3.2.10"][1:] == ("3.2.10: Ej bedömd", "3.2.10 –")
    assert "<h1>Översikt</h1>" in html
    assert 'href="/gaps?flag=no_linked_assignment"' in html
    assert "Det finns inga statusbedömningar ännu." in html  # no empty chart
    assert "<svg" not in html
    levels = _section(html, "h-levels")
    assert re.search(r"Ej bedömd</th>\s*<td class=\"num\">62<", levels)


def test_gaps_page_on_the_seed(client: Any, as_role: Callable[..., User]) -> None:
    as_role("medlem")
    rows = _gaps(client)
    assert len(rows) == 62
    assert all(
        row["level"] == "– Ej bedömd" and row["not_assessed"] == "Ja" for row in rows.values()
    )
    expected = _unlinked_in_bilaga3()
    assert len(expected) == 26
    unlinked = _gaps(client, flag="no_linked_assignment")
    assert set(unlinked) == expected
    assert all(row["no_linked_assignment"] == "Ja" for row in unlinked.values())
    # two flags at once: both must hold
    assert set(_gaps(client, flag=["no_linked_assignment", "not_assessed"])) == expected
    html = client.get("/gaps").get_data(as_text=True)
    for flag in FLAGS:
        assert flag.explanation in html
    assert "<caption>Per huvudgrupp</caption>" in html and "<caption>Per område</caption>" in html


def test_gaps_filters_by_area(client: Any, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    rows = _gaps(client, area="3.2")
    assert len(rows) == 11 and all(n.startswith("3.2.") for n in rows)


# --- each flag on both sides of its boundary, through the page --------------------------------


def test_stale_boundary(client: Any, session: so.Session, as_role: Callable[..., User]) -> None:
    member = as_role("medlem")
    today = date.today()
    edge = _months_before(today, 6)
    _assess(session, member, "1.1.1", 3, assessed_on=edge)
    _assess(session, member, "1.1.2", 3, assessed_on=edge - timedelta(days=1))
    session.commit()
    rows = _gaps(client, stale_months=6)
    assert rows["1.1.1"]["stale"] == "" and rows["1.1.2"]["stale"] == "Ja"
    assert rows["1.1.1"]["days"] == str((today - edge).days)
    assert set(_gaps(client, stale_months=6, flag="stale")) == {"1.1.2"}
    # the default is 12 months: neither is stale then
    assert _gaps(client)["1.1.2"]["stale"] == ""


def test_low_level_without_measure_boundary(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    _assess(session, member, "2.1.1", 2)
    _assess(session, member, "2.1.2", 3)
    _assess(session, member, "2.1.3", 2)
    services.create_measure(
        session,
        member,
        MeasureInput(
            title="Aktiv åtgärd",
            capability_ids=[find_capability(session, "2.1.3").id],
            state="pågående",
        ),
    )
    session.commit()
    rows = _gaps(client)
    assert rows["2.1.1"]["low_level_without_measure"] == "Ja"
    assert rows["2.1.2"]["low_level_without_measure"] == ""
    assert rows["2.1.3"]["low_level_without_measure"] == ""  # level 2, but a measure runs
    assert rows["2.1.3"]["no_active_measure"] == "" and rows["2.1.1"]["no_active_measure"] == "Ja"


def test_below_target_boundary(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    _assess(session, member, "2.2.1", 3, target_level=4)
    _assess(session, member, "2.2.2", 4, target_level=4)
    _assess(session, member, "2.2.3", 5)  # no target: never below it
    session.commit()
    rows = _gaps(client)
    assert rows["2.2.1"]["below_target"] == "Ja"
    assert rows["2.2.2"]["below_target"] == ""
    assert rows["2.2.3"]["below_target"] == ""
    assert rows["2.2.1"]["level"] == "3 Utvecklad förmåga"
    assert rows["2.2.1"]["target"] == "4 Påvisad förmåga"


def test_overdue_milestone_boundary(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    today = date.today()
    unlinked = sorted(_unlinked_in_bilaga3())
    late_cap, due_cap = unlinked[0], unlinked[1]
    for number, due_on, title in (
        (late_cap, today - timedelta(days=1), "Testuppdrag med redovisning i går"),
        (due_cap, today, "Testuppdrag med redovisning i dag"),
    ):
        assignment = services.create_assignment(session, member, AssignmentInput(title=title))
        services.add_milestone(session, member, assignment, due_on=due_on, kind="delredovisning")
        services.link_assignment(session, member, find_capability(session, number), assignment)
    session.commit()
    rows = _gaps(client)
    assert rows[late_cap]["milestone_overdue"] == "Ja"
    assert rows[due_cap]["milestone_overdue"] == ""
    html = client.get("/").get_data(as_text=True)
    milestones = _section(html, "h-milestones")
    late = re.search(r"<tr>(?:(?!</tr>).)*i går(?:(?!</tr>).)*</tr>", milestones, re.S)
    due = re.search(r"<tr>(?:(?!</tr>).)*i dag(?:(?!</tr>).)*</tr>", milestones, re.S)
    assert late and due
    assert "Redovisning ej registrerad" in late.group(0) and (
        today - timedelta(days=1)
    ).isoformat() in late.group(0)
    assert "Redovisning ej registrerad" not in due.group(0) and today.isoformat() in due.group(0)
    assert "delredovisning" in due.group(0)
    assert "/assignments/" in due.group(0)


def test_milestones_list_covers_90_days_not_more(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    today = date.today()
    for days, title in ((90, "Inom-nittio-dagar"), (91, "Efter-nittio-dagar")):
        assignment = services.create_assignment(session, member, AssignmentInput(title=title))
        services.add_milestone(
            session, member, assignment, due_on=today + timedelta(days=days), kind="slutredovisning"
        )
    session.commit()
    milestones = _section(client.get("/").get_data(as_text=True), "h-milestones")
    assert "Inom-nittio-dagar" in milestones and "Efter-nittio-dagar" not in milestones


# --- levels over time ------------------------------------------------------------------------


def test_quarterly_chart_counts(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")

    def backdated(number: str, level: int, day: date) -> None:
        assessment = _assess(session, member, number, level, assessed_on=day)
        assessment.created_at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)

    backdated("1.1.1", 2, date(2025, 5, 10))
    backdated("1.1.2", 4, date(2025, 8, 20))
    backdated("1.1.1", 3, date(2025, 9, 1))
    # assessed in Q2 2025 but recorded today: only today's bar may count it
    _assess(session, member, "1.1.3", 5, assessed_on=date(2025, 5, 1))
    session.commit()

    html = client.get("/").get_data(as_text=True)
    assert "<svg" in html and '<title id="chart-title">' in html and "<desc" in html
    chart = _chart(html)
    labels = list(chart)
    assert labels[0] == "2025 K2"
    assert len(labels) == len(quarter_points(date(2025, 5, 1), date.today()))
    zero = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "secret": 0}
    assert chart["2025 K2"] == zero | {"none": 61, "2": 1}
    assert chart["2025 K3"] == zero | {"none": 60, "3": 1, "4": 1}
    assert chart[labels[-1]] == zero | {"none": 59, "3": 1, "4": 1, "5": 1}
    assert all(sum(counts.values()) == 62 for counts in chart.values())
    # the bars carry the same numbers
    assert "<title>2025 K2, 2 Begränsad förmåga: 1</title>" in html
    assert "<title>2025 K3, Ej bedömd: 60</title>" in html


def test_quarter_helpers() -> None:
    assert quarter_end(date(2025, 1, 1)) == date(2025, 3, 31)
    assert quarter_end(date(2025, 6, 30)) == date(2025, 6, 30)
    assert quarter_end(date(2025, 11, 5)) == date(2025, 12, 31)
    assert quarter_points(date(2025, 5, 1), date(2025, 11, 5)) == [
        date(2025, 6, 30),
        date(2025, 9, 30),
        date(2025, 11, 5),
    ]
    assert quarter_points(date(2025, 12, 31), date(2025, 12, 31)) == [date(2025, 12, 31)]
    assert len(quarter_points(date(1990, 1, 1), date(2026, 1, 1))) == 40
    assert [_step(n) for n in (1, 7, 8, 62, 70, 71, 300)] == [1, 1, 2, 10, 10, 20, 50]


# --- confidentiality -------------------------------------------------------------------------


def _confidential_level_five(session: so.Session, make_user: Callable[..., User]) -> None:
    author = make_user("medlem", can_see_confidential=True)
    services.record_assessment(
        session,
        author,
        find_capability(session, "3.2.10"),
        AssessmentInput(
            level=5,
            target_level=5,
            summary="HEMLIG-SAMMANFATTNING-5150",
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    session.commit()


def test_uncleared_user_sees_no_confidential_level(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    _confidential_level_five(session, make_user)
    as_role("läsare")
    html = client.get("/").get_data(as_text=True)
    assert "HEMLIG-SAMMANFATTNING-5150" not in html
    assert _cells(html)["3.2.10"] == ("secret", "3.2.10: Sekretessmarkerad uppgift", "3.2.10 S")
    assert "Hållbar förmåga" not in _section(html, "h-heat").split("</ul>", 1)[1]  # past the legend
    chart = _chart(html)
    today_counts = chart[list(chart)[-1]]
    assert today_counts["5"] == 0 and today_counts["secret"] == 1
    assert "Hållbar förmåga: 1<" not in html
    changes = _section(html, "h-changes")
    row = re.search(r"<tr>(?:(?!</tr>).)*3\.2\.10(?:(?!</tr>).)*</tr>", changes, re.S)
    assert row and "Sekretessmarkerad uppgift" in row.group(0)
    assert "Hållbar" not in row.group(0) and "level-5" not in row.group(0)
    levels = _section(html, "h-levels")
    assert re.search(r"Hållbar förmåga</th>\s*<td class=\"num\">0<", levels)

    gaps = client.get("/gaps").get_data(as_text=True)
    assert "HEMLIG-SAMMANFATTNING-5150" not in gaps
    row_ = _gap_rows(gaps)["3.2.10"]
    assert row_["level"] == "Sekretessmarkerad uppgift"
    assert row_["target"] == "Sekretessmarkerad uppgift"
    assert row_["below_target"] == "okänt" and row_["low_level_without_measure"] == "okänt"


def test_cleared_user_sees_the_confidential_level(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    _confidential_level_five(session, make_user)
    as_role("läsare", can_see_confidential=True)
    html = client.get("/").get_data(as_text=True)
    assert _cells(html)["3.2.10"] == (
        "0",
        "3.2.10: nivå 5 Hållbar förmåga, målnivå 5: uppnådd",
        "3.2.10 5 → 5",
    )
    chart = _chart(html)
    assert chart[list(chart)[-1]]["5"] == 1 and "secret" not in chart[list(chart)[-1]]
    assert _gap_rows(client.get("/gaps").get_data(as_text=True))["3.2.10"]["level"] == (
        "5 Hållbar förmåga"
    )


# --- latest changes --------------------------------------------------------------------------


def test_latest_changes_skip_the_seed_and_show_the_newest_ten(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    html = client.get("/").get_data(as_text=True)
    assert "Inga ändringar har gjorts sedan registret lästes in." in html
    for i, number in enumerate(["1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.2.1"]):
        _assess(session, member, number, 1 + i % 5)
        services.create_measure(
            session,
            member,
            MeasureInput(
                title=f"Åtgärd nummer {i}", capability_ids=[find_capability(session, number).id]
            ),
        )
    session.commit()
    changes = _section(client.get("/").get_data(as_text=True), "h-changes")
    rows = re.findall(r"<tr><td", changes)
    assert len(rows) == 10
    assert "Åtgärd nummer 5" in changes and "Åtgärd nummer 0" not in changes
    assert member.display_name in changes
    assert "inläst från rapporten" not in changes
    assert 'href="/capabilities/1.2.1"' in changes


# --- parameters, roles, labels ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"stale_months": "abc"}, "Ange antal månader som ett heltal från 1 till 240."),
        ({"stale_months": "0"}, "Ange antal månader som ett heltal från 1 till 240."),
        ({"stale_months": "241"}, "Ange antal månader som ett heltal från 1 till 240."),
        ({"as_of": "2026-02-30"}, "Ange datum som ÅÅÅÅ-MM-DD"),
        ({"as_of": "i går"}, "Ange datum som ÅÅÅÅ-MM-DD"),
        ({"as_of": "2999-01-01"}, "Datumet kan inte ligga i framtiden."),
        ({"flag": "finns_inte"}, "Okänd flagga"),
        ({"area": "9.9"}, "Okänt område"),
    ],
)
def test_bad_gap_parameters_get_a_message_and_the_default(
    client: Any, as_role: Callable[..., User], params: dict[str, str], message: str
) -> None:
    as_role("läsare")
    response = client.get("/gaps", query_string=params)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html or 'id="f-flag-error"' in html
    assert len(_gap_rows(html)) == 62
    assert f"Läget den {date.today().isoformat()}." in html


def test_gaps_as_of_a_past_date(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    _assess(session, member, "1.1.1", 4)
    session.commit()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert _gaps(client)["1.1.1"]["level"] == "4 Påvisad förmåga"
    past = _gaps(client, as_of=yesterday)
    assert past["1.1.1"]["level"] == "– Ej bedömd"  # not recorded yet on that date


def test_reader_sees_both_pages(client: Any, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    for path in ("/", "/gaps", "/gaps?flag=stale&flag=not_assessed&stale_months=3"):
        assert client.get(path).status_code == 200, path
    html = client.get("/").get_data(as_text=True)
    assert 'href="/gaps"' in html and 'aria-current="page"' in html


def test_pages_need_login(client: Any) -> None:
    for path in ("/", "/gaps"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.startswith("/login")


def test_flag_labels_match_the_domain(app: Any) -> None:
    from web.dashboard.labels import FLAG_EXPLANATIONS, FLAG_LABELS

    with app.test_request_context():
        for flag in FLAGS:
            assert str(FLAG_LABELS[flag.name]) == flag.label
            assert str(FLAG_EXPLANATIONS[flag.name]) == flag.explanation


# --- query counts ----------------------------------------------------------------------------


def _grow(session: so.Session, make_user: Callable[..., User], member: User) -> None:
    """30 more capabilities, each with history, links, measures and milestones."""
    admin = make_user("admin")
    area = session.scalars(sa.select(Area).where(Area.number == "3.3")).one()
    today = date.today()
    for i in range(10, 40):
        cap = services.create_capability(
            session, admin, area=area, number=f"3.3.{i}", title=f"Ny delförmåga {i}"
        )
        for k, level in enumerate((1, 3)):
            assessment = services.record_assessment(
                session,
                member,
                cap,
                AssessmentInput(
                    level=level,
                    summary="Historik",
                    assessed_on=today - timedelta(days=400 - 200 * k),
                    confidential=i % 7 == 0,
                    secrecy_ref="OSL 18:13" if i % 7 == 0 else None,
                ),
            )
            assessment.created_at = datetime.now(UTC) - timedelta(days=400 - 200 * k)
        assignment = services.create_assignment(
            session, member, AssignmentInput(title=f"Uppdrag {i}")
        )
        services.add_milestone(
            session,
            member,
            assignment,
            due_on=today + timedelta(days=i - 20),
            kind="delredovisning",
        )
        services.link_assignment(session, member, cap, assignment)
        services.create_measure(
            session,
            member,
            MeasureInput(title=f"Åtgärd {i}", capability_ids=[cap.id], state="pågående"),
        )
    session.commit()
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 61


def test_pages_use_a_constant_number_of_queries(
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    member = as_role("medlem")
    _assess(session, member, "1.1.1", 2)  # so that the chart is drawn in both rounds
    session.commit()
    counts = []
    for grow in (False, True):
        if grow:
            _grow(session, make_user, member)
        with count_queries() as dashboard:
            html = client.get("/").get_data(as_text=True)
        with count_queries() as gaps:
            assert client.get("/gaps").status_code == 200
        counts.append((dashboard.count, gaps.count))
        assert len(_cells(html)) == (92 if grow else 62)
    assert counts[0] == counts[1], counts
