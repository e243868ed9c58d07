"""Draw a posed figure as SVG: still frames with movement arrows (print), and a smooth
loop between keyframes (browser) using SVG's own animation, so no script is needed
and the Content-Security-Policy stays strict.

One calm style for every exercise: rounded strokes, the near side dark, the far side
pale, props in muted tones."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from painpath.figures.body3d import (
    Camera,
    Vec,
    grounded_world,
    project,
    projected_skeleton,
    world_points,
)
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
PEDAL_HEIGHT = 18.0
STEPS_PER_MOVE = 10  # interpolated poses between keyframes in the animation


class Prop(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["mat", "chair", "wall", "step", "dumbbells", "band", "water", "bike", "cushion"]
    use: Literal["seat", "support"] = "seat"  # chair: sat on, or held for balance
    side: Literal["front", "back"] = "front"  # wall / support chair: in front of or behind
    between: Literal["knees", "ankles"] = "knees"  # band
    level: float = Field(95, ge=20, le=160)  # water line height
    # Water in the angled view: the body floats with the pelvis this far under the
    # surface, instead of standing on the pool floor.
    floating: float | None = Field(None, ge=0, le=40)


Anchor = Literal["pelvis", "ankle_near", "ankle_far", "hand_near", "head", "knee_near"]


class FigureSpec(BaseModel):
    """The figure of one exercise: a view, props and two or more keyframes.

    `anchor` is the body point that stays put across frames (the feet when standing up
    from a chair, the pelvis when lying), so the figure moves the way a body does."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    view: View = "side"
    camera: Camera | None = None  # the angled view only
    anchor: Anchor = "pelvis"
    leg_scale: float = Field(1.0, ge=0.4, le=1.0)  # foreshortened legs (front view)
    props: tuple[Prop, ...] = ()
    keyframes: tuple[Keyframe, ...] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _possible(self) -> FigureSpec:
        if (self.view == "angled") != (self.camera is not None):
            raise ValueError("the angled view needs a camera, and only it takes one")
        if self.view == "angled" and self.leg_scale != 1.0:
            raise ValueError("leg_scale fakes depth in the flat views; the angled view has depth")
        unsupported = {p.kind for p in self.props} - ANGLED_PROPS
        if self.view == "angled" and unsupported:
            raise ValueError(f"the angled view cannot draw: {', '.join(sorted(unsupported))}")
        if self.view != "angled" and self.has("cushion"):
            raise ValueError("a cushion is drawn in the angled view only")
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
    # The angled view only: each joint's place in the room and its depth (larger = nearer).
    world: dict[str, Vec] | None = None
    depth: dict[str, float] | None = None


def _placed(spec: FigureSpec, pose: Pose, on_step: str | None) -> Placed:
    if spec.camera is not None:
        water = spec.has("water")
        float_at = water.level - water.floating if water and water.floating is not None else None
        world = grounded_world(world_points(pose), spec.anchor, on_step, float_at)
        skeleton, depth = projected_skeleton(world, spec.camera)
        return Placed(skeleton, pose, world, depth)
    skeleton = grounded(solve(pose, spec.view, spec.leg_scale), on_step)
    lift = PEDAL_HEIGHT if spec.has("bike") else 0.0  # the lowest pedal is off the floor
    anchor_x = skeleton.points()[spec.anchor][0]
    return Placed(skeleton.moved(-anchor_x, lift), pose)


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
    y0: float = 0.0  # lowest point: the floor, except in the angled view

    @property
    def width(self) -> float:
        return self.x1 - self.x0


def _extent(placed: list[Placed]) -> tuple[list[float], list[float]]:
    """Every drawn x and y of the body in these poses, the head's round edge included."""
    xs, ys = [], []
    for p in placed:
        for x, y in p.skeleton.points().values():
            xs.append(x)
            ys.append(y)
        hx, hy = p.skeleton.head
        xs += [hx - HEAD_R, hx + HEAD_R]
        ys += [hy - HEAD_R, hy + HEAD_R]
    return xs, ys


