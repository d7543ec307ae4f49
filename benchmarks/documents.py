"""The register's documents through the real server: the first (rendering) request and the
kept ones after it, for the PDF and the workbook, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/documents.py                    # both databases, 1×
    .venv/bin/python benchmarks/documents.py --databases sqlite --scale 100

For each database kind the register of `generate.py` at --scale is built afresh (PostgreSQL in a
throwaway cluster, tests/pg.py), `formaga serve` serves it, the admin bench0 logs in, and each
document is downloaded once (the render) and then --repeat times (median reported): a kept file
is served from web/cache.py until the register changes. Targets (issue 30): a kept request
≤ 50 ms; the first render of the 1× PDF ≤ 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import BENCH_PASSWORD, generate  # noqa: E402
from pages import Client, empty_database, serve  # noqa: E402

DOCUMENTS = [
    ("PDF", "/reports/export?format=pdf"),
    ("xlsx", "/reports/export?format=xlsx"),
    ("xlsx with confidential content", "/reports/export?format=xlsx&include_confidential=y"),
]


def timed(client: Client, path: str) -> float:
    started = time.perf_counter()
    status, _body = client.request("GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}")
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--dir", default="/tmp/formaga-documents")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()} (1, 5, 15 min), {os.cpu_count()} cores", flush=True)
    lines = [
        f"| database | document ({args.scale}×) | first request ms | kept, median ms |",
        "|---|---|---|---|",
    ]
    for kind in args.databases.split(","):
        with ExitStack() as stack:
            url = stack.enter_context(empty_database(kind, Path(args.dir), "documents"))
            generate(url, args.scale)
            client = Client(stack.enter_context(serve(url)))
            client.login("bench0", BENCH_PASSWORD)
            for label, path in DOCUMENTS:
                first = timed(client, path)
                kept = statistics.median(timed(client, path) for _ in range(args.repeat))
                lines.append(f"| {kind} | {label} | {first:,.0f} | {kept:.0f} |")
                print(lines[-1], flush=True)
    print(f"load after: {os.getloadavg()} (1, 5, 15 min)")
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
