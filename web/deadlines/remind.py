"""`formaga remind`: one e-mail digest per subscribed user, Swedish plain text plus HTML.

Runs inside a request context (for url_for and the templates); the CLI makes one with the
register's public address, FORMAGA_BASE_URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from capabilities.db import Session
from capabilities.mail import Mailer, MailError, SmtpSettings
from capabilities.queries.gaps import DEFAULT_STALE_MONTHS
from capabilities.queries.tasks import ROUND_APPROVED, ROUND_RETURNED
from capabilities.reminders import Digest, DigestItem, pending_digests, record_sent, subscribers
from capabilities.reports.cells import one_line
from web.deadlines.labels import STATE_LABELS, task_status, task_summary, task_url

SECTION_ORDER = ("overdue", "due_soon", "open")
DECIDED_LABEL = _l("Beslut om dina bedömningar i uppföljningsomgången")


@dataclass
class RemindReport:
    digests: list[Digest] = field(default_factory=list)
    subscribers: int = 0  # users with reminders on and an e-mail address
    sent: list[str] = field(default_factory=list)  # addresses
    failed: list[str] = field(default_factory=list)  # Swedish reasons

    @property
    def ok(self) -> bool:
        return not self.failed


def compose(digest: Digest, *, sender: str, today: date) -> EmailMessage:
    """The digest as a multipart/alternative message; links are absolute."""
    user = digest.user

    def line(item: DigestItem) -> dict[str, Any]:
        return {
            "summary": task_summary(item.task),
            "status": task_status(item.task, today, DEFAULT_STALE_MONTHS),
            "due_on": item.task.due_on,
            "dnrs": item.task.dnrs,
            "rescheduled": item.rescheduled,
            "url": task_url(item.task, can_edit=user.can_edit, external=True),
        }

    # A returned entry leads its section; decisions on the user's entries come last.
    decided = [item for item in digest.items if item.task.reason == ROUND_APPROVED]
    sections = [
        (
            state,
            STATE_LABELS[state],
            [
                line(item)
                for item in sorted(
                    digest.section(state), key=lambda item: item.task.reason != ROUND_RETURNED
                )
                if item.task.reason != ROUND_APPROVED
            ],
        )
        for state in SECTION_ORDER
    ]
    sections = [section for section in sections if section[2]]
    if decided:
        sections.append(("decided", DECIDED_LABEL, [line(item) for item in decided]))
    context = {
        "user": user,
        "today": today,
        "sections": sections,
        "start_url": url_for("dashboard.index", _external=True),
        "profile_url": url_for("deadlines.profile", _external=True),
    }
    message = EmailMessage()
    count = len(digest.items)
    message["Subject"] = _(
        "Förmågeregistret: %(what)s", what=ngettext("%(num)d uppgift", "%(num)d uppgifter", count)
    )
    message["From"] = sender
    # A header is one line: a line break in a display name would be a ValueError (issue 23).
    message["To"] = formataddr((one_line(user.display_name), user.email or ""))
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="formagaregistret")
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{context['profile_url']}>"
    message.set_content(render_template("email/digest.txt", **context))
    message.add_alternative(render_template("email/digest.html", **context), subtype="html")
    return message


def nothing_to_send(report: RemindReport) -> str:
    """Why a run has nothing to send, in one sentence."""
    if not report.subscribers:
        return _(
            "Inga påminnelser: ingen användare prenumererar. En användare slår på påminnelser "
            "och anger sin e-postadress under Profil och påminnelser."
        )
    return ngettext(
        "Inga nya påminnelser: %(num)d prenumerant har inget nytt, inget inom 14 dagar och "
        "inget passerat datum sedan förra utskicket.",
        "Inga nya påminnelser: %(num)d prenumeranter har inget nytt, inget inom 14 dagar och "
        "inget passerat datum sedan förra utskicket.",
        report.subscribers,
    )


def dry_run_line(item: DigestItem) -> str:
    """One task of a digest for `remind --dry-run`: section, date, dnr and what is to be done."""
    task = item.task
    parts = [f"[{STATE_LABELS[item.state]}]", task.due_on.isoformat() if task.due_on else "–"]
    if task.dnrs:
        parts.append(", ".join(task.dnrs))
    return " ".join(parts) + " – " + task_summary(task)


def run_reminders(
    session: Session,
    settings: SmtpSettings | None,
    *,
    today: date,
    dry_run: bool = False,
) -> RemindReport:
    """Send every pending digest; log each one the server accepted and commit it at once.

    A dry run (settings may be None) only reports what would go. A failed send leaves no log
    row, so the same items go out on the next run.
    """
    report = RemindReport(
        digests=pending_digests(session, today=today), subscribers=len(subscribers(session))
    )
    if dry_run or not report.digests:
        session.rollback()
        return report
    assert settings is not None
    try:
        with Mailer(settings) as mailer:
            for digest in report.digests:
                message = compose(digest, sender=settings.sender, today=today)
                try:
                    mailer.send(message)
                except MailError as exc:
                    report.failed.append(exc.message)
                    continue
                record_sent(session, digest)
                session.commit()
                report.sent.append(digest.user.email or "")
    except MailError as exc:
        report.failed.append(exc.message)
    session.rollback()  # nothing unsent is logged
    return report