def _bounds(placed: Iterable[Placed], spec: FigureSpec) -> Box:
    placed = list(placed)
    if spec.camera is not None:
        return _angled_bounds(placed, spec)
    xs, ys = _extent(placed)
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
        self.height = (box.y1 - box.y0 + 14) * scale

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


@dataclass(frozen=True)
class Part:
    """One thing painted for the body: a head (one joint: a circle), a segment (two
    joints: a rounded line) or a torso (four joints: a filled shape)."""

    joints: tuple[str, ...]
    colour: str
    width: float
    dashed: bool = False  # a band, not a body part


HEAD = Part(("head",), INK, 2 * HEAD_R)
# Hips to shoulders as a shape: in the front and angled views the chest reads as a
# body, not a cross of sticks. (In the side view it would be a line, so it is left out.)
TORSO = ("hip_near", "shoulder_near", "shoulder_far", "hip_far")


def _parts(spec: FigureSpec, placed: list[Placed] | None = None) -> list[Part]:
    """What to paint, in order: far side, trunk, near side, head. In the angled view,
    back to front as the camera sees `placed` on average."""
    if spec.camera is not None:
        return _depth_ordered(placed or [])
    if spec.view == "front":
        trunk = [Part(TORSO, INK, 4.0), Part(("pelvis", "waist"), INK, TRUNK_W)]
        trunk.append(Part(("waist", "neck_top"), INK, TRUNK_W))
    else:
        trunk = [Part(pair, INK, TRUNK_W) for pair in TRUNK]
    return (
        [Part(pair, INK_FAR, LIMB_W) for pair in SEGMENTS_FAR]
        + trunk
        + [Part(pair, INK, LIMB_W) for pair in SEGMENTS_NEAR]
        + [HEAD]
    )


LIMBS = {
    ("leg", side): (
        (f"hip_{side}", f"knee_{side}"),
        (f"knee_{side}", f"ankle_{side}"),
        (f"heel_{side}", f"toe_{side}"),
    )
    for side in ("near", "far")
} | {
    ("arm", side): ((f"shoulder_{side}", f"elbow_{side}"), (f"elbow_{side}", f"hand_{side}"))
    for side in ("near", "far")
}
TRUNK_3D = (
    Part(TORSO, INK, 4.0),
    Part(("pelvis", "waist"), INK, TRUNK_W),
    Part(("waist", "chest"), INK, TRUNK_W),
    Part(("chest", "neck_top"), INK, TRUNK_W),
)


def _depth_ordered(placed: list[Placed]) -> list[Part]:
    """Parts painted back to front. A limb is dark when it is the nearer of its pair
    (the hip or shoulder it hangs from is nearer the camera), pale when it is behind."""

    def depth(*names: str) -> float:
        return sum(p.depth[n] for p in placed for n in names) / (len(placed) * len(names))  # type: ignore[index]

    items: list[tuple[float, Part]] = []
    for (limb, side), segments in LIMBS.items():
        root = "hip" if limb == "leg" else "shoulder"
        other = "far" if side == "near" else "near"
        colour = INK if depth(f"{root}_{side}") >= depth(f"{root}_{other}") else INK_FAR
        items += [(depth(*pair), Part(pair, colour, LIMB_W)) for pair in segments]
    items += [(depth(*part.joints), part) for part in (*TRUNK_3D, HEAD)]
    return [part for _, part in sorted(items, key=lambda item: item[0])]


# What the angled view can draw; the rest are drawn for the flat views only.
ANGLED_PROPS = {"mat", "chair", "dumbbells", "band", "cushion", "water", "wall"}
FLOOR = "#ebe5d9"
WALL = "#f1ece2"

# ("mat" | "floor" | "face" | "rail" | "water" | "wall", corners in the room)
Shape = tuple[str, list[Vec]]


