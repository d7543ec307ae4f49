"""Fuzzing with hypothesis: hostile input gets a Swedish refusal, never a crash.

- the dnr parser: a normalised dnr matching the documented form, or DnrError with a message;
- the workbook import: a plan or ImportRejected listing problems, and nothing written;
- random bytes as an upload: ImportRejected;
- the register's search and filters: always 200.

Each test prints how many examples ran, so that the figure can be reported.
"""

from __future__ import annotations

import io
import re
import string
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from capabilities.dnr import MINISTRIES, DnrError, normalise_dnr, parse_dnr_list
from capabilities.models import AuditEvent, Capability, StatusAssessment, User
from capabilities.reports.xlsx import HEADER_ROW, UPDATE_COLUMNS, UPDATE_SHEET
from importers.status_workbook import ImportRejected, plan_import

EXAMPLES = 200
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the project
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# The documented normalised form (capabilities/dnr.py): known prefix, four-digit year, slash,
# three to five digit serial (ASCII digits), optional uppercase unit suffix; no spaces.
NORMALISED = re.compile(
    "(?:" + "|".join(sorted(MINISTRIES, key=len, reverse=True)) + r")"
    r"[0-9]{4}/[0-9]{3,5}(?:/[A-ZÅÄÖ]{1,5})?"
)
SWEDISH_REFUSAL = re.compile(r"[Dd]iarienum|departementsprefix|Årtalet|Löpnumret")


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[str, int], None]]:
    """report(name, n): print the figure past pytest's capture."""
    lines: list[str] = []
    yield lambda name, count: lines.append(f"[fuzz] {name}: {count} examples")
    with capsys.disabled():
        for line in lines:
            print(f"\n{line}")


