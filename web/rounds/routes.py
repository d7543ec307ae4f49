"""Reporting rounds: list, open, progress, one capability's entry and review, close, compare."""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from capabilities.errors import DomainError, NotFound
from capabilities.queries import choices
from capabilities.queries import rounds as queries
from capabilities.queries.register import level_labels as register_level_labels
from capabilities.reports.round_comparison import write_comparison_workbook
from capabilities.reports.round_documents import (
    FORMATS,
    MIMETYPES,
    prepare_round_document,
    store_round_document,
)
from capabilities.services import rounds as services
from web.access import acting_user, admin_required
from web.db import db_session, reads_first, write_lock
from web.forms import is_id, save, submit, to_choices
from web.rounds.forms import CloseForm, OpenRoundForm

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp = Blueprint("rounds", __name__, url_prefix="/rounds")

STATE_LABELS = {
    "ej påbörjad": _l("Ej påbörjad"),
    "utkast": _l("Utkast"),
    "inskickad": _l("Inskickad"),
    "återremitterad": _l("Återremitterad"),
    "fastställd": _l("Fastställd"),
    "aktuell": _l("Aktuell i registret"),
}


@bp.get("/")
def index() -> ResponseReturnValue:
    rounds = queries.list_rounds(db_session())
    return render_template("rounds/index.html", rounds=rounds)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> ResponseReturnValue:
    db = db_session()
    form = OpenRoundForm()
    form.reviewers.choices = to_choices(
        (u.id, u.display_name) for u in choices.reviewer_candidates(db)
    )
    areas = choices.areas(db)
    actors = choices.active_actors(db)
    chosen = {
        area.id: request.form.get(f"area_{area.id}", "") for area in areas
    }  # area id → actor id text
    pairs = [(area_id, int(value)) for area_id, value in chosen.items() if is_id(value)]
    return submit(
        form,
        lambda: services.open_round(
            db,
            acting_user(),
            name=form.name.data,
            reference_date=form.reference_date.data,
            deadline=form.deadline.data,
            reviewer_ids=form.reviewers.data or [],
            area_organisations=pairs,
        ),
        render=lambda _conflict: render_template(
            "rounds/new.html", form=form, areas=areas, actors=actors, chosen=chosen
        ),
        success=lambda round_: _("Uppföljningsomgången ”%(name)s” är öppnad.", name=round_.name),
        redirect_to=lambda round_: url_for("rounds.show", round_id=round_.id),
    )


@bp.get("/<int:round_id>")
def show(round_id: int) -> ResponseReturnValue:
    return _show(queries.round_progress(db_session(), round_id, acting_user()))


def _show(progress: queries.RoundProgress, *, close_form: CloseForm | None = None) -> str:
    db = db_session()
    round_id = progress.round.id
    closed = queries.list_rounds(db)
    scores = (
        queries.data_scores(
            queries.snapshot_data(db, progress.snapshot),
            can_see_confidential=current_user.can_see_confidential,
        )
        if progress.snapshot
        else []
    )
    return render_template(
        "rounds/show.html",
        p=progress,
        r=progress.round,
        scores=scores,
        closed_rounds=[r for r, s in closed if s is not None and r.id != round_id],
        labels=STATE_LABELS,
        close_form=close_form or CloseForm(),
        days_left=(progress.round.deadline - date.today()).days,
    )


@bp.post("/<int:round_id>/close")
@admin_required
def close(round_id: int) -> ResponseReturnValue:
    """Close (freeze) the round. When anything is not approved, the admin types the round's
    name: the page shows the figures, and the name is what makes the choice deliberate."""
    db = db_session()
    progress = queries.round_progress(db, round_id, acting_user())
    round_ = progress.round
    form = CloseForm()
    if not form.validate_on_submit():
        return _show(progress, close_form=form), 422
    unfinished = progress.overall.total - progress.overall.counts["fastställd"]
    typed = (form.confirm_name.data or "").strip()
    if round_.is_open and unfinished and typed != round_.name:
        form.confirm_name.errors = [
            _(
                "Skriv omgångens namn, ”%(name)s”, för att stänga den: %(num)s delförmågor är "
                "inte fastställda.",
                name=round_.name,
                num=unfinished,
            )
        ]
        return _show(progress, close_form=form), 422
    return save(
        form,
        lambda: services.close_round(db, acting_user(), round_),
        render=lambda _conflict: _show(progress, close_form=form),
        success=lambda frozen: _(
            "Uppföljningsomgången ”%(name)s” är stängd. Ögonblicksbildens kontrollsumma: %(sha)s",
            name=round_.name,
            sha=frozen.sha256,
        ),
        redirect_to=url_for("rounds.show", round_id=round_id),
    )


@bp.get("/<int:round_id>/report.<fmt>")
@reads_first
def report(round_id: int, fmt: str) -> ResponseReturnValue:
    """The closed round's report, PDF or xlsx: rendered on the first download and stored,
    served from storage thereafter (capabilities/reports/round_documents.py)."""
    if fmt not in FORMATS:
        abort(404)
    confidential = request.args.get("sekretess") == "1"
    if confidential and not current_user.can_see_confidential:
        abort(403)
    try:
        prepared = prepare_round_document(
            db_session(), round_id, fmt, include_confidential=confidential
        )
    except NotFound:
        raise
    except DomainError as exc:  # not closed yet
        raise NotFound(exc.message) from exc
    body = prepared.stored
    if body is None:
        body = prepared.render()  # the slow part, before the write lock
        db = write_lock()
        store_round_document(db, prepared, body)
        db.commit()
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{prepared.filename}"'},
    )


def _compare_target() -> int | None:
    other = request.args.get("with", "today")
    if other == "today":
        return None
    if not is_id(other):
        abort(404)
    return int(other)


@bp.get("/<int:round_id>/compare")
def compare(round_id: int) -> ResponseReturnValue:
    db = db_session()
    comparison = queries.compare_rounds(
        db,
        round_id,
        _compare_target(),
        can_see_confidential=current_user.can_see_confidential,
    )
    show_all = request.args.get("all") == "1"
    level_labels = register_level_labels(db)  # in the page's language
    return render_template(
        "rounds/compare.html",
        c=comparison,
        rows=comparison.capabilities if show_all else comparison.changes,
        show_all=show_all,
        labels=STATE_LABELS,
        level_labels=level_labels,
    )


@bp.get("/<int:round_id>/compare.xlsx")
def compare_xlsx(round_id: int) -> ResponseReturnValue:
    comparison = queries.compare_rounds(
        db_session(),
        round_id,
        _compare_target(),
        can_see_confidential=current_user.can_see_confidential,
    )
    binary = io.BytesIO()
    write_comparison_workbook(comparison, binary)
    return Response(
        binary.getvalue(),
        mimetype=XLSX_MIME,
        headers={
            "Content-Disposition": f'attachment; filename="jamforelse-{round_id}.xlsx"',
        },
    )


from web.rounds import entries as _entries  # noqa: E402,F401  (registers its routes)
