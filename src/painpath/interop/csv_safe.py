"""CSV that a spreadsheet cannot turn into a formula (CSV injection, OWASP): a text
cell that starts with = + - @, a tab or a carriage return gets a leading apostrophe,
so "=HYPERLINK(...)" shows as text. Numbers are written as they are. Every CSV painpath
writes goes through `writer`."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if type(value) is str and value.startswith(TRIGGERS):
        return "'" + value
    return value


class SafeWriter:
    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(v) for v in row])


def writer(handle: TextIO, **options: Any) -> SafeWriter:
    return SafeWriter(handle, **options)
