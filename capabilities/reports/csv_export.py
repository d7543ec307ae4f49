"""The register as CSV for Swedish Excel: UTF-8 with BOM, semicolons, formula-safe."""

from __future__ import annotations

from typing import IO

from capabilities.reports.cells import csv_writer
from capabilities.reports.data import REGISTER_HEADERS, ReportData, register_record


def write_register_csv(report: ReportData, stream: IO[str]) -> None:
    """Write to a text stream opened with newline=""; the BOM is written here."""
    stream.write("\ufeff")
    writer = csv_writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(REGISTER_HEADERS)
    for cap in report.capabilities:
        writer.writerow(register_record(cap, report.level_labels))
