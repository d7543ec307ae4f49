"""The landing page (heat map, counts, milestones, changes, levels over time) and /gaps."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy.orm as so
from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from capabilities.queries.assignments import unconfirmed_milestone_count
from capabilities.queries.dashboard import (
    MILESTONES_SHOWN,
    QuarterCounts,
    bucket_keys,
    heat_map,
    latest_changes,
    level_counts,
    level_distribution,
    milestones_due,
    milestones_due_count,
    register_version,
)
from capabilities.queries.gaps import (
    DEFAULT_STALE_MONTHS,
    FLAG_NAMES,
    aggregate,
    flag_counts,
    gap_frame,
    records,
)
from capabilities.queries.pagination import PageRequest, paginate_list
from capabilities.queries.register import level_labels
from capabilities.queries.tasks import tasks_for
from web.access import acting_user
from web.assignments.forms import KIND_LABELS
from web.dashboard.chart import layout
from web.dashboard.labels import (
    ACTION_LABELS,
    ENTITY_LABELS,
    FLAG_EXPLANATIONS,
    FLAG_LABELS,
    NOT_ASSESSED_LABEL,
    SECRET_LABEL,
)
from web.dashboard.params import parse_gap_filters
from web.db import db_session
from web.deadlines.labels import STATE_LABELS, task_status, task_summary, task_url

bp = Blueprint("dashboard", __name__)


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "FLAG_NAMES": FLAG_NAMES,
        "FLAG_LABELS": FLAG_LABELS,
        "FLAG_EXPLANATIONS": FLAG_EXPLANATIONS,
    }


def _bucket_labels(labels: dict[int, str]) -> dict[str, str]:
    """Display name of each chart/count bucket: the level labels plus the two special ones."""
    return {
        "none": str(NOT_ASSESSED_LABEL),
        **{str(level): f"{level} {label}" for level, label in labels.items()},
        "secret": str(SECRET_LABEL),
    }


def _level_distribution(db: so.Session, today: date, can_see: bool) -> list[QuarterCounts]:
    """The chart's ten years of quarters, kept per app until the register changes.

    Counting the level of every capability at 40 quarter ends reads as many rows as the whole
    history (248,000 at 100×) however it is done; past quarters only change when the register
    does, which moves the audit log's head (`register_version`, one indexed lookup).
    """
    cache: dict[tuple[int, date, bool], list[QuarterCounts]] = current_app.extensions.setdefault(
        "formaga.level_distribution", {}
    )
    key = (register_version(db), today, can_see)
    found = cache.get(key)
    if found is None:
        found = level_distribution(db, today=today, can_see_confidential=can_see)
        if len(cache) >= 8:
            cache.clear()
        cache[key] = found
    return found


@bp.get("/")
def index() -> ResponseReturnValue:
    db = db_session()
    can_see = bool(current_user.can_see_confidential)
    today = date.today()
    frame = gap_frame(db, as_of=today, can_see_confidential=can_see)
    labels = level_labels(db)
    groups = heat_map(frame)
    keys = bucket_keys(can_see)
    quarters = _level_distribution(db, today, can_see)
    bucket_labels = _bucket_labels(labels)
    user = acting_user()
    return render_template(
        "dashboard/index.html",
        me=user,
        tasks=tasks_for(db, user, today=today),
        task_summary=task_summary,
        task_status=task_status,
        task_url=task_url,
        STATE_LABELS=STATE_LABELS,
        stale_months=DEFAULT_STALE_MONTHS,
        groups=groups,
        labels=labels,
        keys=keys,
        bucket_labels=bucket_labels,
        bucket_order=", ".join(bucket_labels[key] for key in keys),
        counts=level_counts(groups, can_see),
        total=len(frame),
        flags=flag_counts(frame),
        quarters=quarters,
        chart=layout(quarters, keys),
        milestones=milestones_due(db, today=today, limit=MILESTONES_SHOWN),
        milestones_total=milestones_due_count(db, today=today),
        unconfirmed=unconfirmed_milestone_count(db, today=today) if user.is_admin else 0,
        changes=latest_changes(db, can_see_confidential=can_see),
        today=today,
        KIND_LABELS=KIND_LABELS,
        ENTITY_LABELS=ENTITY_LABELS,
        ACTION_LABELS=ACTION_LABELS,
    )


def _filtered(frame: pd.DataFrame, flags: list[str], area: str) -> pd.DataFrame:
    """Rows having every chosen flag (unknown counts as not set), in the chosen area."""
    mask = pd.Series(True, index=frame.index)
    for name in flags:
        mask &= frame[name].fillna(False).astype(bool)
    if area:
        mask &= frame["area"] == area
    return frame[mask]


def _aggregate_rows(frame: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = aggregate(frame, by=by).to_dict(orient="records")
    for row in rows:
        mean = row["mean_level"]
        row["mean_level"] = (
            None if mean is None or math.isnan(mean) else format_decimal(round(mean, 1), "0.0")
        )
    return rows


@bp.get("/gaps")
def gaps() -> ResponseReturnValue:
    db = db_session()
    filters = parse_gap_filters(request.args, date.today())
    frame = gap_frame(
        db,
        as_of=filters.as_of,
        stale_months=filters.stale_months,
        can_see_confidential=bool(current_user.can_see_confidential),
    )
    areas = list(dict.fromkeys(zip(frame["area"], frame["area_title"], strict=True)))
    if filters.area and filters.area not in {number for number, _title in areas}:
        filters.errors["area"] = _(
            "Okänt område: ”%(area)s”. Alla områden visas.", area=filters.area
        )
        filters.area = ""
    shown = _filtered(frame, filters.flags, filters.area)
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
        total=len(frame),
        labels=level_labels(db),
        flags=flag_counts(frame),
        by_group=_aggregate_rows(frame, "main_group"),
        by_area=_aggregate_rows(frame, "area"),
    )
