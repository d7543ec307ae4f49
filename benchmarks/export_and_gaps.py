"""Excel export and gap analysis at a given scale, beside a bare openpyxl floor in the same run.

    .venv/bin/python benchmarks/export_and_gaps.py --url sqlite:////tmp/bench100.sqlite

The floor writes exactly the same cell values with openpyxl in write-only mode and no styling:
the report's cost over it is formatting, estimating row heights and loading the data.
Peak memory is tracemalloc's peak for each step.
"""

from __future__ import annotations

import argparse
import io
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import sqlalchemy.orm as so
from openpyxl import Workbook, load_workbook

from capabilities.db import make_engine
from capabilities.queries.gaps import gap_frame
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook


def measure(step: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Best wall time of `repeat` runs (s) and peak traced memory of one run (MiB)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    step()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), peak / 2**20, result


def bare_dump(sheets: dict[str, list[list[Any]]]) -> bytes:
    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = make_engine(args.url)
    with so.Session(engine) as session:
        data_time, data_mem, report = measure(
            lambda: build_report(session, include_confidential=True), args.repeat
        )

        def export() -> bytes:
            buffer = io.BytesIO()
            write_workbook(build_report(session, include_confidential=True), buffer)
            return buffer.getvalue()

        export_time, export_mem, workbook = measure(export, args.repeat)
        gap_time, gap_mem, frame = measure(lambda: gap_frame(session), args.repeat)
        history_rows = sum(1 for _ in report.history)  # streamed: counted while connected
    # The same cell values, read back from the report, as the floor's input.
    wb = load_workbook(io.BytesIO(workbook), read_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    wb.close()
    cells = sum(len(r) for rows in sheets.values() for r in rows)
    floor_time, floor_mem, _ = measure(lambda: bare_dump(sheets), args.repeat)
    # The floor's input rows are built before measuring, so add the data load to compare like
    # with like: the report must load its data, the floor is handed it.
    print(
        f"capabilities: {len(report.capabilities)}, history rows: {history_rows}, "
        f"cells: {cells}, workbook: {len(workbook) / 2**20:.1f} MiB"
    )
    print(f"report data load : {data_time:7.2f} s  peak {data_mem:7.1f} MiB")
    print(f"Excel export     : {export_time:7.2f} s  peak {export_mem:7.1f} MiB (incl. data load)")
    print(f"bare floor       : {floor_time:7.2f} s  peak {floor_mem:7.1f} MiB (same cells)")
    print(
        f"export/floor     : {export_time / floor_time:7.2f}×   "
        f"(export − data load)/floor: {(export_time - data_time) / floor_time:.2f}×"
    )
    print(f"gap analysis     : {gap_time:7.3f} s  peak {gap_mem:7.1f} MiB  ({len(frame)} rows)")


if __name__ == "__main__":
    main()
