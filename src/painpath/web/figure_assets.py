"""Exercise figures, drawn once per content version and reused.

A figure changes only when the content does, yet drawing one costs milliseconds and
the library page shows 65: drawn per request they made `/exercises` crawl under load
(issue 10 §3). Each drawing is kept here, keyed by the content version, and the
library's thumbnails are served as their own cacheable images
(`/figures/<version>/<exercise>/thumb.svg`: an ETag, and a year's max-age because a new
content version is a new address), loaded lazily by the browser."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from painpath.catalog import Catalog
from painpath.core.exercises import Exercise
from painpath.figures.svg import animation, still_frames

_lock = threading.Lock()
_drawn: dict[tuple, object] = {}
_SIZE = re.compile(r'width="([\d.]+)" height="([\d.]+)"')
THUMB_SCALE = 0.55


def _kept(key: tuple, draw: Callable[[], object]):
    found = _drawn.get(key)
    if found is None:
        found = draw()  # drawn outside the lock: two threads may draw once each, harmlessly
        with _lock:
            if len(_drawn) > 20_000:  # old content versions: start again
                _drawn.clear()
            _drawn[key] = found
    return found


def stills(catalog: Catalog, ex: Exercise, scale: float) -> tuple[str, ...]:
    if ex.figure is None:
        return ()
    return _kept(
        (catalog.version, ex.id, "stills", scale),
        lambda: tuple(still_frames(ex.figure, ex.name, scale)),
    )


def thumb(catalog: Catalog, ex: Exercise, scale: float = THUMB_SCALE) -> str | None:
    frames = stills(catalog, ex, scale)
    return frames[-1] if frames else None


def anim(catalog: Catalog, ex: Exercise) -> str | None:
    if ex.figure is None:
        return None
    return _kept((catalog.version, ex.id, "anim"), lambda: animation(ex.figure, ex.name))


def thumb_size(svg: str) -> tuple[int, int]:
    """The drawing's size in CSS pixels, for the <img> (no layout shift while it loads)."""
    match = _SIZE.search(svg)
    if match is None:
        return (120, 80)
    return (round(float(match.group(1))), round(float(match.group(2))))


def thumb_url(catalog: Catalog, ex: Exercise) -> str:
    return f"/figures/{catalog.version}/{ex.id}/thumb.svg"


def etag(catalog: Catalog, ex: Exercise, name: str) -> str:
    return f'"{catalog.version}-{ex.id}-{name}"'
