"""`painpath content check` refuses broken content, naming the file and the problem.
Each case overrides one shipped file (PAINPATH_CONTENT_OVERRIDES) with a broken copy."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from painpath.catalog import CONTENT_DIR, ContentError, load_catalog


def broken(tmp_path: Path, rel: str, change) -> Path:
    data = yaml.safe_load((CONTENT_DIR / rel).read_text())
    change(data)
    target = tmp_path / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return tmp_path


def problems(overrides: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_catalog(CONTENT_DIR, overrides)
    return "\n".join(info.value.problems)


def test_shipped_content_is_valid():
    assert load_catalog().exercises


def test_an_exercise_without_a_figure_is_refused(tmp_path):
    out = problems(broken(tmp_path, "exercises/glute_bridge.yaml", lambda d: d.pop("figure")))
    assert "exercises/glute_bridge.yaml: has no figure" in out


def test_an_impossible_pose_is_refused(tmp_path):
    def bend_backwards(d):
        d["figure"]["keyframes"][0]["pose"]["knee_near"] = -30

    out = problems(broken(tmp_path, "exercises/glute_bridge.yaml", bend_backwards))
    assert "impossible pose" in out and "knee_near -30°" in out


def test_an_unknown_source_key_is_refused(tmp_path):
    out = problems(
        broken(tmp_path, "exercises/glute_bridge.yaml", lambda d: d.update(sources=["nobody2099"]))
    )
    assert "unknown reference 'nobody2099'" in out


def test_a_one_way_progression_link_is_refused(tmp_path):
    out = problems(
        broken(tmp_path, "exercises/glute_bridge.yaml", lambda d: d.update(regresses_to=[]))
    )
    assert "progresses to glute_bridge" in out or "does not regress" in out


def test_a_red_flag_rule_that_no_longer_fires_on_its_example_is_refused(tmp_path):
    def weaken(d):
        rule = next(r for r in d["rules"] if r["id"] == "ces_saddle_numbness")
        rule["when"] = {"item": "saddle_numbness", "equals": False}

    out = problems(broken(tmp_path, "redflags.yaml", weaken))
    assert "ces_saddle_numbness.examples.fires[1]: expected the rule to fire" in out


def test_a_condition_on_an_unknown_item_is_refused(tmp_path):
    def typo(d):
        d["rules"][0]["when"] = {"item": "bladder_chnage", "equals": True}

    out = problems(broken(tmp_path, "redflags.yaml", typo))
    assert "unknown item 'bladder_chnage'" in out


def test_every_caution_needs_plain_words_and_no_unknown_tag_gets_them(tmp_path):
    out = problems(
        broken(
            tmp_path,
            "cautions.yaml",
            lambda d: (d.pop("prone_lying"), d.update({"upside_down": "Hanging upside down."})),
        )
    )
    assert "cautions.yaml: no plain words for the caution 'prone_lying'" in out
    assert "cautions.yaml: 'upside_down' is not a caution exercises can carry" in out