def _box(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> list[Shape]:
    """The six faces of a box; drawing sorts them so the hidden ones are painted over."""
    return [
        ("face", [(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)]),
        ("face", [(x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1)]),
        ("face", [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0)]),
        ("face", [(x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)]),
        ("face", [(x0, y0, z0), (x0, y0, z1), (x0, y1, z1), (x0, y1, z0)]),
        ("face", [(x1, y0, z0), (x1, y0, z1), (x1, y1, z1), (x1, y1, z0)]),
    ]


def _angled_props(spec: FigureSpec, keyframes: list[Placed]) -> list[Shape]:
    """Props of the angled view as shapes in the room: a mat (or a soft patch of floor)
    under everywhere the body goes, a chair under the first pose's pelvis, a cushion
    under the near hip of the last pose (the one it supports)."""
    world = [p.world or {} for p in keyframes]
    xs = [v[0] for w in world for v in w.values()]
    zs = [v[2] for w in world for v in w.values()]
    shapes: list[Shape] = []
    px, py, pz = world[0]["pelvis"]
    seat_y, back, front = py - 6, px - 22, px + 14
    chair = spec.has("chair")
    if chair:
        xs += [back - 6, front + 6]
    water = spec.has("water")
    if water:
        x0, x1, z0, z1 = min(xs) - 20, max(xs) + 20, min(zs) - 30, max(zs) + 30
        y = water.level
        shapes.append(("water", [(x0, y, z0), (x1, y, z0), (x1, y, z1), (x0, y, z1)]))
    elif spec.has("mat"):
        x0, x1, z0, z1 = min(xs) - 12, max(xs) + 12, min(zs) - 14, max(zs) + 14
        shapes.append(("mat", [(x0, 0, z0), (x1, 0, z0), (x1, 0, z1), (x0, 0, z1)]))
    else:
        cx, cz = (min(xs) + max(xs)) / 2, (min(zs) + max(zs)) / 2
        rx, rz = (max(xs) - min(xs)) / 2 + 14, (max(zs) - min(zs)) / 2 + 18
        ring = (2 * math.pi * i / 24 for i in range(24))
        shapes.append(
            ("floor", [(cx + rx * math.cos(a), 0.0, cz + rz * math.sin(a)) for a in ring])
        )
    if chair:
        z0, z1 = pz - 20, pz + 20
        for x, z in ((back, z0), (back, z1), (front, z0), (front, z1)):
            shapes.append(("rail", [(x, seat_y, z), (x, 0.0, z)]))
        top = seat_y + 44
        shapes += [
            ("rail", [(back, seat_y, z0), (back, top, z0)]),
            ("rail", [(back, seat_y, z1), (back, top, z1)]),
            ("rail", [(back, top, z0), (back, top, z1)]),
            ("rail", [(back, top - 14, z0), (back, top - 14, z1)]),
            *_box(back, front, seat_y - 3, seat_y, z0, z1),
        ]
    if spec.has("wall"):
        # Side-on to the person, on their far side, where the far hand can rest on it.
        z = min(zs) - 4
        x0, x1 = min(xs) - 30, max(xs) + 30
        shapes.append(("wall", [(x0, 0, z), (x1, 0, z), (x1, 150, z), (x0, 150, z)]))
    if spec.has("cushion"):
        hx, hy, hz = world[-1]["hip_near"]
        shapes += _box(hx - 16, hx + 16, 0.0, max(8.0, hy - 9), hz - 14, hz + 14)
    return shapes


