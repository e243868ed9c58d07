"""Validated instruments: metadata from content, scoring and interpretation here."""

from painpath.core.instruments.base import (
    InstrumentInputError,
    InstrumentMeta,
    ItemProblem,
    Score,
)
from painpath.core.instruments.registry import Instrument, Reading, build_instruments

__all__ = [
    "Instrument",
    "InstrumentInputError",
    "InstrumentMeta",
    "ItemProblem",
    "Reading",
    "Score",
    "build_instruments",
]
