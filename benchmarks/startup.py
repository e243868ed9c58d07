"""Start-up time of `painpath --help`: the CLI keeps heavy imports inside its commands,
so asking for help should not pay for FastAPI, SQLAlchemy or uvicorn.

Runs the command --runs times (after one untimed run to warm the file cache) and
reports mean, median, min and max wall time, next to a bare `python -c pass` for scale.
Stdlib only. Run from the repository root:  .venv/bin/python benchmarks/startup.py
(`hyperfine --warmup 3 '.venv/bin/painpath --help'` measures the same thing.)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

VENV_BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"


def timings(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, capture_output=True, check=True)  # noqa: S603 - warm-up
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)  # noqa: S603 - fixed command
        found.append(time.perf_counter() - started)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command (10)")
    args = parser.parse_args(argv)
    runs = max(1, min(args.runs, 1000))
    commands = [
        ("painpath --help", [str(VENV_BIN / "painpath"), "--help"]),
        ("python -c pass", [str(VENV_BIN / "python"), "-c", "pass"]),
    ]
    print("| command | runs | mean ms | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, command in commands:
        ms = [t * 1000 for t in timings(command, runs)]
        print(
            f"| `{label}` | {runs} | {statistics.fmean(ms):.0f} | {statistics.median(ms):.0f} "
            f"| {min(ms):.0f} | {max(ms):.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