def _draw_angled_props(spec: FigureSpec, c: Canvas, keyframes: list[Placed]) -> list[str]:
    camera = spec.camera
    assert camera is not None  # noqa: S101 - only called for the angled view
    out = []
    shapes = _angled_props(spec, keyframes)
    # Floor shapes first, then the rest from the back to the front.
    shapes.sort(
        key=lambda shape: (
            shape[0] not in ("wall", "mat", "floor", "water"),
            sum(project(v, camera)[1] for v in shape[1]) / len(shape[1]),
        )
    )
    for kind, corners in shapes:
        flat = [c.p(project(v, camera)[0]) for v in corners]
        if kind == "rail":
            out.append(_line(flat[0], flat[1], PROP, 4))
            continue
        fill, stroke = {
            "mat": (PROP_FILL, PROP),
            "floor": (FLOOR, "none"),
            "face": (PROP_FILL, PROP),
            "water": (WATER, "none"),
            "wall": (WALL, PROP),
        }[kind]
        out.append(
            f'<polygon points="{_points_attr(flat)}" fill="{fill}" stroke="{stroke}" '
            'stroke-width="2" stroke-linejoin="round"/>'
        )
    return out


def _angled_bounds(placed: list[Placed], spec: FigureSpec) -> Box:
    camera = spec.camera
    assert camera is not None  # noqa: S101 - only called for the angled view
    xs, ys = _extent(placed)
    for _, corners in _angled_props(spec, keyframe_skeletons(spec)):
        for v in corners:
            (x, y), _ = project(v, camera)
            xs.append(x)
            ys.append(y)
    return Box(min(xs) - 12, max(xs) + 12, max(ys) + 10, min(ys) - 2)


def _props_back(spec: FigureSpec, c: Canvas, keyframes: list[Placed]) -> list[str]:
    """Props drawn behind the figure (they do not move). A mat lies under every
    keyframe's body; the rest are placed by the first."""
    if spec.camera is not None:
        return _draw_angled_props(spec, c, keyframes)
    first = keyframes[0]
    out = []
    gy = c.ground_y()
    water = spec.has("water")
    if water:
        top = c.p((0, water.level))[1]
        out.append(
            f'<rect x="0" y="{_f(top)}" width="{_f(c.width)}" height="{_f(gy - top)}" fill="{WATER}"/>'
        )
    if spec.has("mat"):
        xs = [x for k in keyframes for x, _ in k.skeleton.points().values()]
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
        # Handlebars where the hands rest, on a stem rising from in front of the pedals.
        hx, hy = c.p(sk.hand_near)
        stem = (kx + 18 * c.scale, ky)
        out.append(_line(stem, (hx, hy + 4 * c.scale), PROP, 4))
        out.append(
            _line(
                (hx - 8 * c.scale, hy + 4 * c.scale), (hx + 6 * c.scale, hy + 2 * c.scale), PROP, 5
            )
        )
    out.append(_line((0, gy), (c.width, gy), GROUND, 2))
    return out


# What is under the water line in the angled view is seen through the water.
UNDERWATER = {INK: "#3e8590", INK_FAR: "#a4cbd2"}


def _seen(spec: FigureSpec, part: Part, placed: Placed) -> str:
    """The part's colour as seen: tinted where the angled view puts it under water."""
    water = spec.has("water")
    if placed.world is None or water is None or part.colour not in UNDERWATER:
        return part.colour
    height = sum(placed.world[j][1] for j in part.joints) / len(part.joints)
    return UNDERWATER[part.colour] if height < water.level else part.colour


def _body(
    spec: FigureSpec, c: Canvas, placed: Placed, colour_override: str | None = None
) -> list[str]:
    pts = {k: c.p(v) for k, v in placed.skeleton.points().items()}
    out = [
        _part_svg(
            part,
            [pts[j] for j in part.joints],
            colour_override or _seen(spec, part, placed),
            c.scale,
        )
        for part in _parts(spec, [placed])
    ]
    if not colour_override:
        out.extend(_held(spec, c, pts))
    return out


