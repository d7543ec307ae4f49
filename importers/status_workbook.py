"""Excel round trip: read the Uppdatering sheet, validate every row, then write in one go.

`plan_import` never writes: it returns the changes, the conflicts (a newer assessment was made
after the export) and the rows already applied, or raises ImportRejected listing every problem
by sheet, row and column. `apply_import` records the planned assessments through the same
service a member uses, attributed to the importing user; the caller commits once, so an error
anywhere leaves the database as it was.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from capabilities.models import Capability, StatusAssessment, StatusLevel, User
from capabilities.queries.register import current_assessments
from capabilities.redaction import ASSESSMENT, is_hidden, redact
from capabilities.reports.xlsx import HEADER_ROW, TARGET_COLUMN, UPDATE_COLUMNS, UPDATE_SHEET
from capabilities.services import KEEP_TARGET, AssessmentInput, record_assessment
from capabilities.services.base import MAX_TEXT, require_editor
from capabilities.uploads import MAX_FILE_BYTES, UploadRefused, check_workbook

MAX_ROWS = 20_000
MAX_COLUMNS = 64  # the Uppdatering sheet has about ten; columns further right are ignored
_LEVEL = re.compile(r"^\s*(\d+)")


@dataclass(frozen=True)
class Problem:
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"blad {self.sheet}")
        if self.row:
            where.append(f"rad {self.row}")
        if self.column:
            index = UPDATE_COLUMNS.index(self.column) + 1 if self.column in UPDATE_COLUMNS else None
            letter = f"kolumn {get_column_letter(index)} " if index else "kolumn "
            where.append(f"{letter}({self.column})")
        prefix = ", ".join(where)
        return f"{prefix[:1].upper()}{prefix[1:]}: {self.message}" if prefix else self.message


class ImportRejected(Exception):
    """The file or some rows are invalid; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Change:
    """One row to record. old_level/old_summary are as the importing user may see them:
    None with `old_redacted` set when the current assessment is confidential to them."""

    row: int
    number: str
    capability_id: int
    old_level: int | None
    old_summary: str | None
    old_redacted: bool
    level: int
    summary: str
    justification: str | None
    assessed_on: date
    target_changed: bool = False  # False: the row keeps the current target
    target_level: int | None = None  # the target the row ends with (current when unchanged)


@dataclass
class ImportPlan:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    already_applied: list[str] = field(default_factory=list)
    unchanged_rows: int = 0

    def with_capabilities(self, session: so.Session) -> Iterator[tuple[Change, Capability]]:
        """Each planned change with its capability, loaded as the import reaches it."""
        for change in self.changes:
            capability = session.get(Capability, change.capability_id)
            assert capability is not None
            yield change, capability


def _reject(message: str) -> ImportRejected:
    return ImportRejected([Problem(message)])


def open_workbook(data: bytes) -> Any:
    """Open an uploaded workbook read-only, once it has passed every upload limit."""
    try:
        check_workbook(data)
    except UploadRefused as exc:
        raise ImportRejected([Problem(exc.message)]) from exc
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise _reject(
            f"Filen är skadad och kan inte läsas som .xlsx ({type(exc).__name__})."
        ) from exc


def _parse_level(value: Any, levels: dict[int, str]) -> int | None:
    if isinstance(value, int | float) and float(value).is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        match = _LEVEL.match(text)
        if match:
            number = int(match.group(1))
        else:
            by_label = {label.casefold(): lvl for lvl, label in levels.items()}
            number = by_label.get(text.casefold(), -1)
    return number if number in levels else None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def plan_import(
    session: so.Session, user: User, stream: IO[bytes], *, today: date | None = None
) -> ImportPlan:
    """Validate the whole file; raise ImportRejected with every problem, or return the plan."""
    require_editor(user)
    return plan_rows(session, user, read_workbook(stream), today=today)


def read_workbook(stream: IO[bytes]) -> list[tuple[Any, ...]]:
    """The Uppdatering sheet's rows, from the file alone: no database, so no lock is held.

    The slow part of an import; callers run it before they begin a write transaction.
    """
    return read_update_sheet(open_workbook(stream.read(MAX_FILE_BYTES + 1)))


