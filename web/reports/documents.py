"""The register's report files (PDF, xlsx, CSV), rendered once per register change.

The PDF takes seconds to render and the workbook most of a second at 1× (minutes at 100×), yet
both only change when the register does. So each file is kept (web/cache.py) under the
register's version, the format, the date it is as of and its secrecy view — with or without
the confidential content, which only a cleared user may ask for — and served from there until
the register moves. A kept file is the same for everyone with that view, so it names no
exporter (like a closed round's stored documents); its "Framtagen" time is when it was rendered.
"""

from __future__ import annotations

import io
from datetime import date

from capabilities.reports.csv_export import write_register_csv
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from web.cache import kept
from web.db import db_session

FORMATS = ("pdf", "xlsx", "csv")
# Large files: a few kept per process (both secrecy views of today's PDF and workbook).
KEPT_FILES = 6


def register_document(fmt: str, as_of: date, *, include_confidential: bool) -> bytes:
    """The report file for `as_of` in one secrecy view, rendered now or kept from before."""
    if fmt not in FORMATS:
        raise ValueError(fmt)

    def render() -> bytes:
        report = build_report(db_session(), as_of=as_of, include_confidential=include_confidential)
        if fmt == "csv":
            text = io.StringIO(newline="")
            write_register_csv(report, text)
            return text.getvalue().encode("utf-8")
        binary = io.BytesIO()
        if fmt == "pdf":
            from capabilities.reports.pdf import write_pdf  # WeasyPrint loads only for a PDF

            write_pdf(report, binary)
        else:
            write_workbook(report, binary)
        return binary.getvalue()

    return kept("register_document", (fmt, as_of, include_confidential), render, size=KEPT_FILES)
