"""The landing page (heat map, counts, milestones, changes, levels over time) and /gaps."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from capabilities.db import Session
from capabilities.queries.dashboard import (
    MILESTONES_SHOWN,
    QuarterCounts,
    bucket_keys,
    latest_changes,
    level_distribution,
    milestones_due,
    milestones_due_count,
    register_version,
    unconfirmed_milestone_count,
)
from capabilities.queries.gap_view import choose_rows, panel_counts, unlinked_assignments
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS, FLAG_NAMES, gap_frame
from capabilities.queries.heatmap import (
    DISTANCE_KEYS,
    below_target,
    distance_counts,
    heat_map,
    level_counts,
)
from capabilities.queries.register import level_labels
from capabilities.queries.rounds import round_counts_for
from capabilities.queries.tasks import tasks_for
from web.access import acting_user
from web.assignments.forms import KIND_LABELS
from web.dashboard.chart import layout
from web.dashboard.labels import (
    ACTION_LABELS,
    DISTANCE_LABELS,
    ENTITY_LABELS,
    FLAG_EXPLANATIONS,
    FLAG_LABELS,
    NOT_ASSESSED_LABEL,
    SECRET_LABEL,
)
from web.db import db_session
from web.deadlines.labels import STATE_LABELS, task_status, task_summary, task_url

bp = Blueprint("dashboard", __name__)

# The start page's ready-made questions into /gaps, worst first: "where are we weakest".
WEAKEST_VIEWS = (["below_target"], ["below_target", "no_linked_assignment"])


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "FLAG_NAMES": FLAG_NAMES,
        "FLAG_LABELS": FLAG_LABELS,
        "DISTANCE_LABELS": DISTANCE_LABELS,
        "FLAG_EXPLANATIONS": FLAG_EXPLANATIONS,
    }


def _bucket_labels(labels: dict[int, str]) -> dict[str, str]:
    """Display name of each chart/count bucket: the level labels plus the two special ones."""
    return {
        "none": str(NOT_ASSESSED_LABEL),
        **{str(level): f"{level} {label}" for level, label in labels.items()},
        "secret": str(SECRET_LABEL),
    }


def _level_distribution(db: Session, today: date, can_see: bool) -> list[QuarterCounts]:
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
        round_counts=round_counts_for(db, user),
        task_summary=task_summary,
        task_status=task_status,
        task_url=task_url,
        STATE_LABELS=STATE_LABELS,
        stale_months=DEFAULT_STALE_MONTHS,
        groups=groups,
        DISTANCE_KEYS=DISTANCE_KEYS,
        distances=distance_counts(groups),
        weakest=[(flags, len(choose_rows(frame, flags=flags))) for flags in WEAKEST_VIEWS],
        below_target=below_target,
        labels=labels,
        keys=keys,
        bucket_labels=bucket_labels,
        bucket_order=", ".join(bucket_labels[key] for key in keys),
        counts=level_counts(groups, can_see),
        total=len(frame),
        flags=panel_counts(frame, unlinked_assignments(db, as_of=today)),
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
