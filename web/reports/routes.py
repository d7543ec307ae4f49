"""Reports: download the register as xlsx/CSV, and the Excel round-trip import."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from capabilities.queries.rounds import list_rounds, the_open_round
from importers.round_import import ROUND_MODES, apply_import_to_round
from importers.status_workbook import (
    ImportPlan,
    ImportRejected,
    apply_import,
    plan_rows,
    read_workbook,
)
from web.access import acting_user, editor_required
from web.db import db_session, reads_first, write_lock
from web.reports import pending
from web.reports.documents import register_document
from web.reports.forms import ConfirmImportForm, ExportForm, UploadForm

bp = Blueprint("reports", __name__, url_prefix="/reports")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/")
def index() -> ResponseReturnValue:
    form = ExportForm(request.args)
    return _index(form)


def _index(form: ExportForm) -> str:
    """The reports page, with the closed rounds' reports."""
    closed = [r for r, snap in list_rounds(db_session()) if snap is not None]
    return render_template("reports/index.html", form=form, closed_rounds=closed)


@bp.get("/export")
def export() -> ResponseReturnValue:
    form = ExportForm(request.args)
    if not form.validate():
        return _index(form), 422
    confidential = bool(form.include_confidential.data)
    if confidential and not current_user.can_see_confidential:
        form.include_confidential.errors = [
            _("Du saknar behörighet att ta med sekretessmarkerade uppgifter.")
        ]
        return _index(form), 403
    as_of = form.as_of.data or date.today()
    fmt = form.format.data if form.format.data in ("pdf", "csv") else "xlsx"
    body = register_document(fmt, as_of, include_confidential=confidential)
    stem = f"formagaregistret-{as_of.isoformat()}" + ("-SEKRETESS" if confidential else "")
    mimetype = {"pdf": "application/pdf", "csv": "text/csv", "xlsx": XLSX_MIME}[fmt]
    name = f"{stem}.{fmt}"  # Flask adds "; charset=utf-8" to text/csv
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def _stored(token: str | None) -> Path | None:
    """The upload this session made, if the token is the session's own and not expired."""
    if not token or token != session.get("import_token"):
        return None
    return pending.find(token)


def _render_rejected(form: UploadForm, exc: ImportRejected) -> ResponseReturnValue:
    db_session().rollback()
    return render_template("reports/import.html", form=form, problems=exc.problems), 422


@bp.route("/import", methods=["GET", "POST"])
@editor_required
@reads_first
def upload() -> ResponseReturnValue:
    form = UploadForm()
    current_round = the_open_round(db_session())
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(
            "reports/import.html", form=form, problems=[], current_round=current_round
        ), status
    data = form.file.data.read(current_app.config["MAX_CONTENT_LENGTH"] + 1)
    try:
        rows = read_workbook(io.BytesIO(data))  # the slow part, in no transaction that writes
        plan = plan_rows(db_session(), acting_user(), rows)
    except ImportRejected as exc:
        return _render_rejected(form, exc)
    db_session().rollback()  # planning writes nothing; end the read transaction
    token = pending.store(data)
    session["import_token"] = token
    mode = form.round_mode.data if current_round is not None else None
    return render_template(
        "reports/preview.html",
        plan=plan,
        confirm=ConfirmImportForm(token=token, round_mode=mode or ""),
        current_round=current_round,
        round_mode=mode,
    )


@bp.post("/import/confirm")
@editor_required
@reads_first
def confirm() -> ResponseReturnValue:
    form = ConfirmImportForm()
    path = _stored(form.token.data) if form.validate_on_submit() else None
    if path is None:
        flash(_("Förhandsgranskningen har gått ut. Ladda upp filen igen."), "error")
        return redirect(url_for("reports.upload"))
    try:
        with path.open("rb") as handle:
            rows = read_workbook(handle)  # parse first; take the write lock only to write
        db = write_lock()
        plan: ImportPlan = plan_rows(db, acting_user(), rows)
        current_round = the_open_round(db)
        mode = form.round_mode.data
        if (current_round is not None) != (mode in ROUND_MODES):
            # A round was opened or closed between preview and confirmation: the preview
            # promised something else, so nothing is written.
            db.rollback()
            flash(_("Förhandsgranskningen har gått ut. Ladda upp filen igen."), "error")
            return redirect(url_for("reports.upload"))
        if current_round is not None:
            saved = apply_import_to_round(db, acting_user(), plan, current_round, mode=mode)
        else:
            created = apply_import(db, acting_user(), plan)
        db.commit()
    except ImportRejected as exc:
        return _render_rejected(UploadForm(), exc)
    finally:
        path.unlink(missing_ok=True)
        session.pop("import_token", None)
    if current_round is not None:
        message = (
            ngettext(
                "%(num)s bedömning är inskickad i %(round)s.",
                "%(num)s bedömningar är inskickade i %(round)s.",
                len(saved),
                round=current_round.name,
            )
            if mode == "submit"
            else ngettext(
                "%(num)s utkast är sparat i %(round)s.",
                "%(num)s utkast är sparade i %(round)s.",
                len(saved),
                round=current_round.name,
            )
        )
        flash(message, "success")
        return redirect(url_for("rounds.show", round_id=current_round.id))
    flash(
        ngettext(
            "%(num)s ny statusbedömning är inläst.",
            "%(num)s nya statusbedömningar är inlästa.",
            len(created),
        ),
        "success",
    )
    if plan.conflicts:
        flash(
            ngettext(
                "%(num)s rad lästes inte in på grund av konflikt.",
                "%(num)s rader lästes inte in på grund av konflikt.",
                len(plan.conflicts),
            ),
            "error",
        )
    return redirect(url_for("register.overview"))
