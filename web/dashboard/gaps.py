"""/gaps: the coverage gaps an analyst filters, ranks and takes away as xlsx or CSV.

The page and both downloads read the same `gap_view` for the same query string, so a file holds
exactly the rows the page lists (every page of them), in the same order.
"""

from __future__ import annotations

import io
import math
from datetime import date
from typing import Any

import pandas as pd
from flask import Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from capabilities.queries.gap_view import SORT_NAMES, GapView, choose_view
from capabilities.queries.gaps import FLAGS, aggregate, flag_counts, records
from capabilities.queries.pagination import PageRequest, paginate_list
from capabilities.queries.register import level_labels
from capabilities.reports import gap_export
from web.assignments.forms import KIND_LABELS
from web.cache import kept
from web.dashboard.kept import kept_gap_view
from web.dashboard.labels import SORT_LABELS
from web.dashboard.params import GapFilters, parse_gap_filters
from web.dashboard.routes import bp
from web.db import db_session
from web.filters import decimal

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _aggregate_rows(filters: GapFilters, frame: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    """Counts per flag and mean level per area or main group (kept with the frame), the mean
    written in the interface language."""
    key = (filters.as_of, filters.stale_months, bool(current_user.can_see_confidential), by)
    kept_rows: list[dict[str, Any]] = kept(
        "gap_aggregate", key, lambda: aggregate(frame, by=by).to_dict(orient="records")
    )
    rows = [dict(row) for row in kept_rows]
    for row in rows:
        mean = row["mean_level"]
        row["mean_level"] = None if mean is None or math.isnan(mean) else decimal(mean)
    return rows


def _view() -> tuple[GapFilters, GapView, list[tuple[str, str]]]:
    """The filter from the query string and the view it selects (an unknown area is reported
    and dropped, like every other bad value)."""
    filters = parse_gap_filters(request.args, date.today())
    view = kept_gap_view(
        as_of=filters.as_of,
        stale_months=filters.stale_months,
        can_see_confidential=bool(current_user.can_see_confidential),
        flags=filters.flags,
        area=filters.area,
        sort=filters.sort,
    )
    frame = view.frame
    areas = list(dict.fromkeys(zip(frame["area"], frame["area_title"], strict=True)))
    if filters.area and filters.area not in {number for number, _title in areas}:
        filters.errors["area"] = _(
            "Okänt område: ”%(area)s”. Alla områden visas.", area=filters.area
        )
        filters.area = ""
        view = choose_view(frame, view.all_unlinked, flags=filters.flags, sort=filters.sort)
    return filters, view, areas


@bp.get("/gaps")
def gaps() -> ResponseReturnValue:
    filters, view, areas = _view()
    shown = view.rows
    page = paginate_list(
        range(len(shown)),
        PageRequest(
            max(request.args.get("page", 1, type=int) or 1, 1), current_app.config["PAGE_SIZE"]
        ),
        clamp=True,
    )
    chosen = shown.iloc[page.items[0] : page.items[-1] + 1] if page.items else shown.iloc[:0]
    return render_template(
        "dashboard/gaps.html",
        filters=filters,
        today=date.today(),
        areas=areas,
        page=page,
        rows=records(chosen),
        unlinked=view.unlinked,
        total=len(view.frame),
        labels=level_labels(db_session()),
        flags=flag_counts(view.frame),
        by_group=_aggregate_rows(filters, view.frame, "main_group"),
        by_area=_aggregate_rows(filters, view.frame, "area"),
        SORT_NAMES=SORT_NAMES,
        SORT_LABELS=SORT_LABELS,
        KIND_LABELS=KIND_LABELS,
    )


def _download_name(filters: GapFilters, view: GapView, suffix: str) -> str:
    secret = (
        "-SEKRETESS"
        if bool(view.rows["under_secrecy"].any()) and bool(current_user.can_see_confidential)
        else ""
    )
    return f"tackningsluckor-{filters.as_of.isoformat()}{secret}.{suffix}"


def _attachment(body: bytes, mimetype: str, name: str) -> Response:
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/gaps.xlsx")
def gaps_xlsx() -> ResponseReturnValue:
    filters, view, _areas = _view()
    labels = [flag.label for flag in FLAGS if flag.name in filters.flags]
    binary = io.BytesIO()
    gap_export.write_xlsx(
        view,
        binary,
        description=gap_export.describe(
            as_of=filters.as_of,
            stale_months=filters.stale_months,
            flag_labels=labels,
            area=filters.area,
            sort=filters.sort,
        ),
    )
    return _attachment(binary.getvalue(), XLSX_MIME, _download_name(filters, view, "xlsx"))


@bp.get("/gaps.csv")
def gaps_csv() -> ResponseReturnValue:
    filters, view, _areas = _view()
    text = io.StringIO(newline="")
    gap_export.write_csv(view, text)
    return _attachment(
        text.getvalue().encode("utf-8"),
        "text/csv",  # Flask adds "; charset=utf-8" to text types
        _download_name(filters, view, "csv"),
    )
