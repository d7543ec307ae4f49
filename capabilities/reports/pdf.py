"""The PDF report: the register as of a date (or a closed reporting round), for a letter.

Rendered with WeasyPrint from a Jinja template and CSS paged media (A4, running headers,
"Sida X av Y", a table of contents with page numbers, PDF bookmarks, tagged PDF/UA-1) with the
fonts embedded. Everything shown comes from `ReportData`, which has already passed every
confidential field through the one redaction function; `include_confidential` there decides.
Charts are inline SVG as on the web dashboard: every bar carries its count as text.

Nothing from the database reaches the CSS: the stylesheets are static package files, and the
running headers take their text from the document's own autoescaped elements (`string-set`).
WeasyPrint runs only through `capabilities.reports.weasy`, whose fetcher serves the package's
own files and refuses every other URL (file:, http:, https:, data:), so markup that reached
the HTML still cannot attach or request anything (issue 23, F1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from capabilities import formatting
from capabilities.jinja_cache import SHARED as SHARED_BYTECODE
from capabilities.queries.gaps import FLAGS
from capabilities.queries.rounds import Comparison
from capabilities.queries.scores import LevelInput, Score, scores
from capabilities.redaction import CONFIDENTIAL_LABEL
from capabilities.reports.data import NOT_ASSESSED, CapabilityReport, ReportData
from capabilities.reports.meta import CONFIDENTIAL_BANNER, SENDER, TITLE, local_stamp

SECRET_KEY = "S"
NONE_KEY = "-"
MAIN_GAPS = 6  # capabilities listed on the summary page (it stays one page)
STYLESHEETS = ("report.css",)
CONFIDENTIAL_STYLESHEETS = ("report.css", "report-confidential.css")


@dataclass
class RoundInfo:
    """A closed round the report is of, and its comparison with the round before, if any."""

    name: str
    reference_date: str
    closed: str
    sha256: str
    comparison: Comparison | None = None


@dataclass
class Bar:
    label: str
    y: float
    segments: list[dict[str, Any]]
    total: int


@dataclass
class Chart:
    width: float
    height: float
    left: float
    bars: list[Bar]
    legend: list[dict[str, Any]]
    scale_ticks: list[dict[str, Any]] = field(default_factory=list)


def _key(cap: CapabilityReport) -> str:
    status = cap.row.status
    if status is None:
        return NONE_KEY
    return SECRET_KEY if status.level is None else str(status.level)


def _chart(
    rows: list[tuple[str, Counter[str]]],
    keys: list[str],
    colours: dict[str, str],
    labels: dict[str, str],
) -> Chart:
    """Horizontal stacked bars, one per area: segment width ∝ count, count printed inside."""
    left, width, bar_height, gap = 60.0, 470.0, 18.0, 8.0
    most = max((sum(c.values()) for _, c in rows), default=1) or 1
    unit = (width - left - 30) / most
    bars = []
    for index, (label, counts) in enumerate(rows):
        x, segments = left, []
        for key in keys:
            count = counts.get(key, 0)
            if not count:
                continue
            w = count * unit
            segments.append(
                {
                    "key": key,
                    "x": x,
                    "width": w,
                    "count": count,
                    "colour": colours[key],
                    "labelled": w >= 12,
                    "label": labels[key],
                }
            )
            x += w
        bars.append(Bar(label, index * (bar_height + gap), segments, sum(counts.values())))
    height = len(rows) * (bar_height + gap)
    legend = [{"key": k, "colour": colours[k], "label": labels[k]} for k in keys]
    return Chart(width, height, left, bars, legend)


def build_context(report: ReportData, round_info: RoundInfo | None = None) -> dict[str, Any]:
    levels = report.levels
    keys = [NONE_KEY, *(str(lvl.level) for lvl in levels), SECRET_KEY]
    labels = {
        NONE_KEY: NOT_ASSESSED,
        SECRET_KEY: CONFIDENTIAL_LABEL,
        **{str(lvl.level): f"{lvl.level} {lvl.label}" for lvl in levels},
    }
    colours = {
        NONE_KEY: "#e6e6e6",
        SECRET_KEY: "#c9c9d6",
        **{str(lvl.level): lvl.colour for lvl in levels},
    }
    caps = report.capabilities
    totals: Counter[str] = Counter(_key(c) for c in caps)
    groups: list[dict[str, Any]] = []
    by_group: dict[str, dict[str, Any]] = {}
    for cap in caps:
        row = cap.row
        group = by_group.get(row.main_group_number)
        if group is None:
            group = {
                "number": row.main_group_number,
                "title": row.main_group_title,
                "areas": [],
                "counts": Counter(),
                "_areas": {},
            }
            by_group[row.main_group_number] = group
            groups.append(group)
        area = group["_areas"].get(row.area_number)
        if area is None:
            area = {
                "number": row.area_number,
                "title": row.area_title,
                "capabilities": [],
                "counts": Counter(),
            }
            group["_areas"][row.area_number] = area
            group["areas"].append(area)
        area["capabilities"].append(cap)
        area["counts"][_key(cap)] += 1
        group["counts"][_key(cap)] += 1
    score_list = scores(
        LevelInput(
            c.row.area_number,
            c.row.area_title,
            c.row.main_group_number,
            c.row.main_group_title,
            c.row.status.level if c.row.status else None,
        )
        for c in caps
    )
    score_by: dict[tuple[str, str], Score] = {(s.kind, s.number): s for s in score_list}
    for group in groups:
        group["score"] = score_by.get(("main_group", group["number"]))
        group["chart"] = _chart(
            [(a["number"], a["counts"]) for a in group["areas"]], keys, colours, labels
        )
        for area in group["areas"]:
            area["score"] = score_by.get(("area", area["number"]))
    frame = report.gaps
    flag_counts = {
        flag.label: int(frame[flag.name].fillna(False).astype(bool).sum()) for flag in FLAGS
    }
    gap_rows = []
    titles = {c.row.number: c.row.title.splitlines()[0] for c in caps}
    levels_by_number = {c.row.number: c for c in caps}
    for record in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
        flags = [flag.label for flag in FLAGS if record[flag.name] is True]
        if not flags:
            continue
        found = levels_by_number.get(record["number"])
        gap_rows.append(
            {
                "number": record["number"],
                "title": titles.get(record["number"], record["title"]),
                "level": labels[_key(found)] if found else "",
                "target": record["target_level"],
                "gap": record["gap"],
                "flags": flags,
            }
        )
    main_gaps = sorted(
        (g for g in gap_rows if g["gap"] is not None and g["gap"] > 0),
        key=lambda g: -g["gap"],
    )[:MAIN_GAPS]
    return {
        "report": report,
        "title": TITLE,
        "sender": SENDER,
        "banner": CONFIDENTIAL_BANNER,
        "produced": local_stamp(report.generated_at),
        "round": round_info,
        "keys": keys,
        "labels": labels,
        "colours": colours,
        "totals": totals,
        "total": len(caps),
        "groups": groups,
        "flag_counts": flag_counts,
        "flags": FLAGS,
        "gap_rows": gap_rows,
        "main_gaps": main_gaps,
        "assignments": report.assignments,
        "level_labels": report.level_labels,
        "confidential_label": CONFIDENTIAL_LABEL,
        "not_assessed": NOT_ASSESSED,
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("capabilities.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=SHARED_BYTECODE,
    )
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["pct"] = formatting.percent
    env.filters["signed"] = formatting.signed
    return env


def render_html(report: ReportData, round_info: RoundInfo | None = None) -> str:
    """The report as HTML; every value is autoescaped, and the HTML carries no CSS."""
    return _environment().get_template("report.html").render(**build_context(report, round_info))


def write_pdf(report: ReportData, stream: IO[bytes], round_info: RoundInfo | None = None) -> None:
    """Render the report to PDF (tagged, PDF/UA-1, fonts embedded) onto a binary stream."""
    from capabilities.reports.weasy import html_to_pdf  # heavy: WeasyPrint only for a PDF

    sheets = CONFIDENTIAL_STYLESHEETS if report.include_confidential else STYLESHEETS
    html_to_pdf(render_html(report, round_info), stream, sheets)
