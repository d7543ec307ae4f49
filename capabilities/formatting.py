"""The one rule for numbers in every output: Babel's for the locale (Swedish by default).

Pages (through web/filters.py, in the interface language), the PDF, the CLI tables and the
report files all write a share as "44,0 %" and a change as "+20,0" / "-20,0" (Swedish: decimal
comma, a space before %) and "44.0 %" in English; dates are ISO 8601
everywhere. A guard test fails when code outside this module
formats a float itself (`:.1f`, `%.1f`, `.replace(".", ",")`).
"""

from __future__ import annotations

from babel.numbers import format_decimal

DEFAULT_LOCALE = "sv"
NONE = "–"


def decimal(value: float | None, *, locale: str = DEFAULT_LOCALE, places: int = 1) -> str:
    """A number with `places` decimals: "2,5"; "–" for none."""
    if value is None:
        return NONE
    pattern = "0." + "0" * places if places else "0"
    return str(format_decimal(value, pattern, locale=locale))


def percent(value: float | None, *, locale: str = DEFAULT_LOCALE) -> str:
    """A share in per cent (0–100): "44,0 %"; "–" for none."""
    return NONE if value is None else f"{decimal(value, locale=locale)} %"


def signed(value: float | None, *, locale: str = DEFAULT_LOCALE) -> str:
    """A change with its sign: "+20,0", "−20,0"; "–" for none."""
    if value is None:
        return NONE
    return str(format_decimal(value, "+0.0;-0.0", locale=locale))