def plan_rows(
    session: so.Session,
    user: User,
    sheet_rows: list[tuple[Any, ...]],
    *,
    today: date | None = None,
) -> ImportPlan:
    """Validate rows read by `read_workbook` against the register; raise or return the plan."""
    require_editor(user)
    return _plan(
        session,
        sheet_rows,
        today or date.today(),
        can_see_confidential=user.can_see_confidential,
    )


def read_update_sheet(workbook: Any) -> list[tuple[Any, ...]]:
    """The Uppdatering sheet's rows from the header on, read in full and closed.

    A read-only workbook parses its sheets lazily, so damage inside the file shows only while
    reading the rows: read them all here, where any such error means a damaged file.
    """
    try:
        if UPDATE_SHEET not in workbook.sheetnames:
            raise _reject(
                f"Arbetsboken saknar bladet {UPDATE_SHEET}. Använd en export från Förmågeregistret."
            )
        sheet = workbook[UPDATE_SHEET]
        if (sheet.max_row or 0) > MAX_ROWS + HEADER_ROW:
            raise _reject(
                f"Bladet {UPDATE_SHEET} har {sheet.max_row} rader; högst {MAX_ROWS} tillåts."
            )
        # The declared dimension is only a claim: read past it (rows beyond it were dropped
        # without a word), but never wider than MAX_COLUMNS, so that one cell in column XFD
        # cannot make openpyxl pad every row to 16,384 cells.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(
            min_row=HEADER_ROW,
            max_row=HEADER_ROW + MAX_ROWS + 1,
            max_col=MAX_COLUMNS,
            values_only=True,
        )
        return list(itertools.islice(rows, MAX_ROWS + 2))  # header + one row too many
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl, zipfile, zlib and XML parsers all raise their own
        raise _reject(
            f"Filen är skadad och kan inte läsas som .xlsx ({type(exc).__name__})."
        ) from exc
    finally:
        workbook.close()


