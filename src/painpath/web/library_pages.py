"""The exercise library: browse and search with filters, one page per exercise (with its
animated figure, steps, dose, cautions and sources), and a contact sheet of every
exercise's frames for clinical review. Library content is not health data: open to all."""

from __future__ import annotations

from fastapi import APIRouter, Request
from markupsafe import Markup

from painpath.core.exercises import Equipment, Kind, Position, Region, matches
from painpath.figures.svg import animation, still_frames
from painpath.services.checkins import catalog_for
from painpath.services.errors import NotFound
from painpath.web.auth import request_context
from painpath.web.templating import render

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
    library = catalog_for(request_context(request)).exercises
    chosen = {k: v for k in FILTERS if (v := request.query_params.get(k, "")) and v in FILTERS[k]}
    q = q.strip()[:80]
    found = sorted((e for e in library.values() if matches(e, q, chosen)), key=lambda e: e.name)
    cards = [
        (e, svg(still_frames(e.figure, e.name, 0.55)[-1]) if e.figure else None) for e in found
    ]
    return render(
        request,
        "exercises/list.html",
        cards=cards,
        q=q,
        chosen=chosen,
        filters=FILTERS,
        total=len(library),
    )


@router.get("/exercises/contact-sheet")
def contact_sheet(request: Request):
    library = catalog_for(request_context(request)).exercises
    rows = [
        (e, [svg(frame) for frame in still_frames(e.figure, e.name, 0.6)])
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
        anim=svg(animation(figure, ex.name)) if figure else None,
        stills=[svg(s) for s in still_frames(figure, ex.name, 0.8)] if figure else [],
        keyframes=figure.keyframes if figure else (),
        links={k: catalog.exercises[k] for k in (*ex.progresses_to, *ex.regresses_to)},
        references=[(key, catalog.references.get(key)) for key in ex.sources],
        cautions=[catalog.caution_words[c.value] for c in ex.cautions],
    )
