"""Draw a posed figure as SVG: still frames with movement arrows (print), and a smooth
loop between keyframes (browser) using SVG's own animation, so no script is needed
and the Content-Security-Policy stays strict.

One calm style for every exercise: rounded strokes, the near side dark, the far side
pale, props in muted tones."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from painpath.figures.pose import (
    HEAD_R,
    STEP_HEIGHT,
    Keyframe,
    Pose,
    Skeleton,
    View,
    grounded,
    solve,
)

INK = "#0d5c63"
INK_FAR = "#8fbcc0"
GHOST = "#d4dcdc"
ARROW = "#d9822b"
GROUND = "#b9b2a4"
PROP = "#b8a98f"
PROP_FILL = "#efe6d6"
WATER = "#cfe6f2"
LIMB_W = 9.0
TRUNK_W = 14.0
STEPS_PER_MOVE = 10  # interpolated poses between keyframes in the animation


class Prop(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["mat", "chair", "wall", "step", "dumbbells", "band", "water", "bike"]
    use: Literal["seat", "support"] = "seat"  # chair: sat on, or held for balance
    side: Literal["front", "back"] = "front"  # wall / support chair: in front of or behind
    between: Literal["knees", "ankles"] = "knees"  # band
    level: float = Field(95, ge=20, le=160)  # water line height


Anchor = Literal["pelvis", "ankle_near", "ankle_far", "hand_near", "head", "knee_near"]


class FigureSpec(BaseModel):
    """The figure of one exercise: a view, props and two or more keyframes.

    `anchor` is the body point that stays put across frames (the feet when standing up
    from a chair, the pelvis when lying), so the figure moves the way a body does."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    view: View = "side"
    anchor: Anchor = "pelvis"
    leg_scale: float = Field(1.0, ge=0.4, le=1.0)  # foreshortened legs (front view)
    props: tuple[Prop, ...] = ()
    keyframes: tuple[Keyframe, ...] = Field(min_length=2, max_length=6)

    @model_validator(mode="after")
    def _possible(self) -> FigureSpec:
        problems = [
            f"keyframe {n} ({k.name}): {p}"
            for n, k in enumerate(self.keyframes, start=1)
            for p in k.pose.problems(self.view)
        ]
        if problems:
            raise ValueError("impossible pose: " + "; ".join(problems))
        return self

    def has(self, kind: str) -> Prop | None:
        return next((p for p in self.props if p.kind == kind), None)


@dataclass(frozen=True)
class Placed:
    skeleton: Skeleton
    pose: Pose


def _placed(spec: FigureSpec, pose: Pose, on_step: str | None) -> Placed:
    skeleton = grounded(solve(pose, spec.view, spec.leg_scale), on_step)
    anchor_x = skeleton.points()[spec.anchor][0]
    return Placed(skeleton.moved(-anchor_x, 0), pose)


def keyframe_skeletons(spec: FigureSpec) -> list[Placed]:
    return [_placed(spec, k.pose, k.on_step) for k in spec.keyframes]


def loop_skeletons(spec: FigureSpec) -> tuple[list[Placed], list[float]]:
    """Every drawn pose of one loop, and its time (0..1): moves eased, holds still."""
    frames: list[Placed] = []
    times: list[float] = []
    keys = spec.keyframes
    total = sum(k.move_seconds + k.hold_seconds for k in keys)
    clock = 0.0
    for i, key in enumerate(keys):
        prev = keys[i - 1]
        for s in range(STEPS_PER_MOVE):
            t = s / STEPS_PER_MOVE
            pose = prev.pose.blend(key.pose, t)
            # The step foot changes only at the end of a move.
            frames.append(_placed(spec, pose, key.on_step if t > 0.5 else prev.on_step))
            times.append((clock + key.move_seconds * t) / total)
        clock += key.move_seconds
        frames.append(_placed(spec, key.pose, key.on_step))
        times.append(clock / total)
        clock += key.hold_seconds
        if key.hold_seconds:
            frames.append(_placed(spec, key.pose, key.on_step))
            times.append(clock / total)
    # Rotate so the loop starts at keyframe 1 rather than mid-move into it.
    start = STEPS_PER_MOVE
    frames = frames[start:] + frames[:start]
    times = [t - times[start] for t in times[start:]] + [
        t + 1 - times[start] for t in times[:start]
    ]
    frames.append(frames[0])
    times.append(1.0)
    return frames, [min(1.0, max(0.0, t)) for t in times]


@dataclass(frozen=True)
class Box:
    x0: float
    x1: float
    y1: float  # highest point (y up)

    @property
    def width(self) -> float:
        return self.x1 - self.x0


