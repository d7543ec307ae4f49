"""`formaga calendar` and `formaga remind`: the deadlines as an iCalendar file, and the e-mail
digest of what changed among each subscribed user's tasks."""

from __future__ import annotations

from datetime import date

import click

from web.cli import common


@click.command(help="Write the deadlines as an iCalendar file (all, or one user's).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--user", "username", default=None, help="Only this user's deadlines.")
def calendar(output: str, username: str | None) -> None:
    from web.deadlines.feed import feed_bytes

    with common.session_scope() as session, common.web_context():
        user = common.user_named(session, username) if username else None
        body = feed_bytes(session, user, today=date.today())
    with open(output, "wb") as handle:
        handle.write(body)
    events = body.count(b"BEGIN:VEVENT")
    click.echo(f"Skrev {output} ({events} händelser).")


def _reminders(count: int) -> str:
    return f"{count} påminnelse" if count == 1 else f"{count} påminnelser"


@click.command(help="E-mail each subscribed user a digest of what changed among their tasks.")
@click.option("--dry-run", is_flag=True, help="Show who would get what; send and log nothing.")
def remind(dry_run: bool) -> None:
    from capabilities.mail import MailError, SmtpSettings
    from web.deadlines.remind import dry_run_line, nothing_to_send, run_reminders

    settings = None
    if not dry_run:
        try:
            settings = SmtpSettings.from_env()
        except MailError as exc:
            common.fail(exc.message)
    with common.session_scope(writing=not dry_run) as session, common.web_context():
        report = run_reminders(session, settings, today=date.today(), dry_run=dry_run)
        if not report.digests:
            click.echo(nothing_to_send(report))
            return
        if dry_run:
            for digest in report.digests:
                click.echo(f"Till {digest.user.display_name} <{digest.user.email}>:")
                for item in digest.items:
                    click.echo(f"  {dry_run_line(item)}")
            click.echo(f"Provkörning: {_reminders(len(report.digests))} skulle skickas.")
            return
    for address in report.sent:
        click.echo(f"Skickade påminnelse till {address}.")
    if not report.ok:
        unsent = len(report.digests) - len(report.sent)
        common.fail(
            "\n".join(report.failed)
            + f"\n{unsent} av {_reminders(len(report.digests))} skickades inte"
            " och skickas vid nästa körning."
        )
    click.echo(f"Skickade {_reminders(len(report.sent))}.")
