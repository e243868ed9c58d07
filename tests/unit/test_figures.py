"""The exercise figure: joint angles -> positions -> SVG, and impossible poses refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from painpath.figures.pose import HEAD_R, Pose, grounded, solve
from painpath.figures.svg import FigureSpec, animation, still_frames

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
