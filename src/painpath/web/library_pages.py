"""The exercise library: browse and search with filters, one page per exercise (with its
animated figure, steps, dose, cautions and sources), and a contact sheet of every
exercise's frames for clinical review. Library content is not health data: open to all."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from painpath.core.exercises import Equipment, Kind, Position, Region, matches
from painpath.services.checkins import catalog_for
from painpath.services.errors import NotFound
from painpath.web import figure_assets
from painpath.web.auth import request_context
from painpath.web.templating import TEMPLATES, render

router = APIRouter(include_in_schema=False)


def svg(markup: str) -> Markup:
    """Figures come from painpath's own renderer, which writes only numbers and escaped
    text (figures/svg.py escapes every label), so they can be placed in the page as is."""
    return Markup(markup)  # noqa: S704


FILTERS = {
    "region": [r.value for r in Region],
    "kind": [k.value for k in Kind],
    "position": [p.value for p in Position],
    "equipment": [e.value for e in Equipment],
    "level": ["1", "2", "3", "4"],
}


@router.get("/exercises")
def exercise_list(request: Request, q: str = ""):
    catalog = catalog_for(request_context(request))
    library = catalog.exercises
    chosen = {k: v for k in FILTERS if (v := request.query_params.get(k, "")) and v in FILTERS[k]}
    q = q.strip()[:80]
    return render(
        request,
        "exercises/list.html",
        grid=_grid(catalog, q, chosen),
        q=q,
        chosen=chosen,
        filters=FILTERS,
        total=len(library),
    )


_grids: dict[tuple, Markup] = {}
GRID_CACHE_SIZE = 512


def _grid(catalog, q: str, chosen: dict[str, str]) -> Markup:
    """The library's cards for one search: the same for everyone until the content
    changes, so rendered once (per content version and search) and kept."""
    key = (catalog.version, q.casefold(), tuple(sorted(chosen.items())))
    found = _grids.get(key)
    if found is not None:
        return found
    library = catalog.exercises
    matching = sorted((e for e in library.values() if matches(e, q, chosen)), key=lambda e: e.name)
    # Thumbnails are images of their own (cached by the browser, loaded lazily), not
    # drawings repeated in every page.
    cards = [
        (
            e,
            (figure_assets.thumb_url(catalog, e), *figure_assets.thumb_size(drawn))
            if (drawn := figure_assets.thumb(catalog, e))
            else None,
        )
        for e in matching
    ]
    # An autoescaped template of painpath's own: safe to place as is.
    html = Markup(TEMPLATES.env.get_template("exercises/_grid.html").render(cards=cards))  # noqa: S704
    if len(_grids) >= GRID_CACHE_SIZE:
        _grids.clear()
    _grids[key] = html
    return html


@router.get("/exercises/contact-sheet")
def contact_sheet(request: Request):
    catalog = catalog_for(request_context(request))
    library = catalog.exercises
    rows = [
        (e, [svg(frame) for frame in figure_assets.stills(catalog, e, 0.6)])
        for e in sorted(library.values(), key=lambda e: e.name)
        if e.figure
    ]
    return render(request, "exercises/contact_sheet.html", rows=rows)


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, exercise_id: str):
    catalog = catalog_for(request_context(request))
    ex = catalog.exercises.get(exercise_id)
    if ex is None:
        raise NotFound("exercise")
    figure = ex.figure
    return render(
        request,
        "exercises/detail.html",
        ex=ex,
        anim=svg(figure_assets.anim(catalog, ex)) if figure else None,
        stills=[svg(s) for s in figure_assets.stills(catalog, ex, 0.8)],
        keyframes=figure.keyframes if figure else (),
        links={k: catalog.exercises[k] for k in (*ex.progresses_to, *ex.regresses_to)},
        references=[(key, catalog.references.get(key)) for key in ex.sources],
        cautions=[catalog.caution_words[c.value] for c in ex.cautions],
    )


@router.get("/figures/{version}/{exercise_id}/thumb.svg")
def figure_thumb(request: Request, version: str, exercise_id: str):
    """A library thumbnail. Under the current content version's address it never
    changes, so browsers keep it for a year; an old address gets today's drawing,
    revalidated each time."""
    catalog = catalog_for(request_context(request))
    ex = catalog.exercises.get(exercise_id)
    drawn = figure_assets.thumb(catalog, ex) if ex is not None else None
    if drawn is None:
        raise NotFound("figure")
    tag = figure_assets.etag(catalog, ex, "thumb")
    current = version == catalog.version
    headers = {
        "ETag": tag,
        "Cache-Control": "public, max-age=31536000, immutable" if current else "no-cache",
    }
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(drawn, media_type="image/svg+xml", headers=headers)