def _bounds(placed: Iterable[Placed], spec: FigureSpec) -> Box:
    xs, ys = [], [0.0]
    for p in placed:
        for x, y in p.skeleton.points().values():
            xs.append(x)
            ys.append(y)
        hx, hy = p.skeleton.head
        xs += [hx - HEAD_R, hx + HEAD_R]
        ys.append(hy + HEAD_R)
    x0, x1 = min(xs), max(xs)
    if spec.has("wall"):
        x0, x1 = x0 - 14, x1 + 14
    if spec.has("chair") or spec.has("bike"):
        x0, x1 = x0 - 16, x1 + 16
    water = spec.has("water")
    return Box(x0 - 16, x1 + 16, max(max(ys), water.level if water else 0) + 12)


class Canvas:
    """Maps figure units (y up, ground at 0) to SVG units (y down). One scale for every
    exercise, so figures are the same size wherever they sit side by side."""

    def __init__(self, box: Box, scale: float) -> None:
        self.box = box
        self.scale = scale
        self.width = max(box.width, 120) * scale
        self.height = (box.y1 + 14) * scale

    def p(self, point: tuple[float, float]) -> tuple[float, float]:
        x, y = point
        return (x - self.box.x0) * self.scale, (self.box.y1 - y) * self.scale

    def ground_y(self) -> float:
        return self.box.y1 * self.scale


def _f(v: float) -> str:
    return f"{v:.1f}"


def _line(a, b, colour: str, width: float, extra: str = "") -> str:
    return (
        f'<line x1="{_f(a[0])}" y1="{_f(a[1])}" x2="{_f(b[0])}" y2="{_f(b[1])}" '
        f'stroke="{colour}" stroke-width="{_f(width)}" stroke-linecap="round"{extra}/>'
    )


SEGMENTS_FAR = (
    ("shoulder_far", "elbow_far"),
    ("elbow_far", "hand_far"),
    ("hip_far", "knee_far"),
    ("knee_far", "ankle_far"),
    ("heel_far", "toe_far"),
)
SEGMENTS_NEAR = (
    ("hip_near", "knee_near"),
    ("knee_near", "ankle_near"),
    ("heel_near", "toe_near"),
    ("shoulder_near", "elbow_near"),
    ("elbow_near", "hand_near"),
)
TRUNK = (("pelvis", "waist"), ("waist", "shoulder_near"), ("shoulder_near", "neck_top"))


def _segments(spec: FigureSpec) -> list[tuple[str, str, str, float]]:
    """(from, to, colour, width) in drawing order: far side, trunk, near side."""
    trunk = list(TRUNK)
    if spec.view == "front":
        trunk = [
            ("pelvis", "waist"),
            ("waist", "neck_top"),
            ("shoulder_near", "shoulder_far"),
            ("hip_near", "hip_far"),
        ]
    return (
        [(a, b, INK_FAR, LIMB_W) for a, b in SEGMENTS_FAR]
        + [(a, b, INK, TRUNK_W) for a, b in trunk]
        + [(a, b, INK, LIMB_W) for a, b in SEGMENTS_NEAR]
    )


