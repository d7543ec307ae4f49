"""Deadlines as an iCalendar (RFC 5545) file, written with the icalendar library.

Every deadline is an all-day event (a DATE, not a time: a report is due on a day, in
Europe/Stockholm, whatever the reader's time zone). Its UID is derived from the task's key, the
kind and id of the thing itself and never its date, so when a deadline moves, calendar programs
replace the event instead of adding a second one.

Text goes in through `one_line` (names and summaries: one line) and `_text` (descriptions): RFC 5545
TEXT holds no control characters, and icalendar writes the calendar's NAME / X-WR-CALNAME
unescaped, so a line break in a display name would end the content line (issue 23).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import TRANSP, Calendar, Event

from capabilities.reports.cells import clean_text, one_line

UID_DOMAIN = "formagaregistret"
TIMEZONE = "Europe/Stockholm"
PRODID = "-//NAS-försörjningsberedskap//Förmågeregistret//SV"
REFRESH = timedelta(hours=6)


@dataclass(frozen=True)
class CalendarEvent:
    key: str  # stable, e.g. "milestone-12"
    day: date
    summary: str
    description: str
    url: str


def _text(value: str) -> str:
    """Multi-line text: control characters XML and RFC 5545 refuse dropped (icalendar escapes
    the line breaks)."""
    return clean_text(value)


def event_uid(key: str) -> str:
    return f"{key}@{UID_DOMAIN}"


def calendar_bytes(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    description: str,
    calendar_key: str,
    stamp: datetime,
) -> bytes:
    """The whole calendar as RFC 5545 text (CRLF lines, folded at 75 octets)."""
    cal = Calendar.new(
        prodid=PRODID,
        name=one_line(name),
        description=_text(description),
        uid=event_uid(calendar_key),
        calscale="GREGORIAN",
    )
    cal.add("method", "PUBLISH")
    # RFC 7986 wants the value type stated; Outlook reads its own X-PUBLISHED-TTL instead.
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", f"PT{int(REFRESH.total_seconds()) // 3600}H")
    cal.add("x-wr-timezone", TIMEZONE)
    for item in events:
        cal.add_component(
            Event.new(
                uid=event_uid(item.key),
                stamp=stamp,
                start=item.day,
                end=item.day + timedelta(days=1),
                summary=one_line(item.summary),
                description=_text(item.description),
                url=item.url,
                transparency=TRANSP.TRANSPARENT,
            )
        )
    text: bytes = cal.to_ical()
    return text
