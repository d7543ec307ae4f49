"""What refusing each crafted workbook of tests/bombs.py costs (issue 23, F5: < 100 MB, < 2 s).

    .venv/bin/python benchmarks/upload_bombs.py              # the import's entry point
    .venv/bin/python benchmarks/upload_bombs.py --unchecked  # openpyxl alone, for comparison

Each bomb runs in a fresh subprocess: wall and CPU time, tracemalloc's peak, and the growth of
the process's maximum resident set (ru_maxrss, which also sees zlib's and expat's own memory).
--unchecked opens the file with openpyxl directly (what the import did before), under a 2 GB
address-space and a 20 s CPU limit, so that a bomb fails instead of taking the machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import io, json, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
from tests.bombs import BOMBS
name, unchecked = sys.argv[2], sys.argv[3] == "1"
data = BOMBS[name][0]()
if unchecked:
    from openpyxl import load_workbook
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
    def run():
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        list(wb["Uppdatering"].iter_rows(max_col=64, values_only=True))
else:
    from importers.status_workbook import read_workbook
    def run():
        read_workbook(io.BytesIO(data))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcome = "accepted"
for traced in (False, True):
    if traced:
        tracemalloc.start()
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    try:
        run()
    except MemoryError:
        outcome = "MemoryError"
    except Exception as exc:
        outcome = str(exc).splitlines()[0][:70]
    if not traced:
        wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    else:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
print(json.dumps(dict(size=len(data), wall=wall, cpu=cpu, rss_kb=rss, peak=peak, outcome=outcome)))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unchecked", action="store_true", help="openpyxl without the limits")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.bombs import BOMBS

    print(f"{'bomb':18} {'file':>7} {'wall':>8} {'cpu':>8} {'+maxrss':>9} {'py peak':>9}  outcome")
    for name in BOMBS:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(ROOT), name, "1" if args.unchecked else "0"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            why = "over 20 s of CPU" if done.returncode == -24 else done.stderr.strip()[-70:]
            print(f"{name:18} stopped: {why}")
            continue
        r = json.loads(done.stdout)
        print(
            f"{name:18} {r['size'] / 1024:6.0f}K {r['wall']:7.3f}s {r['cpu']:7.3f}s "
            f"{r['rss_kb'] / 1024:7.1f}MB {r['peak'] / 2**20:7.1f}MB  {r['outcome']}"
        )


if __name__ == "__main__":
    main()
