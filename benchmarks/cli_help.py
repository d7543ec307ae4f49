"""How long `formaga --help` takes, beside a bare interpreter start in the same run.

    .venv/bin/python benchmarks/cli_help.py

Median and best of --repeat runs of each, in their own processes (what a person typing the
command waits for). The target is 0.3 s; the interpreter start is the floor.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    formaga = str(Path(sys.executable).parent / "formaga")
    for label, command in (
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("formaga --help", [formaga, "--help"]),
    ):
        median, best = timed(command, args.repeat)
        print(f"{label:<16} median {median:.3f} s  best {best:.3f} s")


if __name__ == "__main__":
    main()
