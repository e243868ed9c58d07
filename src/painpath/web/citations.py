"""Numbered footnotes for a page: cite keys as statements are shown, then list the
references in the order they were first cited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class Citations:
    def __init__(self, references: Mapping[str, Any]) -> None:
        self._references = references
        self._keys: list[str] = []

    def __call__(self, keys: Iterable[str]) -> list[int]:
        numbers = []
        for key in keys:
            if key not in self._keys:
                self._keys.append(key)
            numbers.append(self._keys.index(key) + 1)
        return numbers

    def listing(self) -> list[tuple[int, str, Any]]:
        return [(n, key, self._references.get(key)) for n, key in enumerate(self._keys, start=1)]
