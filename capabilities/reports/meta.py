"""What the PDF cover and the workbook's title block both say: title, sender, dates, secrecy."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

TITLE = "Förmågeregistret – förmågestruktur för försörjningsberedskap"
SENDER = "Socialstyrelsen / NAS-försörjningsberedskap"
CONFIDENTIAL_BANNER = "INNEHÅLLER SEKRETESSMARKERADE UPPGIFTER – hanteras enligt OSL"
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")
ZONE_NAME = "Europe/Stockholm"


def local_time(moment: datetime) -> datetime:
    """A stored moment (UTC; naive means UTC) as Swedish local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_ZONE)


def local_stamp(moment: datetime) -> str:
    """'2026-11-30 00:45 CET (Europe/Stockholm)': local time with the zone named."""
    local = local_time(moment)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({ZONE_NAME})"
