"""`formaga export` and `formaga report`: the register report as a file (xlsx, CSV or PDF), as
of a date or, for `report`, of a closed round."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

import click

from web.cli import common

if TYPE_CHECKING:
    from capabilities.db import Session
    from capabilities.reports.data import ReportData
    from capabilities.reports.pdf import RoundInfo

_AS_OF = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The register as it stood at the end of this date.",
)
_OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True
)


@click.command("export", help="Export the register report (xlsx workbook or CSV).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx")
@_OUTPUT
@_AS_OF
@click.option(
    "--include-confidential",
    is_flag=True,
    help="Include content marked confidential (the file is then under secrecy).",
)
@click.option(
    "--exported-by",
    default=lambda: os.environ.get("USER", ""),
    help="Name written into the report as exporter.",
)
def export(
    fmt: str, output: str, as_of: datetime | None, include_confidential: bool, exported_by: str
) -> None:
    with common.session_scope() as session:
        report = _as_of(session, as_of, include_confidential, exported_by)
        _write(report, fmt, output)
    click.echo(f"Skrev {output} ({len(report.capabilities)} delförmågor, per {report.as_of}).")


@click.command("report", help="The register report as PDF (or xlsx/CSV), as of a date or a round.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "csv"]), default="pdf")
@_OUTPUT
@_AS_OF
@click.option("--round", "round_id", type=int, default=None, help="A closed reporting round.")
@click.option(
    "--include-confidential",
    is_flag=True,
    help="Include content marked confidential; needs --user with clearance.",
)
@click.option("--user", "username", default=None, help="The user the report is made for.")
def report(
    fmt: str,
    output: str,
    as_of: datetime | None,
    round_id: int | None,
    include_confidential: bool,
    username: str | None,
) -> None:
    from capabilities.errors import DomainError
    from capabilities.reports.round_report import round_report

    if as_of is not None and round_id is not None:
        common.fail("Ange antingen --as-of eller --round, inte båda.")
    with common.session_scope() as session:
        user = common.user_named(session, username) if username is not None else None
        if include_confidential and (user is None or not user.can_see_confidential):
            common.fail(
                "Sekretessmarkerade uppgifter kräver --user med behörighet att se "
                "sekretessmarkerade uppgifter."
            )
        exported_by = user.display_name if user else os.environ.get("USER", "")
        round_info = None
        if round_id is not None:
            try:
                data, round_info, _snap = round_report(
                    session,
                    round_id,
                    include_confidential=include_confidential,
                    exported_by=exported_by,
                )
            except DomainError as exc:
                common.fail(exc.message)
        else:
            data = _as_of(session, as_of, include_confidential, exported_by)
        _write(data, fmt, output, round_info)
    click.echo(f"Skrev {output} ({len(data.capabilities)} delförmågor, per {data.as_of}).")


def _as_of(
    session: Session, as_of: datetime | None, include_confidential: bool, exported_by: str
) -> ReportData:
    """The register report as of the end of a date (None: now)."""
    from capabilities.reports.data import build_report

    return build_report(
        session,
        as_of=as_of.date() if as_of else None,
        include_confidential=include_confidential,
        exported_by=exported_by,
    )


def _write(data: ReportData, fmt: str, output: str, round_info: RoundInfo | None = None) -> None:
    """Write the report as pdf, xlsx or csv. Called while the session is open: the workbook
    streams the status history from the database."""
    from capabilities.reports.csv_export import write_register_csv
    from capabilities.reports.xlsx import write_workbook

    if fmt == "pdf":
        from capabilities.reports.pdf import write_pdf

        with open(output, "wb") as handle:
            write_pdf(data, handle, round_info)
    elif fmt == "xlsx":
        with open(output, "wb") as handle:
            write_workbook(data, handle)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            write_register_csv(data, handle)