# --- dnr -------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        *MINISTRIES,
        "s",
        "kn",
        "fö",
        "XX",
        "Q",
        "2022",
        "1969",
        "2101",
        "0000",
        "/",
        "//",
        " ",
        "\t",
        "\n",
        "04550",
        "3628",
        "000",
        "00000",
        "123456",
        "FS",
        "ssk",
        "(delvis)",
        "delvis",
        "(",
        ")",
        ",",
        ";",
        "٢٠٢٢",  # Arabic-Indic digits
        "２０２２",  # full-width digits
        "¹²³",
        "\u00a0",
        "\u200b",
        "\u2028",
        "'; DROP TABLE assignments; --",
        "%",
        "_",
        "\\",
        "\x00",
        "ß",
        "Å",
        "ﬁ",
        "İ",
        "🙂",
    ]
)
_DIGITS = st.sampled_from(
    ["0123456789", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "۰۱۲۳۴۵۶۷۸۹", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"]
)
_SPACE = st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u3000"])
# Nearly valid: a real prefix, year and serial, written with any digits and any spacing.
_NEAR_VALID = st.tuples(
    st.sampled_from([*MINISTRIES, "", "s", "kn", "FÖ", "Xx"]),
    _SPACE,
    st.integers(min_value=1960, max_value=2110),
    _SPACE,
    st.one_of(st.integers(min_value=1, max_value=99999), st.integers(min_value=0)),
    st.sampled_from(["", "/FS", "/ssk", " / Åb", "/ÅÄÖÅÄÖ", "/ß", " (delvis)"]),
    st.one_of(st.just("0123456789"), _DIGITS),  # mostly ASCII: most should be valid
).map(
    lambda t: f"{t[0]}{t[1]}{t[2]}{t[3]}/{t[4]:05d}{t[5]}".translate(
        str.maketrans("0123456789", t[6])
    )
)
HOSTILE_DNR = st.one_of(
    st.text(max_size=60),
    _NEAR_VALID,
    st.lists(_PIECES, max_size=14).map("".join),
    st.from_regex(r"[A-Za-zÅÄÖåäö]{0,3} ?\d{4} ?/ ?\d{1,6}( ?/ ?\w{0,6})?", fullmatch=True),
)


def _refusal(exc: DnrError) -> None:
    assert isinstance(exc.message, str) and exc.message.strip()
    assert str(exc) == exc.message
    assert SWEDISH_REFUSAL.search(exc.message), exc.message


def test_normalise_dnr_normalises_or_refuses(report: Callable[[str, int], None]) -> None:
    runs = {"n": 0, "valid": 0}

    @FUZZ
    @given(HOSTILE_DNR)
    def check(text: str) -> None:
        runs["n"] += 1
        try:
            number = normalise_dnr(text)
        except DnrError as exc:
            _refusal(exc)
            return
        runs["valid"] += 1
        assert NORMALISED.fullmatch(number), (text, number)
        assert normalise_dnr(number) == number  # idempotent

    check()
    report(f"normalise_dnr ({runs['valid']} valid)", runs["n"])


_VALID_FORM = st.tuples(
    st.sampled_from(sorted(MINISTRIES)),
    st.sampled_from(["lower", "upper", "keep"]),
    _SPACE,
    st.integers(min_value=1970, max_value=2100),
    _SPACE,
    st.integers(min_value=1, max_value=99999),
    st.integers(min_value=3, max_value=5),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖabcdefghijklmnopqrstuvwxyzåäö", max_size=5),
)


def test_normalise_dnr_accepts_every_documented_form(report: Callable[[str, int], None]) -> None:
    """Any spacing and letter case of a valid dnr gives the one normalised form."""
    runs = {"n": 0}

    @FUZZ
    @given(_VALID_FORM)
    def check(parts: tuple[str, str, str, int, str, int, int, str]) -> None:
        prefix, case, space1, year, space2, serial, width, suffix = parts
        serial_text = f"{serial:0{width}d}"  # 1..99999 in 3 to 5 digits
        runs["n"] += 1
        written = {"lower": prefix.lower(), "upper": prefix.upper(), "keep": prefix}[case]
        text = f"{written}{space1}{year}{space2}/{serial_text}" + (f" / {suffix}" if suffix else "")
        expected = f"{prefix}{year}/{serial_text}" + (f"/{suffix.upper()}" if suffix else "")
        assert normalise_dnr(text) == expected

    check()
    report("normalise_dnr valid forms", runs["n"])


def test_parse_dnr_list_parses_or_refuses(report: Callable[[str, int], None]) -> None:
    runs = {"n": 0}

    @FUZZ
    @given(st.lists(HOSTILE_DNR, max_size=4).map(lambda items: ", ".join(items)))
    def check(text: str) -> None:
        runs["n"] += 1
        try:
            parsed = parse_dnr_list(text)
        except DnrError as exc:
            _refusal(exc)
            return
        assert parsed
        for item in parsed:
            assert NORMALISED.fullmatch(item.number), (text, item)
            assert isinstance(item.is_partial, bool)

    check()
    report("parse_dnr_list", runs["n"])


# --- the workbook import ---------------------------------------------------------------------

_NUMBERS = ("1.1.1", "1.1.2", "2.1.1", "3.2.10")
_CELL = st.one_of(
    st.none(),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40
    ),  # openpyxl refuses control characters in cells, as Excel does
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3000)),
    st.sampled_from(["3", " 2 – Begränsad förmåga", "Påvisad förmåga", "6", "0", "2024-02-30"]),
)
_ROW = st.fixed_dictionaries(
    {name: _CELL for name in UPDATE_COLUMNS}
    | {
        "Nummer": st.one_of(st.sampled_from(_NUMBERS), _CELL),
        "Version": st.one_of(st.just(0), _CELL),
    }
)


def _workbook(rows: list[dict[str, Any]]) -> io.BytesIO:
    """An Uppdatering sheet laid out like the export's, with the given cell values."""
    book = Workbook()
    sheet = book.active
    sheet.title = UPDATE_SHEET
    sheet.cell(1, 1).value = "Förmågeregistret – uppdatering"
    for column, name in enumerate(UPDATE_COLUMNS, start=1):
        sheet.cell(HEADER_ROW, column).value = name
    for offset, row in enumerate(rows, start=HEADER_ROW + 1):
        for column, name in enumerate(UPDATE_COLUMNS, start=1):
            sheet.cell(offset, column).value = row[name]
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _written(session: so.Session) -> tuple[int, int]:
    return (
        session.scalar(sa.select(sa.func.count(StatusAssessment.id))) or 0,
        session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0,
    )


def test_import_plans_or_rejects_any_cell_values(
    session: so.Session, make_user: Callable[..., User], report: Callable[[str, int], None]
) -> None:
    member = make_user()
    before = _written(session)
    runs = {"n": 0, "plans": 0, "rejected": 0}

    @FUZZ
    @given(st.lists(_ROW, min_size=1, max_size=5))
    def check(rows: list[dict[str, Any]]) -> None:
        runs["n"] += 1
        try:
            plan = plan_import(session, member, _workbook(rows), today=date(2025, 1, 15))
        except ImportRejected as exc:
            runs["rejected"] += 1
            assert exc.problems and all(str(p).strip() for p in exc.problems)
        else:
            runs["plans"] += 1
            assert len(plan.changes) + len(plan.conflicts) + plan.unchanged_rows <= len(rows)
            for change in plan.changes:
                assert change.number in _NUMBERS and 1 <= change.level <= 5
        assert not session.new and not session.dirty and not session.deleted
        assert _written(session) == before

    check()
    report(
        f"plan_import cells ({runs['plans']} plans, {runs['rejected']} rejected)",
        runs["n"],
    )