def _points_attr(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{_f(x)},{_f(y)}" for x, y in points)


def _part_svg(
    part: Part, points: list[tuple[float, float]], colour: str, scale: float, inner: str = ""
) -> str:
    """One part as an SVG element; `inner` holds its animation, if any."""
    if len(points) == 1:
        (x, y), r = points[0], part.width / 2 * scale
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}" fill="{colour}">{inner}</circle>'
    if len(points) == 2:
        (x1, y1), (x2, y2) = points
        return (
            f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{colour}" '
            f'stroke-width="{_f(part.width * scale)}" stroke-linecap="round"'
            + (' stroke-dasharray="4 3"' if part.dashed else "")
            + f">{inner}</line>"
        )
    return (
        f'<polygon points="{_points_attr(points)}" fill="{colour}" stroke="{colour}" '
        f'stroke-width="{_f(part.width * scale)}" stroke-linejoin="round">{inner}</polygon>'
    )


def _band(spec: FigureSpec, scale: float) -> Part | None:
    band = spec.has("band")
    if not band:
        return None
    pair = ("knee_near", "knee_far") if band.between == "knees" else ("ankle_near", "ankle_far")
    return Part(pair, ARROW, 3 / scale, dashed=True)  # 3 px wide whatever the scale


def _held(spec: FigureSpec, c: Canvas, pts: dict) -> list[str]:
    out = []
    if spec.has("dumbbells"):
        for hand in ("hand_far", "hand_near"):
            x, y = pts[hand]
            w, h = 16 * c.scale, 7 * c.scale
            out.append(
                f'<rect x="{_f(x - w / 2)}" y="{_f(y - h / 2)}" width="{_f(w)}" height="{_f(h)}" rx="2" fill="#4a4a4a"/>'
            )
    band = _band(spec, c.scale)
    if band:
        out.append(_part_svg(band, [pts[j] for j in band.joints], band.colour, c.scale))
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
        parts = [_arrow_def(marker), *_props_back(spec, c, placed)]
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
    parts = [*_props_back(spec, c, keyframe_skeletons(spec))]
    coords = [{k: c.p(v) for k, v in f.skeleton.points().items()} for f in frames]

    def anim(attr: str, values: list[float]) -> str:
        return (
            f'<animate attributeName="{attr}" dur="{duration:.2f}s" repeatCount="indefinite" '
            f'keyTimes="{key_times}" values="{";".join(_f(v) for v in values)}"/>'
        )

    def moving(part: Part) -> str:
        """The part in its first pose, animated through every frame's pose."""
        if len(part.joints) == 1:
            (j,) = part.joints
            inner = anim("cx", [f[j][0] for f in coords]) + anim("cy", [f[j][1] for f in coords])
        elif len(part.joints) == 2:
            a, b = part.joints
            inner = (
                anim("x1", [f[a][0] for f in coords])
                + anim("y1", [f[a][1] for f in coords])
                + anim("x2", [f[b][0] for f in coords])
                + anim("y2", [f[b][1] for f in coords])
            )
        else:
            inner = (
                f'<animate attributeName="points" dur="{duration:.2f}s" repeatCount="indefinite" '
                f'keyTimes="{key_times}" values="'
                + ";".join(_points_attr([f[j] for j in part.joints]) for f in coords)
                + '"/>'
            )
        colours = [_seen(spec, part, f) for f in frames]
        if len(set(colours)) > 1:
            attr = "fill" if len(part.joints) == 1 else "stroke"
            values = ";".join(colours)
            inner += (
                f'<animate attributeName="{attr}" dur="{duration:.2f}s" repeatCount="indefinite" '
                f'keyTimes="{key_times}" values="{values}"/>'
            )
            if len(part.joints) > 2:
                inner += inner[inner.rindex("<animate") :].replace('"stroke"', '"fill"', 1)
        return _part_svg(part, [coords[0][j] for j in part.joints], colours[0], c.scale, inner)

    parts.extend(moving(part) for part in _parts(spec, frames))
    band = _band(spec, c.scale)
    if band:
        parts.append(moving(band))
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
