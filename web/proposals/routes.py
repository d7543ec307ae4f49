"""Procurement proposals (förslag till nationell upphandling, seed 000) and industry contacts."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from capabilities.errors import Conflict, NotFound, ValidationFailed
from capabilities.models import (
    DECIDING_BODIES,
    NEXT_STAGES,
    PROPOSAL_STAGES,
    Measure,
    ProcurementProposal,
)
from capabilities.queries.measures import capability_options
from capabilities.queries.procurement import (
    ProposalDetail,
    industry_contacts,
    proposal_detail,
    proposal_rows,
)
from capabilities.reports.proposal_docx import proposal_document
from capabilities.services.procurement import (
    ContactInput,
    ProposalInput,
    StepInput,
    advance_proposal,
    create_proposal,
    proposal_for_measure,
    record_industry_contact,
    update_proposal,
)
from web.access import acting_user, editor_required
from web.db import db_session
from web.forms import apply_errors, is_id, to_choices
from web.proposals.forms import (
    FORM_LABELS,
    PRINCIPLE_HINTS,
    PROCURING_LABELS,
    QUESTION,
    STAGE_LABELS,
    ContactForm,
    ProposalForm,
    StepForm,
)

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"STAGE_LABELS": STAGE_LABELS, "QUESTION": QUESTION, "FORM_LABELS": FORM_LABELS}


@bp.get("/")
def index() -> ResponseReturnValue:
    stage = request.args.get("stage", "")
    stage = stage if stage in PROPOSAL_STAGES else ""
    rows = proposal_rows(
        db_session(), can_see_confidential=current_user.can_see_confidential, stage=stage
    )
    return render_template("proposals/index.html", rows=rows, stage=stage)


@bp.route("/new", methods=["GET", "POST"])
@editor_required
def new() -> ResponseReturnValue:
    db = db_session()
    form = ProposalForm()
    _set_capability_choices(form)
    if request.method == "GET" and (origin := request.args.get("capability", "").strip()):
        form.capability_ids.data = [
            c.value for c in form.capability_ids.choices if c.label.split(" ", 1)[0] == origin
        ]
    if form.validate_on_submit():
        try:
            proposal = create_proposal(db, acting_user(), _proposal_input(form))
        except ValidationFailed as exc:
            db.rollback()
            apply_errors(form, exc)
            return render_template("proposals/form.html", form=form, proposal=None), 422
        db.commit()
        flash(
            _("Förslaget är sparat. Besvara de frågor som återstår innan det lämnas vidare."),
            "success",
        )
        return redirect(url_for(".detail", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, proposal=None)


@bp.get("/<int:proposal_id>")
def detail(proposal_id: int) -> ResponseReturnValue:
    found = _detail(proposal_id)
    return _render_detail(found, _step_form(found))


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(proposal_id: int) -> ResponseReturnValue:
    db = db_session()
    proposal = _proposal(proposal_id)
    found = _readable(proposal_id)
    if request.method == "GET":
        form = ProposalForm(obj=proposal)
        form.title.data = proposal.measure.title
        form.description.data = proposal.measure.description
        form.confidential.data = proposal.measure.confidential
        form.secrecy_ref.data = proposal.measure.secrecy_ref
        form.contract_ends_on.data = (
            proposal.contract_ends_on.isoformat() if proposal.contract_ends_on else ""
        )
        form.capability_ids.data = [
            str(link.capability_id)
            for link in proposal.measure.capability_links
            if link.removed_at is None
        ]
        form.version.data = str(proposal.version)
    else:
        form = ProposalForm()
    _set_capability_choices(form)
    if form.validate_on_submit():
        try:
            update_proposal(
                db,
                acting_user(),
                proposal,
                _proposal_input(form),
                expected_version=_version(form.version.data),
            )
        except ValidationFailed as exc:
            db.rollback()
            apply_errors(form, exc)
            return render_template("proposals/form.html", form=form, proposal=found), 422
        except Conflict as exc:
            db.rollback()
            form.version.data = str(_proposal(proposal_id).version)
            return render_template(
                "proposals/form.html", form=form, proposal=found, conflict=exc.message
            ), 409
        db.commit()
        flash(_("Förslaget är sparat."), "success")
        return redirect(url_for(".detail", proposal_id=proposal_id))
    return render_template("proposals/form.html", form=form, proposal=found)


@bp.post("/<int:proposal_id>/step")
@editor_required
def step(proposal_id: int) -> ResponseReturnValue:
    """Record a decision and move the proposal to its next stage."""
    db = db_session()
    proposal = _proposal(proposal_id)
    form = StepForm()
    _set_step_choices(form, proposal.stage)
    if not form.validate_on_submit():
        abort(400)
    try:
        advance_proposal(
            db,
            acting_user(),
            proposal,
            StepInput(**{f.name: getattr(form, f.name).data or "" for f in fields(StepInput)}),
            expected_version=_version(form.version.data),
        )
    except ValidationFailed as exc:
        db.rollback()
        apply_errors(form, exc)
        return _render_detail(_detail(proposal_id), form), 422
    except Conflict as exc:
        db.rollback()
        found = _detail(proposal_id)
        form.version.data = str(found.version)
        form.form_errors.append(exc.message)
        return _render_detail(found, form), 409
    db.commit()
    stage = _proposal(proposal_id).stage
    flash(_("Förslaget är nu i steget ”%(stage)s”.", stage=STAGE_LABELS[stage]), "success")
    return redirect(url_for(".detail", proposal_id=proposal_id))


@bp.get("/<int:proposal_id>/forslag.docx")
def document(proposal_id: int) -> ResponseReturnValue:
    found = _readable(proposal_id)
    body = proposal_document(found, produced_on=date.today().isoformat())
    return Response(
        body,
        mimetype=DOCX,
        headers={
            "Content-Disposition": f'attachment; filename="upphandlingsforslag-{proposal_id}.docx"'
        },
    )


@bp.route("/measures/<int:measure_id>/contacts/new", methods=["GET", "POST"])
@editor_required
def new_contact(measure_id: int) -> ResponseReturnValue:
    """Record a contact with industry on a measure or proposal (the documentation principle)."""
    db = db_session()
    measure = db.get(Measure, measure_id)
    if measure is None:
        abort(404)
    if (
        industry_contacts(db, measure_id, can_see_confidential=current_user.can_see_confidential)
        is None
    ):
        raise NotFound(_("Åtgärden finns inte eller är sekretessmarkerad."))
    proposal = proposal_for_measure(db, measure_id)
    back = (
        url_for(".detail", proposal_id=proposal.id, _anchor="contacts")
        if proposal
        else url_for("measures.detail", measure_id=measure_id)
    )
    form = ContactForm()
    if request.method == "GET":
        form.contacted_on.data = date.today().isoformat()
    if form.validate_on_submit():
        data = ContactInput(
            **{
                f.name: getattr(form, f.name).data or ("" if f.name != "principles" else [])
                for f in fields(ContactInput)
            }
        )
        try:
            record_industry_contact(db, acting_user(), measure, data)
        except ValidationFailed as exc:
            db.rollback()
            apply_errors(form, exc)
            return _render_contact(form, measure, back), 422
        db.commit()
        flash(_("Kontakten med %(org)s är registrerad.", org=data.organisation.strip()), "success")
        return redirect(back)
    return _render_contact(form, measure, back)


def _render_contact(form: ContactForm, measure: Measure, back: str) -> str:
    return render_template(
        "proposals/contact_form.html",
        form=form,
        measure=measure,
        back=back,
        PRINCIPLE_HINTS=PRINCIPLE_HINTS,
    )


def _proposal(proposal_id: int) -> ProcurementProposal:
    proposal = db_session().get(ProcurementProposal, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def _detail(proposal_id: int) -> ProposalDetail:
    return proposal_detail(
        db_session(), proposal_id, can_see_confidential=current_user.can_see_confidential
    )


def _readable(proposal_id: int) -> ProposalDetail:
    """The proposal, or 404 for a confidential one the viewer may not read."""
    found = _detail(proposal_id)
    if found.hidden:
        raise NotFound(_("Förslaget är sekretessmarkerat."))
    return found


def _version(raw: str | None) -> int:
    """The version the form was based on; garbage counts as stale (never a silent overwrite)."""
    return int(raw) if is_id(raw) and len(raw or "") < 10 else -1


def _proposal_input(form: ProposalForm) -> ProposalInput:
    values = {f.name: getattr(form, f.name).data for f in fields(ProposalInput)}
    return ProposalInput(**{k: v if v is not None else "" for k, v in values.items()})


def _set_capability_choices(form: ProposalForm) -> None:
    form.capability_ids.choices = to_choices(
        (c.id, c.label) for c in capability_options(db_session())
    )


def _set_step_choices(form: StepForm, stage: str) -> None:
    form.to_stage.choices = to_choices((s, STAGE_LABELS[s]) for s in NEXT_STAGES[stage])
    form.decided_by.choices = to_choices([("", _("Välj")), *((b, b) for b in DECIDING_BODIES)])


def _step_form(found: ProposalDetail) -> StepForm:
    form = StepForm(data={"version": str(found.version), "decided_on": date.today().isoformat()})
    _set_step_choices(form, found.stage)
    return form


def _render_detail(found: ProposalDetail, form: StepForm) -> str:
    return render_template(
        "proposals/detail.html",
        p=found,
        step_form=form,
        PROCURING_LABELS=PROCURING_LABELS,
    )
