"""Reading the gaps page's query string: a bad value gets a Swedish message and the default."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from capabilities.queries.gap_view import DEFAULT_SORT, SORT_NAMES
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS, FLAG_NAMES
from web.forms import is_id

MIN_STALE_MONTHS = 1
MAX_STALE_MONTHS = 240


@dataclass
class GapFilters:
    flags: list[str]
    area: str
    stale_months: int
    as_of: date
    raw: dict[str, str]  # what the user typed, to refill the form
    errors: dict[str, str] = field(default_factory=dict)
    sort: str = DEFAULT_SORT

    @property
    def any(self) -> bool:
        return bool(self.flags or self.area or any(self.raw.values()) or self.sort != DEFAULT_SORT)

    def query(self, **changes: object) -> dict[str, object]:
        """The filter as URL arguments (only what differs from the defaults), so that a link,
        a sort header or a download keeps every other choice; `changes` override."""
        args: dict[str, object] = {
            "flag": self.flags,
            "area": self.area,
            "stale_months": self.stale_months if self.stale_months != DEFAULT_STALE_MONTHS else "",
            "as_of": self.raw["as_of"] if "as_of" not in self.errors else "",
            "sort": self.sort if self.sort != DEFAULT_SORT else "",
        }
        args.update(changes)
        return {name: value for name, value in args.items() if value not in ("", [], None)}


def parse_gap_filters(args: MultiDict[str, str], today: date) -> GapFilters:
    errors: dict[str, str] = {}
    wanted = [value.strip() for value in args.getlist("flag") if value.strip()]
    unknown = [value for value in wanted if value not in FLAG_NAMES]
    if unknown:
        errors["flag"] = _(
            "Okänd flagga: %(names)s. Välj bland flaggorna i listan.",
            names=", ".join(f"”{name[:40]}”" for name in unknown),
        )
    flags = [name for name in FLAG_NAMES if name in wanted]

    raw_months = (args.get("stale_months") or "").strip()[:20]
    stale_months = DEFAULT_STALE_MONTHS
    if raw_months:
        if is_id(raw_months) and MIN_STALE_MONTHS <= int(raw_months) <= MAX_STALE_MONTHS:
            stale_months = int(raw_months)
        else:
            errors["stale_months"] = _(
                "Ange antal månader som ett heltal från %(low)s till %(high)s. "
                "Standardvärdet %(default)s används.",
                low=MIN_STALE_MONTHS,
                high=MAX_STALE_MONTHS,
                default=DEFAULT_STALE_MONTHS,
            )

    raw_day = (args.get("as_of") or "").strip()[:20]
    as_of = today
    if raw_day:
        try:
            day = date.fromisoformat(raw_day) if len(raw_day) == 10 else None
        except ValueError:
            day = None
        if day is None:
            errors["as_of"] = _(
                "Ange datum som ÅÅÅÅ-MM-DD, till exempel %(example)s. Dagens datum används.",
                example=today.isoformat(),
            )
        elif day > today:
            errors["as_of"] = _("Datumet kan inte ligga i framtiden. Dagens datum används.")
        else:
            as_of = day

    sort = (args.get("sort") or "").strip()[:20] or DEFAULT_SORT
    if sort not in SORT_NAMES:
        errors["sort"] = _("Okänd ordning: ”%(sort)s”. Registerordning används.", sort=sort[:20])
        sort = DEFAULT_SORT

    return GapFilters(
        sort=sort,
        flags=flags,
        area=(args.get("area") or "").strip()[:20],
        stale_months=stale_months,
        as_of=as_of,
        raw={"stale_months": raw_months, "as_of": raw_day},
        errors=errors,
    )
