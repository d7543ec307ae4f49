"""Diary numbers (diarienummer): parse, normalise and name the issuing ministry.

Forms seen in the seeds: ``S2022/04550``, ``KN 2023/03646`` (space), ``2021/08235`` (Bilaga 3
omits the S), ``S2020/01233/FS`` and older ``S2015/3628/FS`` (unit suffix, four-digit serial),
``Ju2022/01209/SSK``. Normalised form: prefix, year, slash, serial, optional uppercase suffix,
no spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MINISTRIES = {
    "S": "Socialdepartementet",
    "KN": "Klimat- och näringslivsdepartementet",
    "LI": "Landsbygds- och infrastrukturdepartementet",
    "N": "Näringsdepartementet",
    "Ju": "Justitiedepartementet",
    "Fi": "Finansdepartementet",
    "Fö": "Försvarsdepartementet",
    "U": "Utbildningsdepartementet",
    "A": "Arbetsmarknadsdepartementet",
    "M": "Miljödepartementet",
    "UD": "Utrikesdepartementet",
    "I": "Infrastrukturdepartementet",
}
_PREFIX_BY_UPPER = {prefix.upper(): prefix for prefix in MINISTRIES}
DEFAULT_PREFIX = "S"
MAX_LENGTH = 40

# [0-9], not \d: \d also matches other scripts' digits (٢٠٢٢), which would pass into the number.
_DNR = re.compile(
    r"""^\s*
    (?P<prefix>[A-Za-zÅÄÖåäö]{1,2})?\s*
    (?P<year>[0-9]{4})\s*/\s*
    (?P<serial>[0-9]{3,5})
    (?:\s*/\s*(?P<suffix>[A-Za-zÅÄÖåäö]{1,5}))?
    \s*$""",
    re.VERBOSE,
)
_PARTIAL = re.compile(r"\(?\s*delvis\s*\)?", re.IGNORECASE)


class DnrError(ValueError):
    """A malformed diary number; the message is Swedish and names the input."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedDnr:
    number: str
    printed: str
    is_partial: bool


def normalise_dnr(text: str, default_prefix: str = DEFAULT_PREFIX) -> str:
    """Return the normalised dnr, or raise DnrError with a Swedish message."""
    if not isinstance(text, str) or not text.strip():
        raise DnrError("Diarienummer saknas.")
    if len(text) > MAX_LENGTH:
        raise DnrError(f"Diarienumret är för långt (högst {MAX_LENGTH} tecken).")
    match = _DNR.match(text)
    if match is None:
        raise DnrError(
            f"”{text.strip()}” är inte ett giltigt diarienummer. "
            "Skriv till exempel S2022/04550 eller KN2023/03646."
        )
    raw_prefix = match["prefix"]
    if raw_prefix is None:
        prefix = default_prefix
    else:
        found = _PREFIX_BY_UPPER.get(raw_prefix.upper())
        if found is None:
            known = ", ".join(MINISTRIES)
            raise DnrError(
                f"Okänt departementsprefix ”{raw_prefix}” i ”{text.strip()}”. "
                f"Kända prefix: {known}."
            )
        prefix = found
    year = int(match["year"])
    if not 1970 <= year <= 2100:
        raise DnrError(f"Årtalet {year} i ”{text.strip()}” är inte rimligt.")
    if int(match["serial"]) == 0:
        raise DnrError(f"Löpnumret i ”{text.strip()}” kan inte vara noll.")
    suffix = f"/{match['suffix'].upper()}" if match["suffix"] else ""
    return f"{prefix}{year}/{match['serial']}{suffix}"


def parse_dnr_list(text: str) -> list[ParsedDnr]:
    """Parse a comma/semicolon/newline separated list; each item may end with "(delvis)"."""
    items = [item.strip() for item in re.split(r"[,;\n]", text or "") if item.strip()]
    if not items:
        raise DnrError("Diarienummer saknas.")
    parsed = []
    for item in items:
        is_partial = bool(re.search(r"delvis", item, re.IGNORECASE))
        bare = _PARTIAL.sub("", item).strip().strip("()").strip()
        parsed.append(ParsedDnr(normalise_dnr(bare), item, is_partial))
    return parsed


def ministry_for(number: str) -> str | None:
    """Socialdepartementet for S2022/04550, and so on; None for an unknown prefix."""
    match = re.match(r"[A-Za-zÅÄÖåäö]+", number)
    return MINISTRIES.get(match.group(0)) if match else None


def dnr_key(text: str) -> tuple[str, int, int, str] | None:
    """What identifies a dnr whatever its spelling: prefix, year, serial as a number, suffix.

    ``S2022/4550`` and ``S2022/04550``, ``KN 2023/03646`` and ``KN2023/03646`` have the same
    key; a text that is no dnr (a title word, a fragment) has none. Also the natural sort key
    of diary numbers (serial 10 after 9, not after 1).
    """
    try:
        number = normalise_dnr(text)
    except DnrError:
        return None
    match = _DNR.match(number)
    assert match is not None  # a normalised dnr matches its own pattern
    return (
        match["prefix"].upper(),
        int(match["year"]),
        int(match["serial"]),
        match["suffix"] or "",
    )
