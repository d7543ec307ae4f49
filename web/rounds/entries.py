"""One capability in a round: the member's form (draft or submit) and the reviewer's decision.

Both forms go through the one edit helper (web.forms.save with parse_version): a version that
is missing, garbage or stale is a 409 with the conflict box, never a silent overwrite. The
form starts from the entry, or (none yet) from the register's current assessment; the
reviewer sees the submission beside the register with the changed fields marked.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from capabilities.models import ReportingRound, RoundApproval, RoundEntry
from capabilities.queries import rounds as queries
from capabilities.queries.lookup import capability_or_not_found
from capabilities.queries.register import level_labels, level_options
from capabilities.queries.rounds.entries import (
    ENTRY_FIELDS,
    VisibleAssessment,
    register_assessment,
    visible_entry,
)
from capabilities.services import rounds as services
from web.access import acting_user, editor_required
from web.db import db_session
from web.forms import ComparedField, ConflictView, compare_fields, parse_version, save, to_choices
from web.rounds.forms import EntryForm, ReviewForm
from web.rounds.routes import STATE_LABELS, bp

FIELD_LABELS = {
    "level": _l("Nivå"),
    "target_level": _l("Målnivå"),
    "summary": _l("Statusbeskrivning"),
    "justification": _l("Motivering"),
    "confidential": _l("Sekretessmarkerad"),
    "secrecy_ref": _l("Sekretesshänvisning"),
}


class EntryPage:
    """Everything the entry page shows, loaded once for GET, POST and the decision."""

    def __init__(self, round_id: int, number: str) -> None:
        db = db_session()
        cleared = current_user.can_see_confidential
        self.round: ReportingRound = queries.get_round(db, round_id)
        self.cap = capability_or_not_found(db, number)
        self.current: RoundEntry | None = services.entry_for(db, self.round, self.cap)
        self.shown = (
            visible_entry(self.current, can_see_confidential=cleared) if self.current else None
        )
        self.hidden = self.shown is not None and self.shown.hidden
        self.register = register_assessment(db, self.cap.id, can_see_confidential=cleared)
        self.levels = level_options(db)
        self.labels = level_labels(db)
        self.history = next(
            (
                h
                for h in queries.capability_round_history(db, self.cap.id)
                if h.round.id == self.round.id
            ),
            None,
        )

    def level_text(self, value: Any) -> str:
        return f"{value} – {self.labels[value]}" if value in self.labels else "–"

    def shown_value(self, name: str, value: Any) -> str:
        """A field as the conflict box and the reviewer's comparison show it."""
        if name in ("level", "target_level"):
            return self.level_text(int(value) if str(value or "").isdigit() else value)
        if name == "confidential":
            return _("Ja") if value else _("Nej")
        text = str(value).strip() if value is not None else ""
        return text or "–"

    def render(self, form: EntryForm, review: ReviewForm, conflict: ConflictView | None) -> str:
        user = acting_user()
        return render_template(
            "rounds/entry.html",
            r=self.round,
            cap=self.cap,
            current=self.current,
            shown=self.shown,
            hidden=self.hidden,
            register=self.register,
            comparison=self._comparison(),
            form=form,
            review=review,
            conflict=conflict,
            levels=self.levels,
            history=self.history,
            labels=STATE_LABELS,
            level_text=self.level_text,
            is_reviewer=services.is_reviewer(self.round, user),
            may_write=services.may_write(self.round, self.cap, user),
            organisations=", ".join(services.assigned_organisations(self.round, self.cap)),
        )

    def _comparison(self) -> list[tuple[str, str, str, bool]] | None:
        """The entry beside the register, field by field, for the reviewer; None if hidden."""
        if self.shown is None or self.hidden or (self.register and self.register.hidden):
            return None
        before = self.register.content if self.register else dict.fromkeys(ENTRY_FIELDS)
        return [
            (
                str(FIELD_LABELS[name]),
                self.shown_value(name, before.get(name)),
                self.shown_value(name, self.shown.content.get(name)),
                self.shown.differs(self.register, name),
            )
            for name in ENTRY_FIELDS
        ]


def _prefill(form: EntryForm, source: VisibleAssessment) -> None:
    content = source.content
    form.level.data = str(content["level"] or "")
    form.target_level.data = str(content["target_level"] or "")
    form.summary.data = content["summary"]
    form.justification.data = content["justification"]
    form.confidential.data = bool(content["confidential"])
    form.secrecy_ref.data = content["secrecy_ref"]