def _props_back(spec: FigureSpec, c: Canvas, first: Placed) -> list[str]:
    """Props drawn behind the figure (they do not move)."""
    out = []
    gy = c.ground_y()
    water = spec.has("water")
    if water:
        top = c.p((0, water.level))[1]
        out.append(
            f'<rect x="0" y="{_f(top)}" width="{_f(c.width)}" height="{_f(gy - top)}" fill="{WATER}"/>'
        )
    if spec.has("mat"):
        xs = [x for x, _ in first.skeleton.points().values()]
        x0, _ = c.p((min(xs) - 10, 0))
        x1, _ = c.p((max(xs) + 10, 0))
        out.append(
            f'<rect x="{_f(x0)}" y="{_f(gy - 4 * c.scale)}" width="{_f(x1 - x0)}" height="{_f(4 * c.scale)}" rx="{_f(2 * c.scale)}" fill="{PROP_FILL}" stroke="{PROP}"/>'
        )
    chair = spec.has("chair")
    if chair:
        sk = first.skeleton
        if chair.use == "seat":
            px, py = sk.pelvis
            seat_y = py - 6
            x_front, x_back = px + 12, px - 22
        else:
            hx, hy = sk.hand_near
            seat_y = 46.0
            x_front, x_back = (hx + 24, hx - 6) if chair.side == "front" else (hx + 6, hx - 24)
        (a, sy), (b, _) = c.p((x_back, seat_y)), c.p((x_front, seat_y))
        back_top = (
            c.p((x_back, seat_y + 42))[1] if chair.use == "seat" else c.p((x_back, seat_y + 46))[1]
        )
        out.append(_line((a, sy), (b, sy), PROP, 5))
        out.append(_line((a, sy), (a, gy), PROP, 4))
        out.append(_line((b, sy), (b, gy), PROP, 4))
        out.append(_line((a, sy), (a, back_top), PROP, 4))
    wall = spec.has("wall")
    if wall:
        xs = [x for x, _ in first.skeleton.points().values()]
        wx = (max(xs) + 6) if wall.side == "front" else (min(xs) - 6)
        x, _ = c.p((wx, 0))
        out.append(f'<rect x="{_f(x - 3)}" y="0" width="6" height="{_f(gy)}" fill="{PROP}"/>')
    step = spec.has("step")
    if step:
        key = next((k for k in spec.keyframes if k.on_step), None)
        side = key.on_step if key else "near"
        foot_x = first.skeleton.points()[f"ankle_{side}"][0]
        x0, top = c.p((foot_x - 22, STEP_HEIGHT))
        x1, _ = c.p((foot_x + 26, STEP_HEIGHT))
        out.append(
            f'<rect x="{_f(x0)}" y="{_f(top)}" width="{_f(x1 - x0)}" height="{_f(gy - top)}" fill="{PROP_FILL}" stroke="{PROP}"/>'
        )
    if spec.has("bike"):
        sk = first.skeleton
        px, py = sk.pelvis
        cx = (sk.ankle_near[0] + sk.ankle_far[0]) / 2
        cy = (sk.ankle_near[1] + sk.ankle_far[1]) / 2
        (sx, sy), (kx, ky) = c.p((px, py - 6)), c.p((cx, cy))
        out.append(_line((sx - 10, sy), (sx + 10, sy), PROP, 5))
        out.append(_line((sx, sy), (kx, ky), PROP, 4))
        out.append(
            f'<circle cx="{_f(kx)}" cy="{_f(ky)}" r="{_f(14 * c.scale)}" fill="none" stroke="{PROP}" stroke-width="3"/>'
        )
        out.append(_line((kx, ky), (kx - 10, gy), PROP, 4))
        out.append(_line((kx, ky), (kx + 22, gy), PROP, 4))
    out.append(_line((0, gy), (c.width, gy), GROUND, 2))
    return out


def _body(
    spec: FigureSpec, c: Canvas, placed: Placed, colour_override: str | None = None
) -> list[str]:
    pts = {k: c.p(v) for k, v in placed.skeleton.points().items()}
    out = []
    for a, b, colour, width in _segments(spec):
        out.append(_line(pts[a], pts[b], colour_override or colour, width * c.scale))
    hx, hy = pts["head"]
    out.append(
        f'<circle cx="{_f(hx)}" cy="{_f(hy)}" r="{_f(HEAD_R * c.scale)}" fill="{colour_override or INK}"/>'
    )
    if not colour_override:
        out.extend(_held(spec, c, pts))
    return out


def _held(spec: FigureSpec, c: Canvas, pts: dict) -> list[str]:
    out = []
    if spec.has("dumbbells"):
        for hand in ("hand_far", "hand_near"):
            x, y = pts[hand]
            w, h = 16 * c.scale, 7 * c.scale
            out.append(
                f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" rx="2" fill="#4a4a4a"/>'
            )
    band = spec.has("band")
    if band:
        a, b = ("knee_near", "knee_far") if band.between == "knees" else ("ankle_near", "ankle_far")
        out.append(_line(pts[a], pts[b], ARROW, 3, ' stroke-dasharray="4 3"'))
    return out


TRACKED = (
    "hand_near",
    "hand_far",
    "knee_near",
    "knee_far",
    "toe_near",
    "toe_far",
    "pelvis",
    "head",
)


