"""The workbook's list sheets as data: a sheet is its name, its title, where its rows come from
and one (column, value) pair per column; `write_list_sheet` writes any of them.

Five builders of one shape (measures, assignments, actors, proposals, industry contacts) were
written out one by one; a column is now declared in one line, next to how its value is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from capabilities.guidance import QUESTIONS
from capabilities.queries.register import CONFIDENTIAL_LABEL
from capabilities.reports.data import ReportData
from capabilities.reports.xlsx_sheet import Column, Sheet
from capabilities.services.procurement import STAGE_NAMES


def yes_no(value: bool) -> str:
    return "Ja" if value else "Nej"


@dataclass(frozen=True)
class ListSheet:
    name: str
    title: str
    rows: Callable[[ReportData], Iterable[Any]]
    fields: Sequence[tuple[Column, Callable[[Any], Any]]]


def write_list_sheet(wb: Workbook, report: ReportData, spec: ListSheet) -> None:
    sheet = Sheet(wb, spec.name, [column for column, _value in spec.fields], report, spec.title)
    for row in spec.rows(report):
        sheet.append([value(row) for _column, value in spec.fields])
    sheet.finish()


def _milestones(assignment: Any) -> str:
    return "\n".join(
        f"{due.isoformat()} {kind}" + (" (klar)" if done else "")
        for due, kind, done in assignment.milestones
    )


def _contact_owner(row: Any) -> str:
    owner = f"Förslag {row.proposal_id}" if row.proposal_id else f"Åtgärd {row.measure_id}"
    return f"{owner}: {row.measure_title}"


READY = {True: "Ja", False: "Nej", None: "Okänt"}

MEASURES = ListSheet(
    "Åtgärder",
    "Förmågehöjande åtgärder",
    lambda report: report.measures,
    (
        (Column("Id", 5, number=True), lambda m: m.id),
        (Column("Åtgärd", 25), lambda m: m.title),
        (Column("Status", 11), lambda m: m.state),
        (Column("Prioritet", 9), lambda m: m.priority),
        (Column("Kostnadseffektivitet", 18), lambda m: m.cost_effectiveness),
        (Column("Rättslig bedömning", 18), lambda m: m.legal_assessment),
        (Column("Klart senast", 11), lambda m: m.due_on),
        (Column("Delförmågor", 11.5), lambda m: ", ".join(m.capabilities)),
        (Column("Aktörer", 12), lambda m: "\n".join(m.actors)),
        (Column("Sekretess", 9.5), lambda m: yes_no(m.confidential)),
    ),
)

ASSIGNMENTS = ListSheet(
    "Regeringsuppdrag",
    "Regeringsuppdrag",
    lambda report: report.assignments,
    (
        (Column("Dnr", 14), lambda a: "\n".join(a.dnrs) or "dnr saknas"),
        (Column("Uppdrag", 33.5), lambda a: a.title),
        # "Socialdepartementet" on one line
        (Column("Departement", 18.5), lambda a: a.ministry),
        (Column("Status", 11), lambda a: a.status),
        (Column("Mottagare", 18.5), lambda a: "\n".join(a.recipients)),
        (Column("Milstolpar", 23), _milestones),
        (Column("Delförmågor", 11.5), lambda a: ", ".join(a.capabilities)),
    ),
)

ACTORS = ListSheet(
    "Aktörer",
    "Aktörer",
    lambda report: report.actors,
    (
        (Column("Aktör", 34.5), lambda a: a.name),
        (Column("Kortnamn", 10), lambda a: a.short_name),
        (Column("Typ", 18), lambda a: a.kind),
        (Column("Offentlig", 10), lambda a: yes_no(a.is_public)),
        (Column("Beredskapsmyndighet", 20.5), lambda a: READY[a.is_beredskapsmyndighet]),
        (Column("Ansvar för delförmågor", 35), lambda a: "\n".join(a.responsibilities)),
    ),
)

PROPOSALS = ListSheet(
    "Upphandlingsförslag",
    "Förslag till nationell upphandling",
    lambda report: report.proposals,
    (
        (Column("Id", 5, number=True), lambda p: p.id),
        (Column("Förslag", 24.5), lambda p: CONFIDENTIAL_LABEL if p.hidden else p.title),
        (Column("NPO/NAG", 16), lambda p: p.proposing_group),
        (Column("Steg", 18), lambda p: STAGE_NAMES[p.stage]),
        (Column("a/b", 5), lambda p: p.category),
        (
            Column("Besvarade frågor", 10, number=True),
            lambda p: None if p.hidden else len(QUESTIONS) - len(p.unanswered),
        ),
        (
            Column("Obesvarade frågor", 12),
            lambda p: None if p.hidden else ", ".join(map(str, p.unanswered)),
        ),
        (Column("Upphandlas av", 16), lambda p: p.procured_by),
        (Column("Delförmågor", 14), lambda p: ", ".join(c.number for c in p.capabilities)),
        (Column("Sekretess", 9.5), lambda p: yes_no(p.confidential)),
    ),
)

INDUSTRY_CONTACTS = ListSheet(
    "Industrikontakter",
    "Kontakter med industrin (samverkansreglerna)",
    lambda report: report.industry_contacts,
    (
        (Column("Åtgärd eller förslag", 18), _contact_owner),
        (Column("Datum", 10), lambda r: r.contact.contacted_on),
        (Column("Företag/organisation", 19), lambda r: r.contact.organisation),
        (Column("Deltagare", 16), lambda r: r.contact.participants),
        (Column("Form", 9), lambda r: r.contact.form),
        (Column("Syfte", 16), lambda r: r.contact.purpose),
        (Column("Erbjudet eller betalt", 13), lambda r: r.contact.benefits),
        (Column("Dokumenterad", 14), lambda r: r.contact.documented_in),
        (
            Column("Ej bekräftade principer", 15),
            lambda r: ", ".join(r.contact.missing_principles) or "–",
        ),
    ),
)