def _entry_form(page: EntryPage) -> EntryForm:
    form = EntryForm()
    choices = [(o.value, o.label) for o in page.levels]
    form.level.choices = to_choices(choices)
    form.target_level.choices = to_choices([("", _("Ingen målnivå")), *choices])
    if not form.is_submitted():
        if page.shown is not None and page.current is not None and not page.hidden:
            _prefill(form, page.shown)
            form.version.data = str(page.current.version)
        elif page.current is None and page.register is not None and not page.register.hidden:
            # Start from the register's current assessment: the member changes what moved.
            _prefill(form, page.register)
    return form


@bp.route("/<int:round_id>/capabilities/<number>", methods=["GET", "POST"])
def entry(round_id: int, number: str) -> ResponseReturnValue:
    """One capability in the round: the member's form, the reviewer's decision, the history."""
    page = EntryPage(round_id, number)
    form = _entry_form(page)
    review = ReviewForm()
    if not form.is_submitted():
        return page.render(form, review, None)
    if not current_user.can_edit:
        abort(403)
    if not form.validate():
        return page.render(form, review, None), 422
    submit = request.form.get("action") == "submit"
    db = db_session()
    cap = page.cap
    data = services.EntryInput(
        level=form.level.data,
        target_level=form.target_level.data,
        summary=form.summary.data,
        justification=form.justification.data,
        confidential=form.confidential.data,
        secrecy_ref=form.secrecy_ref.data,
    )

    def conflict() -> list[ComparedField]:
        stored = services.entry_for(db, page.round, cap)
        if stored is None:
            return []
        form.version.data = str(stored.version)
        page.current = stored
        page.shown = visible_entry(stored, can_see_confidential=current_user.can_see_confidential)
        mine = {name: getattr(data, name) for name in ENTRY_FIELDS}
        return compare_fields(
            {name: FIELD_LABELS[name] for name in ENTRY_FIELDS},
            mine,
            page.shown.content,
            lambda name, value: page.shown_value(name, value),
        )

    def success(saved: RoundEntry) -> str:
        if saved.state == "inskickad":
            return _("Bedömningen av %(number)s är inskickad för granskning.", number=cap.number)
        return _("Utkastet för %(number)s är sparat.", number=cap.number)

    return save(
        form,
        lambda: services.save_entry(
            db,
            acting_user(),
            page.round,
            cap,
            data,
            submit=submit,
            expected_version=parse_version(form.version.data),
        ),
        render=lambda view: page.render(form, review, view),
        success=success,
        redirect_to=url_for("rounds.entry", round_id=page.round.id, number=cap.number),
        conflict=conflict,
    )


@bp.post("/<int:round_id>/capabilities/<number>/review")
@editor_required
def decide(round_id: int, number: str) -> ResponseReturnValue:
    """Fastställ or återremittera: errors on the page (422, field marked), a changed entry 409."""
    page = EntryPage(round_id, number)
    current = page.current
    if current is None:
        abort(404)
    review = ReviewForm()
    form = _entry_form(page)
    if not review.validate_on_submit():
        return page.render(form, review, None), 422
    decision = request.form.get("decision")
    if decision not in ("approve", "return"):
        abort(400)
    db = db_session()
    version = parse_version(review.content_version.data)

    def action() -> RoundApproval:
        decide_ = services.approve_entry if decision == "approve" else services.return_entry
        return decide_(
            db,
            acting_user(),
            current,
            comment=review.comment.data,
            expected_content_version=version,
        )

    def success(approval: RoundApproval) -> str:
        if approval.decision == "fastställd":
            return _("Bedömningen av %(number)s är fastställd.", number=page.cap.number)
        return _("Bedömningen av %(number)s är återremitterad.", number=page.cap.number)

    def conflict() -> list[ComparedField]:
        """The entry changed while the reviewer read it: show the new version to decide on."""
        db.refresh(current)
        page.shown = visible_entry(current, can_see_confidential=current_user.can_see_confidential)
        review.content_version.data = str(current.content_version)
        return []

    return save(
        review,
        action,
        render=lambda view: page.render(form, review, view),
        success=success,
        redirect_to=url_for("rounds.show", round_id=page.round.id),
        conflict=conflict,
    )