def test_random_bytes_upload_is_rejected(
    session: so.Session, make_user: Callable[..., User], report: Callable[[str, int], None]
) -> None:
    member = make_user()
    valid = _workbook([{name: None for name in UPDATE_COLUMNS} | {"Nummer": "1.1.1"}]).getvalue()
    runs = {"n": 0}

    def damaged(position_and_bytes: tuple[int, bytes]) -> bytes:
        position, junk = position_and_bytes
        position %= len(valid)
        return valid[:position] + junk + valid[position + len(junk) :]

    uploads = st.one_of(
        st.binary(max_size=4096),
        st.binary(max_size=2048).map(lambda b: b"PK\x03\x04" + b),
        st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=64)).map(damaged),
        st.tuples(st.integers(min_value=0, max_value=len(valid))).map(lambda t: valid[: t[0]]),
    )

    @FUZZ
    @given(uploads)
    def check(data: bytes) -> None:
        runs["n"] += 1
        if data == valid:
            return
        try:
            plan_import(session, member, io.BytesIO(data))
        except ImportRejected as exc:
            assert exc.problems and all(str(p).strip() for p in exc.problems)
        # A damaged copy that still reads as the original is fine; nothing else may happen.
        assert not session.new and not session.dirty

    check()
    report("plan_import random bytes", runs["n"])


# --- the register's search and filters -------------------------------------------------------

_SQLISH = st.sampled_from(
    [
        "'",
        '"',
        "%",
        "_",
        "\\",
        ";",
        "--",
        "/*",
        "*/",
        "' OR 1=1 --",
        "'; DROP TABLE capabilities; --",
        "\x00",
        "²",
        "٣",
        "１",
        "-1",
        "0",
        "99999999999999999999999",
        "1e9",
        "NaN",
        "1.1",
        "3.2.10",
        "none",
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "%(x)s",
    ]
)
_QUERY_TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.lists(_SQLISH, max_size=5).map("".join),
    st.text(alphabet=string.printable, max_size=30),
)
_PARAMS = st.dictionaries(
    st.sampled_from(["q", "area", "level", "actor", "assignment", "page"]), _QUERY_TEXT, max_size=6
)


def test_register_search_never_fails(
    client: Any, as_role: Callable[..., User], report: Callable[[str, int], None]
) -> None:
    as_role("läsare")
    runs = {"n": 0}

    @FUZZ
    @given(_PARAMS)
    def check(params: dict[str, str]) -> None:
        runs["n"] += 1
        response = client.get("/register", query_string=params)
        assert response.status_code == 200, (params, response.status_code)
        body = response.get_data(as_text=True)
        assert "<script>alert" not in body  # echoed back escaped, never as markup

    check()
    report("GET /register filters", runs["n"])


def test_assignment_link_search_never_fails(
    client: Any, as_role: Callable[..., User], report: Callable[[str, int], None]
) -> None:
    """The register's other search box: assignments to link, by dnr or title (SQL LIKE)."""
    as_role("medlem")
    runs = {"n": 0}

    @FUZZ
    @given(_QUERY_TEXT)
    def check(query: str) -> None:
        runs["n"] += 1
        response = client.get("/capabilities/1.1.1/assignments/link", query_string={"q": query})
        assert response.status_code == 200, (query, response.status_code)

    check()
    report("GET assignment link search", runs["n"])


def test_register_search_finds_what_it_should(client: Any, as_role: Callable[..., User]) -> None:
    """The fuzz above only proves it doesn't crash; this proves the filters still filter."""
    as_role("läsare")
    body = client.get("/register", query_string={"q": "3.2.10"}).get_data(as_text=True)
    assert "3.2.10" in body and "1.1.1<" not in body


@pytest.mark.parametrize("value", ["²", "٣", "9" * 30, "\x00", "'--"])
def test_register_filter_edge_values(
    client: Any, as_role: Callable[..., User], session: so.Session, value: str
) -> None:
    as_role("läsare")
    for key in ("actor", "assignment", "area", "level", "q", "page"):
        response = client.get("/register", query_string={key: value})
        assert response.status_code == 200, (key, value)
    assert session.scalar(sa.select(sa.func.count(Capability.id))) == 62
