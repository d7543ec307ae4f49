"""The landing page (heat map, counts, milestones, changes, levels over time) and /gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from capabilities.queries.dashboard import (
    MILESTONES_SHOWN,
    QuarterCounts,
    bucket_keys,
    latest_changes,
    level_distribution,
    milestones_due,
    milestones_due_count,
    unconfirmed_milestone_count,
)
from capabilities.queries.gap_view import choose_rows, panel_counts
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS, FLAG_NAMES
from capabilities.queries.heatmap import (
    DISTANCE_KEYS,
    HeatGroup,
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
from web.cache import kept
from web.dashboard.chart import layout
from web.dashboard.kept import kept_gap_frame, kept_unlinked
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


def _level_distribution(today: date, can_see: bool) -> list[QuarterCounts]:
    """The chart's ten years of quarters, kept until the register changes.

    Counting the level of every capability at 40 quarter ends reads as many rows as the whole
    history (248,000 at 100×) however it is done; past quarters only change when the register
    does, which moves the audit log's head (`register_version`, one indexed lookup).
    """
    return kept(
        "level_distribution",
        (today, can_see),
        lambda: level_distribution(db_session(), today=today, can_see_confidential=can_see),
    )


@dataclass(frozen=True)
class HeatSummary:
    """Everything the start page shows about the whole register, computed from the gap frame."""

    groups: list[HeatGroup]
    distances: dict[str, int]
    counts: dict[str, int]
    flags: dict[str, int]
    weakest: list[tuple[list[str], int]]
    total: int


def _heat_summary(today: date, can_see: bool) -> HeatSummary:
    """The heat map's groups and the counts beside it, kept until the register changes."""

    def compute() -> HeatSummary:
        frame = kept_gap_frame(
            as_of=today, stale_months=DEFAULT_STALE_MONTHS, can_see_confidential=can_see
        )
        groups = heat_map(frame)
        return HeatSummary(
            groups=groups,
            distances=distance_counts(groups),
            counts=level_counts(groups, can_see),
            flags=panel_counts(frame, kept_unlinked(as_of=today)),
            weakest=[(flags, len(choose_rows(frame, flags=flags))) for flags in WEAKEST_VIEWS],
            total=len(frame),
        )

    return kept("heat_summary", (today, can_see), compute)


def _heat_map_html(summary: HeatSummary, labels: dict[int, str], key: tuple[Any, ...]) -> Markup:
    """The heat map as HTML: one cell per capability (6,200 at 100×) is most of the page's
    rendering, so it is rendered once per register change, date, secrecy view and language."""
    return kept(
        "heat_map_html",
        key,
        lambda: Markup(
            render_template(
                "dashboard/_heatmap.html",
                groups=summary.groups,
                distances=summary.distances,
                weakest=summary.weakest,
                DISTANCE_KEYS=DISTANCE_KEYS,
                below_target=below_target,
                labels=labels,
            )
        ),
    )


@bp.get("/")
def index() -> ResponseReturnValue:
    db = db_session()
    can_see = bool(current_user.can_see_confidential)
    today = date.today()
    summary = _heat_summary(today, can_see)
    labels = level_labels(db)
    keys = bucket_keys(can_see)
    quarters = _level_distribution(today, can_see)
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
        heat_map_html=_heat_map_html(summary, labels, (today, can_see, str(get_locale()))),
        labels=labels,
        keys=keys,
        bucket_labels=bucket_labels,
        bucket_order=", ".join(bucket_labels[key] for key in keys),
        counts=summary.counts,
        total=summary.total,
        flags=summary.flags,
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
