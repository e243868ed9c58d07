"""One object per instrument: metadata + score() + interpret()."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from painpath.core.instruments import hoos, odi, rmdq, sbst, simple
from painpath.core.instruments.base import InstrumentMeta, ItemReader, Score
from painpath.core.progress import Change, classify_change
from painpath.core.statements import Audience, Statement

Scorer = Callable[[InstrumentMeta, ItemReader, Mapping[str, Any], Mapping[str, str]], Score]

SCORERS: dict[str, Scorer] = {
    "sbst": lambda meta, reader, r, o: sbst.score(reader, r, o),
    "rmdq": lambda meta, reader, r, o: rmdq.score(reader, r, o),
    "odi": lambda meta, reader, r, o: odi.score(
        reader, r, o, min_answered=meta.scoring["min_answered"]
    ),
    "hoos": hoos.score_hoos,
    "hoos12": hoos.score_hoos12,
    "hoos_jr": hoos.score_hoos_jr,
    "hoos_ps": hoos.score_hoos_ps,
    "bipq": simple.score_bipq,
    "lefs": simple.score_sum,
    "nprs": simple.score_nprs,
    "psfs": simple.score_psfs,
    "promis_pi_4a": simple.score_promis_table,
}


@dataclass(frozen=True, slots=True)
class Reading:
    """What a score means: its band, change from baseline, and explained statements."""

    band: str | None
    change: Change | None
    statements: tuple[Statement, ...]


class Instrument:
    def __init__(self, meta: InstrumentMeta) -> None:
        self.meta = meta
        self.reader = ItemReader(meta)
        self._score = partial(SCORERS[meta.id], meta, self.reader)

    @property
    def id(self) -> str:
        return self.meta.id

    def score(
        self, responses: Mapping[str, Any], options: Mapping[str, str] | None = None
    ) -> Score:
        """Score one response; raises InstrumentInputError naming every bad item."""
        return self._score(responses, options or {})

    def interpret(self, score: Score, baseline: Score | None = None) -> Reading:
        meta, interp = self.meta, self.meta.interpretation
        statements: list[Statement] = []
        band = score.category
        if score.value is None and score.status == "incomplete":
            why = f"Items missing: {', '.join(score.missing)}." if score.missing else "See notes."
            statements.append(
                Statement(
                    kind="score",
                    text=f"{meta.short_name}: no score – the missing-answer rule was not met.",
                    reasons=(why, *score.notes),
                    sources=meta.scoring_sources,
                    audience=Audience.clinician,
                    implementation_choice="; ".join(meta.implementation_choices) or None,
                )
            )
        elif score.value is None:
            # Complete, but by design without one total (HOOS subscales) or without a
            # configured conversion (HOOS-PS raw score): say what there is instead.
            parts = [f"{k} {_fmt(v)}" for k, v in score.subscales.items()]
            if "raw" in score.details:
                parts.append(f"raw score {score.details['raw']}")
            statements.append(
                Statement(
                    kind="score",
                    text=f"{meta.short_name}: {'; '.join(parts) or 'scored'}.",
                    reasons=(
                        *(score.notes or ("This instrument reports these scores separately.",)),
                    ),
                    sources=meta.scoring_sources,
                    audience=Audience.clinician,
                )
            )
        else:
            # Published bands are written in whole numbers (0–20, 21–40, ...); a score
            # between them belongs to the band whose upper bound it does not pass.
            for b in interp.bands:
                if score.value <= b.max:
                    band = band or b.label
                    statements.append(
                        Statement(
                            kind="band",
                            text=(
                                f"{meta.short_name} {_fmt(score.value)}{_unit(meta)}: "
                                f"{b.label} – {b.meaning}"
                            ),
                            reasons=(
                                f"Scores from {_fmt(b.min)} to {_fmt(b.max)} fall in this band.",
                                *((interp.bands_note,) if interp.bands_note else ()),
                            ),
                            sources=interp.bands_sources or meta.scoring_sources,
                            audience=Audience.clinician,
                        )
                    )
                    break
        if interp.mcid is not None:
            parts = []
            if interp.mcid.points is not None:
                parts.append(f"{_fmt(interp.mcid.points)} points")
            if interp.mcid.percent is not None:
                parts.append(f"{_fmt(interp.mcid.percent)}% from baseline")
            if interp.mcid.by_baseline:
                parts.append(
                    "by baseline: "
                    + ", ".join(
                        f"{_fmt(p)} for {_fmt(lo)}–{_fmt(hi)}"
                        for lo, hi, p in interp.mcid.by_baseline
                    )
                )
            statements.append(
                Statement(
                    kind="mcid",
                    text=(
                        f"Smallest change that matters on the {meta.short_name}: "
                        f"{' or '.join(parts)}."
                    ),
                    reasons=(interp.mcid.note or "Published minimal important change.",),
                    sources=interp.mcid.sources,
                    audience=Audience.clinician,
                    unverified=interp.mcid.unverified,
                )
            )
        if interp.mdc is not None and interp.mdc.points is not None:
            statements.append(
                Statement(
                    kind="mdc",
                    text=(
                        f"Changes under {_fmt(interp.mdc.points)} points on the "
                        f"{meta.short_name} may be measurement error."
                    ),
                    reasons=(interp.mdc.note or "Published minimal detectable change.",),
                    sources=interp.mdc.sources,
                    audience=Audience.clinician,
                    unverified=interp.mdc.unverified,
                )
            )
        if interp.no_threshold_note:
            statements.append(
                Statement(
                    kind="mcid",
                    text=interp.no_threshold_note,
                    reasons=("No published threshold was confirmed for this instrument.",),
                    sources=meta.scoring_sources,
                    audience=Audience.clinician,
                    unverified="MCID for this instrument",
                )
            )
        change = None
        if baseline is not None and baseline.value is not None and score.value is not None:
            change = classify_change(baseline.value, score.value, meta.direction, interp)
            statements.append(
                Statement(
                    kind="change",
                    text=(
                        f"{meta.short_name} {_fmt(baseline.value)} → {_fmt(score.value)}: "
                        f"{change.label}."
                    ),
                    reasons=(
                        f"Change of {_fmt(change.delta)} points in the better direction"
                        + (f" ({_fmt(change.percent)}%)" if change.percent is not None else "")
                        + ".",
                        *change.notes,
                    ),
                    sources=(
                        *(interp.mcid.sources if interp.mcid else ()),
                        *(interp.mdc.sources if interp.mdc else ()),
                    )
                    or meta.scoring_sources,
                    audience=Audience.clinician,
                    unverified="symmetric deterioration threshold",
                )
            )
        if meta.unverified:
            statements.append(
                Statement(
                    kind="unverified",
                    text=f"{meta.short_name}: parts of this scoring are UNVERIFIED – "
                    + "; ".join(meta.unverified),
                    reasons=(
                        "The clinical spec could not confirm these against the primary source.",
                    ),
                    sources=meta.scoring_sources,
                    audience=Audience.clinician,
                    unverified="; ".join(meta.unverified),
                )
            )
        return Reading(band, change, tuple(statements))


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _unit(meta: InstrumentMeta) -> str:
    return "%" if meta.unit == "percent" else ""


def build_instruments(metas: Mapping[str, InstrumentMeta]) -> dict[str, Instrument]:
    missing = set(SCORERS) - set(metas)
    if missing:
        raise ValueError(f"no metadata for instruments: {sorted(missing)}")
    unknown = set(metas) - set(SCORERS)
    if unknown:
        raise ValueError(f"no scoring code for instruments: {sorted(unknown)}")
    return {k: Instrument(m) for k, m in metas.items()}
