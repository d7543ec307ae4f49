"""Procurement proposals (förslag till nationell upphandling, seed 000) and industry contacts."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from capabilities.errors import NotFound
from capabilities.models import (
    DECIDING_BODIES,
    NEXT_STAGES,
    PROPOSAL_STAGES,
    Measure,
    ProcurementProposal,
)
from capabilities.queries.industry_contacts import industry_contacts
from capabilities.queries.lookup import one_or_not_found
from capabilities.queries.measures import capability_options
from capabilities.queries.procurement import ProposalDetail, proposal_detail, proposal_rows
from capabilities.reports.proposal_docx import proposal_document
from capabilities.services.industry_contacts import record_industry_contact
from capabilities.services.procurement import (
    advance_proposal,
    create_proposal,
    proposal_for_measure,
    update_proposal,
)
from web.access import acting_user, editor_required
from web.db import db_session
from web.forms import (
    ComparedField,
    ConflictView,
    compare_fields,
    parse_version,
    save,
    submit,
    submit_edit,
    to_choices,
)
from web.proposals.forms import (
    FORM_LABELS,
    PRINCIPLE_HINTS,
    PROCURING_LABELS,
    QUESTION,
    STAGE_LABELS,
    ContactForm,
    ProposalForm,
    StepForm,
    stored_data,
)
from web.proposals.guidance import QUESTION_TEXT, question_hint

bp = Blueprint("proposals", __name__, url_prefix="/proposals")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "STAGE_LABELS": STAGE_LABELS,
        "QUESTION": QUESTION,
        "FORM_LABELS": FORM_LABELS,
        "QUESTION_TEXT": QUESTION_TEXT,
        "question_hint": question_hint,
    }


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
    form = ProposalForm()
    _set_capability_choices(form)
    if request.method == "GET" and (origin := request.args.get("capability", "").strip()):
        form.capability_ids.data = [
            c.value for c in form.capability_ids.choices if c.label.split(" ", 1)[0] == origin
        ]
    return submit(
        form,
        lambda: create_proposal(db_session(), acting_user(), form.to_input()),
        render=lambda conflict: render_template("proposals/form.html", form=form, proposal=None),
        success=_("Förslaget är sparat. Besvara de frågor som återstår innan det lämnas vidare."),
        redirect_to=lambda proposal: url_for(".detail", proposal_id=proposal.id),
    )


@bp.get("/<int:proposal_id>")
def detail(proposal_id: int) -> ResponseReturnValue:
    found = _detail(proposal_id)
    return _render_detail(found, _step_form(found))


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(proposal_id: int) -> ResponseReturnValue:
    proposal = one_or_not_found(db_session(), ProcurementProposal, proposal_id)
    found = _readable(proposal_id)
    form = ProposalForm(data=stored_data(proposal) | {"version": str(proposal.version)})
    if request.method == "POST":
        form = ProposalForm()
    _set_capability_choices(form)

    def conflict() -> list[ComparedField]:
        stored = one_or_not_found(db_session(), ProcurementProposal, proposal_id)
        form.version.data = str(stored.version)
        return compare_fields(_COMPARED, form.to_input().__dict__, stored_data(stored))

    return submit_edit(
        form,
        update_proposal,
        proposal,
        render=lambda shown: render_template(
            "proposals/form.html", form=form, proposal=found, conflict=shown
        ),
        success=_("Förslaget är sparat."),
        redirect_to=url_for(".detail", proposal_id=proposal_id),
        conflict=conflict,
    )


@bp.post("/<int:proposal_id>/step")
@editor_required
def step(proposal_id: int) -> ResponseReturnValue:
    """Record a decision and move the proposal to its next stage."""
    proposal = one_or_not_found(db_session(), ProcurementProposal, proposal_id)
    form = StepForm()
    _set_step_choices(form, proposal.stage)
    if not form.validate_on_submit():
        abort(400)
    data = form.to_input()

    def conflict() -> list[ComparedField]:
        form.version.data = str(
            one_or_not_found(db_session(), ProcurementProposal, proposal_id).version
        )
        return []

    return save(
        form,
        lambda: advance_proposal(
            db_session(),
            acting_user(),
            proposal,
            data,
            expected_version=parse_version(form.version.data),
        ),
        render=lambda shown: _render_detail(_detail(proposal_id), form, conflict=shown),
        success=lambda step: _(
            "Förslaget är nu i steget ”%(stage)s”.", stage=STAGE_LABELS[step.to_stage]
        ),
        redirect_to=url_for(".detail", proposal_id=proposal_id),
        conflict=conflict,
    )


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
    measure = one_or_not_found(db, Measure, measure_id)
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
    form = ContactForm(data={"contacted_on": date.today().isoformat()})
    if request.method == "POST":
        form = ContactForm()

    return submit(
        form,
        lambda: record_industry_contact(db_session(), acting_user(), measure, form.to_input()),
        render=lambda conflict: _render_contact(form, measure, back),
        success=lambda contact: _(
            "Kontakten med %(org)s är registrerad.", org=contact.organisation
        ),
        redirect_to=back,
    )


def _render_contact(form: ContactForm, measure: Measure, back: str) -> str:
    return render_template(
        "proposals/contact_form.html",
        form=form,
        measure=measure,
        back=back,
        PRINCIPLE_HINTS=PRINCIPLE_HINTS,
    )


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


# The conflict box compares the fields a member edits, in the form's order.
_COMPARED = {
    "title": _l("Rubrik"),
    "proposing_group": _l("Förslagsställande NPO/NAG"),
    "product": _l("Produkt eller produktgrupp"),
    "category": _l("Alternativ a eller b"),
    "interested_regions": _l("Intresserade regioner"),
    "existing_contract": _l("Befintligt avtal"),
    "contract_ends_on": _l("Avtalet gäller till och med"),
    "expected_need": _l("Bedömt behov"),
    "preparedness_relevance": _l("Relevans för beredskap"),
}


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


def _render_detail(
    found: ProposalDetail, form: StepForm, conflict: ConflictView | None = None
) -> str:
    return render_template(
        "proposals/detail.html",
        p=found,
        step_form=form,
        step_conflict=conflict,
        PROCURING_LABELS=PROCURING_LABELS,
    )
