"""One articulated human figure, posed by joint angles (degrees), in a side or front view.

Angles follow one convention, so a pose reads like a physio's description:
- ``trunk``: the lower back's angle from vertical; + leans forward (side view) or to the
  screen's right (front view). Lying on the back is -90, face down +90.
- ``spine``: the upper back relative to the lower back; + rounds forward.
- ``neck``: the head relative to the upper back; + chin down.
- ``hip_*``: side view, flexion (+ thigh forward); front view, abduction (+ leg out).
- ``knee_*``: flexion, 0 = straight.
- ``ankle_*``: 0 = foot square to the shin; + toes up.
- ``shoulder_*``: side view, flexion (0 = arm by the side, 180 = overhead); front
  view, abduction.
- ``elbow_*``: flexion, 0 = straight.
``near`` limbs are drawn in front (the side facing the viewer), ``far`` behind.

Rotations out of the picture's plane exist only in the ``angled`` view (``body3d.py``),
where the camera can stand anywhere around the person:
- ``turn``: the whole body about its long axis; + turns it towards its far side, so
  +90 rolls a person lying on their back onto their far side (near side up).
- ``twist``: the upper back about the spine; + turns the chest towards the near side.
- ``side_bend``: the upper back sideways; + towards the near side.
- ``hip_*_abd``: abduction (+ thigh out to that side); ``hip_*_rot``: rotation about
  the thigh (+ outwards: the knee of a bent leg opens, as in a clamshell).
- ``shoulder_*_abd``: abduction (+ arm out to that side).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

View = Literal["side", "front", "angled"]

# Segment lengths in drawing units (the figure is about 175 units tall standing).
LOWER_BACK = 26.0
UPPER_BACK = 30.0
NECK = 7.0
HEAD_R = 11.0
THIGH = 44.0
SHIN = 42.0
FOOT = 19.0
HEEL = 4.0
UPPER_ARM = 29.0
FOREARM = 27.0
HIP_HALF = 8.0  # front view: half the distance between the hip joints
SHOULDER_HALF = 16.0

JOINTS = (
    "trunk",
    "spine",
    "neck",
    "hip_near",
    "knee_near",
    "ankle_near",
    "hip_far",
    "knee_far",
    "ankle_far",
    "shoulder_near",
    "elbow_near",
    "shoulder_far",
    "elbow_far",
    "turn",
    "twist",
    "side_bend",
    "hip_near_abd",
    "hip_far_abd",
    "hip_near_rot",
    "hip_far_rot",
    "shoulder_near_abd",
    "shoulder_far_abd",
)

# What a body can do (degrees). `painpath content check` refuses poses outside these.
LIMITS: dict[View, dict[str, tuple[float, float]]] = {
    "side": {
        "trunk": (-180, 180),
        "spine": (-40, 80),
        "neck": (-50, 70),
        "hip": (-35, 145),
        "knee": (0, 160),
        "ankle": (-50, 35),
        "shoulder": (-70, 185),
        "elbow": (0, 160),
    },
    "front": {
        "trunk": (-180, 180),
        "spine": (-40, 40),
        "neck": (-45, 45),
        "hip": (-25, 80),
        "knee": (0, 160),
        "ankle": (-50, 35),
        "shoulder": (-10, 185),
        "elbow": (0, 160),
    },
}
# The angled view moves like the side view, plus what turns out of the picture.
LIMITS["angled"] = LIMITS["side"] | {
    "turn": (-180, 180),
    "twist": (-60, 60),
    "side_bend": (-40, 40),
    "hip_abd": (-30, 70),
    "hip_rot": (-45, 70),
    "shoulder_abd": (-30, 185),
}
# Angles a flat picture cannot show: allowed only in the angled view.
OUT_OF_PLANE = LIMITS["angled"].keys() - LIMITS["side"].keys()
for _flat in ("side", "front"):
    LIMITS[_flat] |= {name: (0, 0) for name in OUT_OF_PLANE}


def _limit_key(joint: str) -> str:
    """'hip_near_abd' -> 'hip_abd', 'knee_far' -> 'knee', 'side_bend' -> 'side_bend'."""
    parts = joint.split("_")
    if parts[-1] in ("abd", "rot"):
        return f"{parts[0]}_{parts[-1]}"
    return joint if joint in ("side_bend",) else parts[0]


class Pose(BaseModel):
    """Joint angles of one keyframe; unspecified joints are neutral (standing tall)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    trunk: float = 0
    spine: float = 0
    neck: float = 0
    hip_near: float = 0
    knee_near: float = 0
    ankle_near: float = 0
    hip_far: float = 0
    knee_far: float = 0
    ankle_far: float = 0
    shoulder_near: float = 0
    elbow_near: float = 0
    shoulder_far: float = 0
    elbow_far: float = 0
    turn: float = 0
    twist: float = 0
    side_bend: float = 0
    hip_near_abd: float = 0
    hip_far_abd: float = 0
    hip_near_rot: float = 0
    hip_far_rot: float = 0
    shoulder_near_abd: float = 0
    shoulder_far_abd: float = 0

    def problems(self, view: View) -> list[str]:
        """Joint angles outside what a body can do, in words."""
        out = []
        for joint in JOINTS:
            value = getattr(self, joint)
            key = _limit_key(joint)
            low, high = LIMITS[view][key]
            if (low, high) == (0, 0) and value:
                out.append(f"{joint} {value:g}° turns out of the picture: use the angled view")
            elif not low <= value <= high:
                out.append(f"{joint} {value:g}° is outside {low:g}..{high:g}° ({view} view)")
        return out

    def blend(self, other: Pose, t: float) -> Pose:
        """The pose a fraction t of the way to `other` (eased at both ends)."""
        eased = 0.5 - 0.5 * math.cos(math.pi * t)
        return Pose(
            **{j: getattr(self, j) + (getattr(other, j) - getattr(self, j)) * eased for j in JOINTS}
        )


