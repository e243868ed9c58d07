"""Batch scoring of instrument responses: CSV or JSON in, CSV or JSON out.

A row with bad items is reported (row number and every bad item) and written with
status "error"; it never stops the valid rows. Built for research exports: the hot
loop does one dict lookup per item (see benchmarks/scoring.py for the figures)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from painpath.core.instruments import Instrument, InstrumentInputError
from painpath.interop import json_text

ID_COLUMNS = ("id", "row_id", "record_id", "patient_id")


@dataclass
class BatchReport:
    rows: int = 0
    scored: int = 0
    incomplete: int = 0
    errors: list[str] = field(default_factory=list)  # "row 3: item 5: ..." lines

    @property
    def failed(self) -> int:
        return self.rows - self.scored - self.incomplete


class BatchInputError(ValueError):
    """The file as a whole cannot be read (not CSV/JSON, no item columns, ...)."""


def read_rows(path: Path, instrument: Instrument) -> tuple[Iterator[dict[str, Any]], int | None]:
    """Rows as dicts keyed by column, and the row count when cheap to know."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json_text.loads(path.read_bytes())
        except json_text.JSONTextError as exc:
            raise BatchInputError(f"{path}: {exc}") from None
        if isinstance(data, dict) and isinstance(data.get("rows"), list):
            data = data["rows"]
        if not isinstance(data, list):
            raise BatchInputError(f"{path}: expected a list of rows (objects keyed by item id)")
        return (r if isinstance(r, dict) else {"__bad__": r} for r in data), len(data)
    if suffix == ".csv":
        handle = path.open(newline="", encoding="utf-8-sig")
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise BatchInputError(f"{path}: the file is empty") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise BatchInputError(f"{path}: not a readable CSV file ({exc})") from None
        header = [h.strip() for h in header]
        items = {i.id for i in instrument.meta.items}
        if not items & set(header):
            raise BatchInputError(
                f"{path}: no column is a {instrument.meta.short_name} item id "
                f"(expected columns {', '.join(sorted(items, key=_natural))})"
            )
        return _csv_rows(handle, reader, header), None
    raise BatchInputError(f"{path}: use a .csv or .json file")


def _natural(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdigit() else (10**6, key)


def _csv_rows(handle: TextIO, reader: Any, header: list[str]) -> Iterator[dict[str, Any]]:
    width = len(header)
    with handle:
        for values in reader:
            if len(values) != width:
                if not values or all(not v.strip() for v in values):
                    yield {}
                else:
                    yield {"__bad__": f"has {len(values)} fields; the header has {width}"}
                continue
            yield dict(zip(header, values, strict=True))


def score_rows(
    instrument: Instrument,
    rows: Iterator[dict[str, Any]],
    options: Mapping[str, str],
    write: Callable[[list[Any]], None],
    report: BatchReport,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Score each row and write it as a list in `output_columns(instrument)` order."""
    item_ids = frozenset(i.id for i in instrument.meta.items)
    subscales = output_columns(instrument)[5:-3]
    score = instrument.score
    for n, row in enumerate(rows, start=1):
        if not row:
            continue  # a blank line
        report.rows += 1
        row_id = next((row[c] for c in ID_COLUMNS if c in row), str(n))
        if "__bad__" in row:
            report.errors.append(f"row {n}: {row['__bad__']}")
            write(
                [
                    n,
                    row_id,
                    None,
                    "error",
                    None,
                    *[None] * len(subscales),
                    "",
                    "",
                    str(row["__bad__"]),
                ]
            )
            continue
        if row.keys() <= item_ids:
            responses = row
        else:
            responses = {k: v for k, v in row.items() if k not in ID_COLUMNS}
        try:
            result = score(responses, options)
        except InstrumentInputError as error:
            problems = "; ".join(str(p) for p in error.problems)
            report.errors.append(f"row {n}: {problems}")
            write([n, row_id, None, "error", None, *[None] * len(subscales), "", "", problems])
            continue
        if result.value is None and result.status == "incomplete":
            report.incomplete += 1
        else:
            report.scored += 1
        subs = result.subscales
        write(
            [
                n,
                row_id,
                result.value,
                result.status,
                result.category,
                *[subs.get(name) for name in subscales],
                " ".join(result.missing),
                "; ".join(result.notes),
                "",
            ]
        )
        if on_progress is not None and n % 20000 == 0:
            on_progress(n)


def output_columns(instrument: Instrument) -> list[str]:
    subscales = (
        sorted({i.domain for i in instrument.meta.items})
        if instrument.id
        in (
            "hoos",
            "hoos12",
        )
        else []
    )
    if instrument.id == "sbst":
        subscales = ["psychosocial"]
    if instrument.id == "bipq":
        subscales = [i.id for i in instrument.meta.items if i.scored]
    return ["row", "id", "score", "status", "category", *subscales, "missing", "notes", "problems"]
