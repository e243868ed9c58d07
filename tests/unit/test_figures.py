"""The exercise figure: joint angles -> positions -> SVG, and impossible poses refused."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from painpath.catalog import get_catalog
from painpath.figures.body3d import Camera, projected_skeleton, world_points
from painpath.figures.pose import HEAD_R, JOINTS, LIMITS, Pose, grounded, solve
from painpath.figures.svg import (
    INK,
    INK_FAR,
    UNDERWATER,
    FigureSpec,
    animation,
    keyframe_skeletons,
    still_frames,
)

STAND = {"name": "stand", "pose": {}}
SIT = {
    "name": "sit",
    "pose": {"hip_near": 90, "knee_near": 90, "hip_far": 90, "knee_far": 90},
}


def test_standing_figure_is_upright_and_on_the_floor():
    sk = grounded(solve(Pose(), "side"))
    assert min(sk.heel_near[1], sk.toe_near[1]) == pytest.approx(0, abs=1e-6)
    assert sk.head[1] > sk.pelvis[1] > sk.knee_near[1] > sk.ankle_near[1]
    assert sk.head[1] + HEAD_R == pytest.approx(173, abs=5)  # about human proportions


def test_hip_flexion_moves_the_thigh_forward_and_knee_flexion_the_shin_back():
    sk = solve(Pose(hip_near=90, knee_near=90), "side")
    assert sk.knee_near[0] > sk.hip_near[0] + 40  # thigh points forward (facing +x)
    assert sk.ankle_near[1] < sk.knee_near[1] - 40  # shin hangs down


def test_impossible_poses_are_refused_with_the_joint_named():
    with pytest.raises(ValidationError, match="knee_near -20° is outside 0..160°"):
        FigureSpec.model_validate(
            {"keyframes": [STAND, {"name": "bad", "pose": {"knee_near": -20}}]}
        )
    with pytest.raises(ValidationError, match="hip_far 200°"):
        FigureSpec.model_validate({"keyframes": [STAND, {"name": "x", "pose": {"hip_far": 200}}]})


def test_a_figure_needs_at_least_two_keyframes():
    with pytest.raises(ValidationError):
        FigureSpec.model_validate({"keyframes": [STAND]})


def test_still_frames_show_each_keyframe_with_an_arrow_after_the_first():
    spec = FigureSpec.model_validate({"props": [{"kind": "chair"}], "keyframes": [SIT, STAND]})
    frames = still_frames(spec, "Sit to stand")
    assert len(frames) == 2
    assert "marker-end" not in frames[0] and "marker-end" in frames[1]
    assert 'aria-label="Sit to stand: step 2 of 2, stand"' in frames[1]


def test_animation_loops_without_script():
    spec = FigureSpec.model_validate({"keyframes": [STAND, SIT]})
    svg = animation(spec, "Squat")
    assert "<animate" in svg and 'repeatCount="indefinite"' in svg
    assert "<script" not in svg


# --- The angled view: the same body in three dimensions ----------------------------------

SIDE_LIMITS = LIMITS["side"]


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            joint: st.floats(*SIDE_LIMITS[joint.split("_")[0]], allow_nan=False)
            for joint in JOINTS
            if joint.split("_")[0] in ("trunk", "spine", "neck", "hip", "knee", "ankle")
            and not joint.endswith(("_abd", "_rot"))
            or joint in ("shoulder_near", "shoulder_far", "elbow_near", "elbow_far")
        }
    )
)
def test_a_flat_pose_seen_from_the_near_side_is_exactly_the_side_view(angles):
    """The 3D body and the flat side view are one figure: with no rotation out of the
    picture, a camera at azimuth 0 sees what the side view draws."""
    pose = Pose(**angles)
    flat = solve(pose, "side").points()
    seen, _ = projected_skeleton(world_points(pose), Camera(azimuth=0))
    for name, (x, y) in flat.items():
        assert seen.points()[name] == pytest.approx((x, y), abs=1e-6)


def test_the_front_camera_sees_the_near_side_on_the_left_and_hip_abduction_moves_the_leg_out():
    front = Camera(azimuth=90)
    still, _ = projected_skeleton(world_points(Pose()), front)
    out, _ = projected_skeleton(world_points(Pose(hip_near_abd=40)), front)
    assert still.hip_near[0] < still.hip_far[0]  # the person faces us: their right is our left
    assert out.ankle_near[0] < still.ankle_near[0] - 20  # abducted: further out to our left
    assert out.ankle_far == pytest.approx(still.ankle_far)


def test_a_clamshell_opens_the_top_knee_while_the_feet_stay_together():
    """Lying on the near side, hips and knees bent: abduction with outward rotation of
    the top hip lifts its knee and keeps its foot by the other foot."""
    lying = {
        "trunk": -90,
        "turn": -90,
        "hip_near": 45,
        "knee_near": 90,
        "hip_far": 45,
        "knee_far": 90,
    }
    closed = world_points(Pose(**lying))
    opened = world_points(Pose(**lying, hip_far_abd=40, hip_far_rot=35))
    assert opened["knee_far"][1] > closed["knee_far"][1] + 20  # the top knee rises
    # The foot moves far less than the knee (the shin turns about the foot).
    assert math.dist(opened["ankle_far"], closed["ankle_far"]) < 15
    assert math.dist(opened["knee_far"], closed["knee_far"]) > 25


def test_a_twist_turns_the_shoulders_but_not_the_hips():
    twisted = world_points(Pose(twist=45))
    straight = world_points(Pose())
    assert twisted["hip_near"] == pytest.approx(straight["hip_near"])
    # Seen from above, the shoulder line turns by the twist: turning to the near (right)
    # side takes the right shoulder back and the left one forward.
    (x0, _, z0), (x1, _, z1) = twisted["shoulder_far"], twisted["shoulder_near"]
    assert math.degrees(math.atan2(x1 - x0, z1 - z0)) == pytest.approx(-45, abs=1e-6)
    assert twisted["shoulder_near"][0] < 0 < twisted["shoulder_far"][0]


def test_rotations_out_of_the_picture_are_refused_in_the_flat_views():
    with pytest.raises(ValidationError, match="turns out of the picture: use the angled view"):
        FigureSpec.model_validate(
            {"keyframes": [STAND, {"name": "x", "pose": {"hip_near_rot": 30}}]}
        )


def test_the_angled_view_needs_a_camera_and_knows_its_limits():
    with pytest.raises(ValidationError, match="needs a camera"):
        FigureSpec.model_validate({"view": "angled", "keyframes": [STAND, SIT]})
    with pytest.raises(ValidationError, match="needs a camera"):
        FigureSpec.model_validate({"camera": {"azimuth": 30}, "keyframes": [STAND, SIT]})
    with pytest.raises(ValidationError, match="hip_near_rot 95° is outside -45..70°"):
        FigureSpec.model_validate(
            {
                "view": "angled",
                "camera": {"azimuth": 30},
                "keyframes": [STAND, {"name": "x", "pose": {"hip_near_rot": 95}}],
            }
        )
    with pytest.raises(ValidationError, match="cannot draw: bike"):
        FigureSpec.model_validate(
            {
                "view": "angled",
                "camera": {"azimuth": 30},
                "props": [{"kind": "bike"}],
                "keyframes": [STAND, SIT],
            }
        )


def test_angled_figures_paint_back_to_front_and_tint_what_is_under_water():
    spec = FigureSpec.model_validate(
        {
            "view": "angled",
            "camera": {"azimuth": 20, "elevation": 35},
            "props": [{"kind": "water", "level": 40, "floating": 4}],
            "keyframes": [
                {
                    "name": "reach",
                    "pose": {"trunk": 90, "shoulder_near": 0, "shoulder_near_abd": 175},
                },
                {
                    "name": "recover",
                    "pose": {
                        "trunk": 90,
                        "shoulder_far": -65,
                        "shoulder_far_abd": 70,
                        "elbow_far": 90,
                    },
                },
            ],
        }
    )
    svg = still_frames(spec, "Swim")[1]
    assert UNDERWATER[INK] in svg  # the body is under the surface
    assert f'stroke="{INK_FAR}"' in svg  # the far arm out of the water keeps its colour
    animated = animation(spec, "Swim")
    assert 'attributeName="stroke"' in animated  # colour changes as a limb leaves the water
    placed = keyframe_skeletons(spec)
    assert placed[0].world["pelvis"][1] == pytest.approx(36)  # floating, not on the pool floor


def test_every_angled_exercise_draws_its_props_and_torso():
    library = get_catalog().exercises
    angled = [ex for ex in library.values() if ex.figure and ex.figure.view == "angled"]
    assert {"clamshell", "seated_figure_four", "seated_twist", "lower_trunk_rotation"} <= {
        ex.id for ex in angled
    }
    for ex in angled:
        frames = still_frames(ex.figure, ex.name)
        assert len(frames) == len(ex.figure.keyframes)
        assert all("<polygon" in f for f in frames), ex.id  # the torso (and any floor/mat)
