"""Scoring, screening and programme speed: the core of every check-in and export.

Targets: CSV -> CSV batch scoring of STarT Back and ODI at >= 100,000 rows/s on a
2-core machine; screen + assess <= 1 ms per assessment (median); build_programme
<= 5 ms (median); a 6-exercise handout PDF <= 1.5 s.

    .venv/bin/python benchmarks/scoring.py [--rows 200000] [--repeat 5]

Writes nothing into the repository; temporary files go to a temp dir. Prints Markdown.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from painpath.catalog import get_catalog
from painpath.core.pathway import assess
from painpath.interop.batch_scoring import BatchReport, read_rows, score_rows

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "checkin-answers.json"


def make_csv(path: Path, instrument: str, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        if instrument == "sbst":
            w.writerow(["id", *[str(i) for i in range(1, 10)]])
            for n in range(rows):
                w.writerow([n, *[rng.randint(0, 1) for _ in range(8)], rng.randint(0, 4)])
        else:  # odi: 5% of sections left blank, as in real exports
            w.writerow(["id", *[str(i) for i in range(1, 11)]])
            for n in range(rows):
                w.writerow(
                    [n, *[rng.randint(0, 5) if rng.random() > 0.05 else "" for _ in range(10)]]
                )


def in_process(path: Path, instrument: str, rows: int, repeat: int) -> list[float]:
    """Rows per second for read CSV -> score -> write CSV, in one process."""
    inst = get_catalog().instruments[instrument]
    rates = []
    for _ in range(repeat):
        out = path.with_suffix(".out.csv")
        start = time.perf_counter()
        reader, _ = read_rows(path, inst)
        with out.open("w", newline="") as f:
            score_rows(inst, reader, {}, csv.writer(f).writerow, BatchReport())
        rates.append(rows / (time.perf_counter() - start))
    return rates


def via_cli(path: Path, instrument: str, rows: int) -> float:
    """Rows per second for the whole `painpath score` command, start-up included."""
    exe = Path(sys.executable).with_name("painpath")
    out = path.with_suffix(".cli.csv")
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command
        [str(exe), "score", instrument, str(path), "--out", str(out), "--quiet"],
        check=True,
        capture_output=True,
    )
    return rows / (time.perf_counter() - start)


def assessment_times(repeat: int) -> list[float]:
    import json

    catalog = get_catalog()
    answers = json.loads(EXAMPLE.read_text())
    sbst = catalog.instruments["sbst"].score({str(i): 1 for i in range(1, 10)})
    today = date(2026, 11, 26)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        assess(
            answers,
            {"sbst": sbst},
            today,
            checkin=catalog.checkin,
            redflags=catalog.redflags,
            guidance=catalog.guidance,
            instruments=catalog.instruments,
            content_version=catalog.version,
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


def programme_times(repeat: int) -> tuple[list[float], list[float]]:
    import json

    from painpath.core.programs import build_programme
    from painpath.reports.handout import HandoutItem, handout_html, handout_pdf
    from painpath.services.checkins import evaluate

    catalog = get_catalog()
    answers = json.loads(EXAMPLE.read_text())
    inputs = evaluate(catalog, answers, {}, date(2026, 11, 26)).programme_inputs
    assert inputs is not None and catalog.programme_rules is not None
    build = []
    for _ in range(repeat):
        start = time.perf_counter()
        built = build_programme(
            inputs, catalog.exercises, catalog.programme_rules, catalog.version, max_exercises=6
        )
        build.append((time.perf_counter() - start) * 1000)
    items = [HandoutItem(catalog.exercises[c.exercise], c.dosage) for c in built.items]
    pdf = []
    for _ in range(5):
        start = time.perf_counter()
        handout_pdf(handout_html(items, clinic_name="Bench", person="A", start=date(2026, 11, 26)))
        pdf.append(time.perf_counter() - start)
    return build, pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--assessments", type=int, default=5000)
    args = parser.parse_args()
    print(f"# Scoring benchmark ({date.today()})\n")
    print(
        f"python {platform.python_version()} · {platform.machine()} · "
        f"{os.cpu_count()} CPUs · {platform.platform()}\n"
    )
    print("| measurement | median | best | worst | target |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for instrument in ("sbst", "odi"):
            path = Path(tmp) / f"{instrument}.csv"
            make_csv(path, instrument, args.rows)
            rates = in_process(path, instrument, args.rows, args.repeat)
            print(
                f"| {instrument} CSV→CSV, in process ({args.rows:,} rows) | "
                f"{statistics.median(rates):,.0f} rows/s | {max(rates):,.0f} | {min(rates):,.0f} "
                "| ≥ 100,000 rows/s |"
            )
            cli = via_cli(path, instrument, args.rows)
            print(
                f"| {instrument} `painpath score` command, start-up included | "
                f"{cli:,.0f} rows/s | | | (for reference) |"
            )
    times = assessment_times(args.assessments)
    print(
        f"| screen + assess, one check-in ({args.assessments:,} runs) | "
        f"{statistics.median(times):.3f} ms | {min(times):.3f} | {max(times):.3f} | ≤ 1 ms |"
    )
    build, pdf = programme_times(2000)
    print(
        f"| build_programme, 6 exercises (2,000 runs) | {statistics.median(build):.3f} ms | "
        f"{min(build):.3f} | {max(build):.3f} | ≤ 5 ms |"
    )
    print(
        f"| handout PDF, 6 exercises (5 runs, first includes WeasyPrint start-up) | "
        f"{statistics.median(pdf):.2f} s | {min(pdf):.2f} | {max(pdf):.2f} | ≤ 1.5 s |"
    )


if __name__ == "__main__":
    main()