def _plan(
    session: so.Session,
    sheet_rows: list[tuple[Any, ...]],
    today: date,
    *,
    can_see_confidential: bool,
) -> ImportPlan:
    rows = iter(sheet_rows)
    header = [str(v).strip() if v is not None else "" for v in next(rows, ())]
    missing = [name for name in UPDATE_COLUMNS if name not in header and name != TARGET_COLUMN]
    if missing:
        raise ImportRejected(
            [Problem(f"Kolumnen saknas: {name}.", UPDATE_SHEET, HEADER_ROW) for name in missing]
        )
    index = {name: header.index(name) for name in UPDATE_COLUMNS if name in header}
    levels = dict(session.execute(sa.select(StatusLevel.level, StatusLevel.label)).all())
    capabilities = {c.number: c for c in session.scalars(sa.select(Capability))}
    current = current_assessments()
    currents = {
        a.capability_id: a
        for a in session.scalars(
            sa.select(StatusAssessment).join(current, current.c.id == StatusAssessment.id)
        )
    }
    plan, problems, seen = ImportPlan(), [], set()
    for offset, values in enumerate(rows, start=HEADER_ROW + 1):
        if offset > MAX_ROWS + HEADER_ROW:
            raise _reject(f"Bladet {UPDATE_SHEET} har fler än {MAX_ROWS} rader.")

        def cell(name: str, values: tuple[Any, ...] = values) -> Any:
            position = index.get(name, len(values))
            return values[position] if position < len(values) else None

        def problem(name: str, message: str, row: int = offset) -> None:
            problems.append(Problem(message, UPDATE_SHEET, row, name))

        new_level, new_summary = cell("Ny nivå"), _text(cell("Ny statusbeskrivning"))
        justification, new_date = _text(cell("Motivering")), cell("Datum för ny bedömning")
        number = _text(cell("Nummer"))
        capability = capabilities.get(number or "")
        target_cell = cell(TARGET_COLUMN)
        now = currents.get(capability.id) if capability is not None else None
        # A target the user may not see is neither compared with (the answer would tell whether
        # a guess matched) nor carried into the row's public assessment or draft.
        target_hidden = now is not None and is_hidden(now.confidential, can_see_confidential)
        # Unless the cell changes it, the row keeps the current target (an empty cell too).
        target = now.target_level if now is not None and not target_hidden else None
        target_changed = False
        if target_cell not in (None, "") and capability is not None:
            parsed = _parse_level(target_cell, levels)
            if parsed is None:
                problem(TARGET_COLUMN, f"”{target_cell}” är inte en nivå. Ange 1–5.")
                continue
            target_changed, target = target_hidden or parsed != target, parsed
        if new_level in (None, "") and not new_summary and not justification and new_date is None:
            if target_changed:
                problem(
                    TARGET_COLUMN,
                    "En ändrad målnivå kräver en ny bedömning: fyll i Ny nivå och "
                    "Ny statusbeskrivning.",
                )
            plan.unchanged_rows += 1 if number else 0
            continue
        if capability is None:
            problem("Nummer", f"Okänd delförmåga ”{number or ''}”.")
            continue
        if number in seen:
            problem("Nummer", f"Delförmåga {number} förekommer på flera rader.")
        seen.add(number)
        if capability.retired_on is not None:
            problem("Nummer", f"Delförmåga {number} är avvecklad ({capability.retired_on}).")
        level = None
        if new_level in (None, ""):
            problem("Ny nivå", "Ny nivå saknas.")
        else:
            level = _parse_level(new_level, levels)
            if level is None:
                problem("Ny nivå", f"”{new_level}” är inte en nivå. Ange 1–5.")
        if not new_summary:
            problem("Ny statusbeskrivning", "Ny statusbeskrivning saknas.")
        for name, text in (("Ny statusbeskrivning", new_summary), ("Motivering", justification)):
            if text and len(text) > MAX_TEXT:
                problem(name, f"Texten är för lång ({len(text)} tecken, högst {MAX_TEXT}).")
        assessed_on: date | None = today
        if new_date not in (None, ""):
            assessed_on = _parse_date(new_date)
            if assessed_on is None:
                problem(
                    "Datum för ny bedömning", f"”{new_date}” är inte ett datum. Skriv ÅÅÅÅ-MM-DD."
                )
            elif assessed_on > today:
                problem("Datum för ny bedömning", "Datumet ligger i framtiden.")
        if target_hidden and not target_changed:
            problem(
                TARGET_COLUMN,
                "Nuvarande målnivå är sekretessmarkerad och förs inte över till en bedömning "
                "utan sekretessmarkering. Ange målnivå.",
            )
        version = cell("Version")
        try:
            exported_id = int(version or 0)
        except (TypeError, ValueError):
            problem("Version", "Versionsfältet är ändrat; exportera arbetsboken på nytt.")
            continue
        if level is None or not new_summary or assessed_on is None:
            continue
        now = currents.get(capability.id)
        hidden = now is not None and is_hidden(now.confidential, can_see_confidential)
        # Comparing with content the user may not see would tell them whether a guess matched.
        if (
            now is not None
            and not hidden
            and (now.level, now.summary, now.assessed_on) == (level, new_summary, assessed_on)
        ):
            plan.already_applied.append(number or "")
            continue
        if (now.id if now else 0) != exported_id:
            plan.conflicts.append(
                Problem(
                    f"Delförmåga {number} har fått en nyare bedömning "
                    f"({now.assessed_on if now else '–'}) efter exporten. Raden läses inte in.",
                    UPDATE_SHEET,
                    offset,
                    "Nummer",
                )
            )
            continue
        old = redact(
            ASSESSMENT,
            {"level": now.level if now else None, "summary": now.summary if now else None},
            confidential=now.confidential if now else False,
            can_see_confidential=can_see_confidential,
        )
        plan.changes.append(
            Change(
                row=offset,
                number=number or "",
                capability_id=capability.id,
                old_level=old["level"],
                old_summary=old["summary"],
                old_redacted=hidden,
                level=level,
                summary=new_summary,
                justification=justification,
                assessed_on=assessed_on,
                target_changed=target_changed,
                target_level=target,
            )
        )
    if problems:
        raise ImportRejected(problems)
    return plan


def apply_import(session: so.Session, user: User, plan: ImportPlan) -> list[StatusAssessment]:
    """Record every planned change as the importing user; flushes, the caller commits."""
    require_editor(user)
    return [
        record_assessment(
            session,
            user,
            capability,
            AssessmentInput(
                level=change.level,
                summary=change.summary,
                justification=change.justification,
                assessed_on=change.assessed_on,
                target_level=change.target_level if change.target_changed else KEEP_TARGET,
            ),
        )
        for change, capability in plan.with_capabilities(session)
    ]