class Keyframe(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(description="what this frame shows, e.g. 'start', 'hips lifted'")
    pose: Pose
    move_seconds: float = Field(1.5, ge=0.2, le=10, description="time to move into it")
    hold_seconds: float = Field(0.5, ge=0, le=10)
    on_step: Literal["near", "far"] | None = None  # which foot stands on the step


Point = tuple[float, float]


@dataclass(frozen=True)
class Skeleton:
    """Joint positions (y up) of a posed figure, before it is placed on the ground."""

    pelvis: Point
    waist: Point
    shoulder_near: Point
    shoulder_far: Point
    neck_top: Point
    head: Point
    chest: Point
    hip_near: Point
    hip_far: Point
    knee_near: Point
    knee_far: Point
    ankle_near: Point
    ankle_far: Point
    heel_near: Point
    heel_far: Point
    toe_near: Point
    toe_far: Point
    elbow_near: Point
    elbow_far: Point
    hand_near: Point
    hand_far: Point

    def points(self) -> dict[str, Point]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def moved(self, dx: float, dy: float) -> Skeleton:
        return Skeleton(**{k: (x + dx, y + dy) for k, (x, y) in self.points().items()})


def _u(angle: float) -> Point:
    """Unit vector for an angle from vertical-up, clockwise positive (y up)."""
    rad = math.radians(angle)
    return math.sin(rad), math.cos(rad)


def _step(p: Point, angle: float, length: float) -> Point:
    ux, uy = _u(angle)
    return p[0] + ux * length, p[1] + uy * length


def solve(pose: Pose, view: View, leg_scale: float = 1.0) -> Skeleton:
    """Forward kinematics from the pelvis (at the origin). `leg_scale` shortens thighs and
    shins drawn at an angle to the picture (e.g. bent legs seen from the front)."""
    pelvis = (0.0, 0.0)
    trunk = pose.trunk
    upper = trunk + pose.spine
    waist = _step(pelvis, trunk, LOWER_BACK)
    chest = _step(waist, upper, UPPER_BACK)
    neck_top = _step(chest, upper + pose.neck, NECK)
    head = _step(neck_top, upper + pose.neck, HEAD_R)
    if view == "side":
        hip_near = hip_far = pelvis
        shoulder_near = shoulder_far = chest
        sign_near = sign_far = 1.0
    else:
        hip_near = _step(pelvis, trunk - 90, HIP_HALF)
        hip_far = _step(pelvis, trunk + 90, HIP_HALF)
        shoulder_near = _step(chest, upper - 90, SHOULDER_HALF)
        shoulder_far = _step(chest, upper + 90, SHOULDER_HALF)
        sign_near, sign_far = -1.0, 1.0  # abduction moves each leg away from the midline

    def leg(hip: Point, hip_angle: float, knee: float, ankle: float, sign: float):
        if view == "side":
            thigh_dir = trunk + 180 - hip_angle
            shin_dir = thigh_dir + knee
            foot_dir = shin_dir - 90 - ankle
        else:
            thigh_dir = trunk + 180 - sign * hip_angle
            shin_dir = thigh_dir - sign * knee
            foot_dir = shin_dir - sign * (90 + ankle)
        knee_p = _step(hip, thigh_dir, THIGH * leg_scale)
        ankle_p = _step(knee_p, shin_dir, SHIN * leg_scale)
        toe = _step(ankle_p, foot_dir, FOOT if view == "side" else FOOT * 0.45)
        heel = _step(ankle_p, foot_dir + 180, HEEL)
        return knee_p, ankle_p, heel, toe

    def arm(shoulder: Point, shoulder_angle: float, elbow: float, sign: float):
        if view == "side":
            arm_dir = upper + 180 - shoulder_angle
            fore_dir = arm_dir - elbow
        else:
            arm_dir = upper + 180 - sign * shoulder_angle
            fore_dir = arm_dir - sign * elbow
        elbow_p = _step(shoulder, arm_dir, UPPER_ARM)
        return elbow_p, _step(elbow_p, fore_dir, FOREARM)

    kn, an, hn, tn = leg(hip_near, pose.hip_near, pose.knee_near, pose.ankle_near, sign_near)
    kf, af, hf, tf = leg(hip_far, pose.hip_far, pose.knee_far, pose.ankle_far, sign_far)
    en, wn = arm(shoulder_near, pose.shoulder_near, pose.elbow_near, sign_near)
    ef, wf = arm(shoulder_far, pose.shoulder_far, pose.elbow_far, sign_far)
    return Skeleton(
        pelvis=pelvis,
        waist=waist,
        shoulder_near=shoulder_near,
        shoulder_far=shoulder_far,
        neck_top=neck_top,
        head=head,
        chest=chest,
        hip_near=hip_near,
        hip_far=hip_far,
        knee_near=kn,
        knee_far=kf,
        ankle_near=an,
        ankle_far=af,
        heel_near=hn,
        heel_far=hf,
        toe_near=tn,
        toe_far=tf,
        elbow_near=en,
        elbow_far=ef,
        hand_near=wn,
        hand_far=wf,
    )


STEP_HEIGHT = 22.0


def grounded(skeleton: Skeleton, on_step: str | None = None) -> Skeleton:
    """Place the figure so its lowest point rests on the floor (y = 0), or, with a
    step, so the named foot rests on the step's top."""
    pts = skeleton.points()
    lowest = min(y for name, (_, y) in pts.items() if name != "head") - 0.0
    head_low = pts["head"][1] - HEAD_R
    lowest = min(lowest, head_low)
    if on_step:
        foot = min(pts[f"heel_{on_step}"][1], pts[f"toe_{on_step}"][1])
        return skeleton.moved(0, STEP_HEIGHT - foot)
    return skeleton.moved(0, -lowest)
