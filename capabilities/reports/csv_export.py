"""The register as CSV for Swedish Excel: UTF-8 with BOM, semicolons, formula-safe."""

from __future__ import annotations

import csv
from datetime import date
from typing import IO

from capabilities.reports.cells import csv_safe
from capabilities.reports.data import REGISTER_HEADERS, ReportData, register_record


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return csv_safe(str(value))


def write_register_csv(report: ReportData, stream: IO[str]) -> None:
    """Write to a text stream opened with newline=""; the BOM is written here."""
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(REGISTER_HEADERS)
    for cap in report.capabilities:
        writer.writerow([_text(v) for v in register_record(cap, report.level_labels)])
