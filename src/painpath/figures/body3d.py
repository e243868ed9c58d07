"""The same figure in three dimensions, seen by a camera at any angle.

Some movements happen out of a flat picture's plane — a clamshell opens by turning the
hip outwards, knees roll to the side, a twist turns the chest — and a side or front
view cannot show them. Here the body is posed with the same joint angles as the flat
views plus rotations (see ``pose.py``), placed in a room, and projected for a camera
that stands at an azimuth around the person and looks down from an elevation.

The room: x points where an unturned person faces, y up, z out of their near side
(their right). A camera at azimuth 0 looks at the near side, exactly the flat side
view; at 90 it stands in front of the person. Positions are the flat side view's, so
a pose with no rotations drawn from azimuth 0 matches ``pose.solve(pose, "side")``.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from painpath.figures.pose import (
    FOOT,
    FOREARM,
    HEAD_R,
    HEEL,
    HIP_HALF,
    LOWER_BACK,
    NECK,
    SHIN,
    SHOULDER_HALF,
    STEP_HEIGHT,
    THIGH,
    UPPER_ARM,
    UPPER_BACK,
    Pose,
    Skeleton,
)

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows


class Camera(BaseModel):
    """Where the viewer stands: `azimuth` degrees around the person (0 = at their near
    side, 90 = in front of them, 180 = at their far side, -90 = behind), `elevation`
    degrees above the floor looking down."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    azimuth: float = Field(ge=-180, le=180)
    elevation: float = Field(0, ge=0, le=70)


def _rot(axis: str, degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    if axis == "x":
        return ((1, 0, 0), (0, c, -s), (0, s, c))
    if axis == "y":
        return ((c, 0, s), (0, 1, 0), (-s, 0, c))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


def _mul(a: Mat, b: Mat) -> Mat:
    return tuple(  # type: ignore[return-value]
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )


def _chain(*mats: Mat) -> Mat:
    out = mats[0]
    for m in mats[1:]:
        out = _mul(out, m)
    return out


def _apply(m: Mat, v: Vec) -> Vec:
    return tuple(sum(m[i][k] * v[k] for k in range(3)) for i in range(3))  # type: ignore[return-value]


def _add(p: Vec, m: Mat, v: Vec) -> Vec:
    d = _apply(m, v)
    return (p[0] + d[0], p[1] + d[1], p[2] + d[2])


def world_points(pose: Pose) -> dict[str, Vec]:
    """Every joint of the posed body in the room, pelvis at the origin.

    Joint frames are built outward from the pelvis; each local frame has x forward,
    y along the segment's parent (up for the trunk, down for limbs) and z to the near
    side. Flexion turns about z, abduction about x, rotation about the segment's own y.
    """
    # Lean (sagittal), then turn about the body's long axis (+ towards its far side).
    pelvis_frame = _chain(_rot("z", -pose.trunk), _rot("y", pose.turn))
    chest_frame = _chain(
        pelvis_frame,
        _rot("y", -pose.twist),  # + turns the chest towards the near side
        _rot("x", pose.side_bend),  # + bends towards the near side
        _rot("z", -pose.spine),
    )
    head_frame = _mul(chest_frame, _rot("z", -pose.neck))
    pelvis: Vec = (0.0, 0.0, 0.0)
    waist = _add(pelvis, pelvis_frame, (0, LOWER_BACK, 0))
    chest = _add(waist, chest_frame, (0, UPPER_BACK, 0))
    neck_top = _add(chest, head_frame, (0, NECK, 0))
    head = _add(neck_top, head_frame, (0, HEAD_R, 0))
    pts: dict[str, Vec] = {
        "pelvis": pelvis,
        "waist": waist,
        "chest": chest,
        "neck_top": neck_top,
        "head": head,
    }
    for side, sign in (("near", 1.0), ("far", -1.0)):
        hip = _add(pelvis, pelvis_frame, (0, 0, sign * HIP_HALF))
        thigh = _chain(
            pelvis_frame,
            _rot("z", getattr(pose, f"hip_{side}")),
            _rot("x", -sign * getattr(pose, f"hip_{side}_abd")),
            _rot("y", -sign * getattr(pose, f"hip_{side}_rot")),  # + turns the knee out
        )
        knee = _add(hip, thigh, (0, -THIGH, 0))
        shin = _mul(thigh, _rot("z", -getattr(pose, f"knee_{side}")))
        ankle = _add(knee, shin, (0, -SHIN, 0))
        foot = _mul(shin, _rot("z", getattr(pose, f"ankle_{side}")))
        shoulder = _add(chest, chest_frame, (0, 0, sign * SHOULDER_HALF))
        upper_arm = _chain(
            chest_frame,
            _rot("z", getattr(pose, f"shoulder_{side}")),
            _rot("x", -sign * getattr(pose, f"shoulder_{side}_abd")),
        )
        elbow = _add(shoulder, upper_arm, (0, -UPPER_ARM, 0))
        forearm = _mul(upper_arm, _rot("z", getattr(pose, f"elbow_{side}")))
        pts |= {
            f"hip_{side}": hip,
            f"knee_{side}": knee,
            f"ankle_{side}": ankle,
            f"toe_{side}": _add(ankle, foot, (FOOT, 0, 0)),
            f"heel_{side}": _add(ankle, foot, (-HEEL, 0, 0)),
            f"shoulder_{side}": shoulder,
            f"elbow_{side}": elbow,
            f"hand_{side}": _add(elbow, forearm, (0, -FOREARM, 0)),
        }
    return pts


def grounded_world(
    pts: dict[str, Vec], anchor: str, on_step: str | None = None, float_at: float | None = None
) -> dict[str, Vec]:
    """Rest the lowest point on the floor (or the named foot on the step, or, for a
    swimmer, float the pelvis at a fixed height) and keep the anchor above the room's
    origin, so the body moves as a body does between frames."""
    lowest = min(min(y for n, (_, y, _) in pts.items() if n != "head"), pts["head"][1] - HEAD_R)
    if float_at is not None:
        dy = float_at - pts["pelvis"][1]
    elif on_step:
        foot = min(pts[f"heel_{on_step}"][1], pts[f"toe_{on_step}"][1])
        dy = STEP_HEIGHT - foot
    else:
        dy = -lowest
    ax, _, az = pts[anchor]
    return {n: (x - ax, y + dy, z - az) for n, (x, y, z) in pts.items()}


def camera_axes(camera: Camera) -> tuple[Vec, Vec, Vec]:
    """Screen right, screen up and towards-the-viewer directions in the room."""
    az, el = math.radians(camera.azimuth), math.radians(camera.elevation)
    toward: Vec = (math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el))
    right: Vec = (math.cos(az), 0.0, -math.sin(az))
    up: Vec = (
        toward[1] * right[2] - toward[2] * right[1],
        toward[2] * right[0] - toward[0] * right[2],
        toward[0] * right[1] - toward[1] * right[0],
    )
    return right, up, toward


def project(point: Vec, camera: Camera) -> tuple[tuple[float, float], float]:
    """Screen position (y up) and depth (larger = nearer the viewer) of a room point."""
    right, up, toward = camera_axes(camera)

    def dot(a: Vec) -> float:
        return a[0] * point[0] + a[1] * point[1] + a[2] * point[2]

    return (dot(right), dot(up)), dot(toward)


def projected_skeleton(pts: dict[str, Vec], camera: Camera) -> tuple[Skeleton, dict[str, float]]:
    flat, depth = {}, {}
    for name, p in pts.items():
        flat[name], depth[name] = project(p, camera)
    return Skeleton(**flat), depth