def _arrow(spec: FigureSpec, c: Canvas, before: Placed, after: Placed, marker: str) -> str:
    """A curved arrow along the path of whatever moved most."""
    b, a = before.skeleton.points(), after.skeleton.points()
    name = max(TRACKED, key=lambda n: (a[n][0] - b[n][0]) ** 2 + (a[n][1] - b[n][1]) ** 2)
    (x0, y0), (x1, y1) = c.p(b[name]), c.p(a[name])
    if (x1 - x0) ** 2 + (y1 - y0) ** 2 < (6 * c.scale) ** 2:
        return ""
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    # Bend the curve away from the body's centre so it does not cross the figure.
    cx, cy = c.p(a["waist"])
    nx, ny = -(y1 - y0), x1 - x0
    if (mx - cx) * nx + (my - cy) * ny < 0:
        nx, ny = -nx, -ny
    length = max(1.0, (nx**2 + ny**2) ** 0.5)
    qx, qy = mx + nx / length * 14 * c.scale, my + ny / length * 14 * c.scale
    return (
        f'<path d="M{_f(x0)},{_f(y0)} Q{_f(qx)},{_f(qy)} {_f(x1)},{_f(y1)}" fill="none" '
        f'stroke="{ARROW}" stroke-width="3" stroke-linecap="round" marker-end="url(#{marker})"/>'
    )


_ids = itertools.count(1)


def _arrow_def(marker: str) -> str:
    # Each SVG gets its own marker id: a page (or PDF) holds many figures, and ids in one
    # HTML document must be unique.
    return (
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="7" refY="5" markerWidth="5" '
        f'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{ARROW}"/>'
        "</marker></defs>"
    )


def still_frames(spec: FigureSpec, title: str, scale: float = 1.0) -> list[str]:
    """One SVG per keyframe; from the second on, the previous pose as a pale ghost and
    an arrow showing the movement into this one."""
    placed = keyframe_skeletons(spec)
    everything, _ = loop_skeletons(spec)
    c = Canvas(_bounds(everything, spec), scale)
    out = []
    for i, (key, p) in enumerate(zip(spec.keyframes, placed, strict=True)):
        marker = f"pp-arrow-{next(_ids)}"
        parts = [_arrow_def(marker), *_props_back(spec, c, placed[0])]
        if i > 0:
            parts.extend(_body(spec, c, placed[i - 1], GHOST))
        parts.extend(_body(spec, c, p))
        if i > 0:
            parts.append(_arrow(spec, c, placed[i - 1], p, marker))
        label = f"{title}: step {i + 1} of {len(placed)}, {key.name}"
        out.append(_svg(c, parts, label))
    return out


def animation(spec: FigureSpec, title: str, scale: float = 1.4) -> str:
    """A looping animation between the keyframes (SVG SMIL, no script)."""
    frames, times = loop_skeletons(spec)
    c = Canvas(_bounds(frames, spec), scale)
    duration = sum(k.move_seconds + k.hold_seconds for k in spec.keyframes)
    key_times = ";".join(f"{t:.4f}" for t in times)
    parts = [*_props_back(spec, c, frames[0])]
    coords = [{k: c.p(v) for k, v in f.skeleton.points().items()} for f in frames]

    def anim(attr: str, values: list[float]) -> str:
        return (
            f'<animate attributeName="{attr}" dur="{duration:.2f}s" repeatCount="indefinite" '
            f'keyTimes="{key_times}" values="{";".join(_f(v) for v in values)}"/>'
        )

    for a, b, colour, width_units in _segments(spec):
        first_a, first_b = coords[0][a], coords[0][b]
        parts.append(
            f'<line x1="{_f(first_a[0])}" y1="{_f(first_a[1])}" x2="{_f(first_b[0])}" '
            f'y2="{_f(first_b[1])}" stroke="{colour}" stroke-width="{_f(width_units * c.scale)}" '
            'stroke-linecap="round">'
            + anim("x1", [f[a][0] for f in coords])
            + anim("y1", [f[a][1] for f in coords])
            + anim("x2", [f[b][0] for f in coords])
            + anim("y2", [f[b][1] for f in coords])
            + "</line>"
        )
    hx, hy = coords[0]["head"]
    parts.append(
        f'<circle cx="{_f(hx)}" cy="{_f(hy)}" r="{_f(HEAD_R * c.scale)}" fill="{INK}">'
        + anim("cx", [f["head"][0] for f in coords])
        + anim("cy", [f["head"][1] for f in coords])
        + "</circle>"
    )
    if spec.has("dumbbells"):
        w, h = 16 * c.scale, 7 * c.scale
        for hand in ("hand_far", "hand_near"):
            x, y = coords[0][hand]
            parts.append(
                f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" '
                'rx="2" fill="#4a4a4a">'
                + anim("x", [f[hand][0] - w / 2 for f in coords])
                + anim("y", [f[hand][1] - h / 2 for f in coords])
                + "</rect>"
            )
    return _svg(c, parts, f"{title}: animation")


def _svg(c: Canvas, parts: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(c.width)} {_f(c.height)}" '
        f'width="{_f(c.width)}" height="{_f(c.height)}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>" + "".join(p for p in parts if p) + "</svg>"
    )
