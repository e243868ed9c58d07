"""`painpath content check`, `check`, `score` and `instruments load`, run as a person would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from painpath.cli import app
from painpath.settings import get_settings

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "checkin-answers.json"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("PAINPATH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PAINPATH_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args, input=None):
        get_settings.cache_clear()
        return runner.invoke(app, [str(a) for a in args], input=input)

    yield invoke
    get_settings.cache_clear()


def test_content_check_passes_and_says_what_it_checked(run):
    result = run("content", "check")
    assert result.exit_code == 0, result.output
    assert "red-flag rules" in result.output and "references" in result.output


def test_check_with_the_documented_example_file(run):
    result = run("check", "--answers", EXAMPLE, "--json", "--date", "2026-11-26")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["ok"] is True
    statements = out["result"]["sections"]["imaging"]
    assert any(s["rule"] == "imaging_not_needed_back" for s in statements)
    assert all(s["sources"] and s["reasons"] for s in statements)
    assert out["result"]["programme_inputs"]["minutes_per_day"] == 20


def test_check_red_flag_exits_3_with_the_tier(run, tmp_path):
    answers = json.loads(EXAMPLE.read_text())
    answers["bladder_change"] = True
    path = tmp_path / "flag.json"
    path.write_text(json.dumps(answers))
    result = run("check", "--answers", path, "--json")
    assert result.exit_code == 3
    out = json.loads(result.output)
    assert out["result"]["screening"]["highest_tier"] == "EMERGENCY"
    assert out["result"]["programme_inputs"] is None


def test_check_reports_unknown_and_invalid_answers_without_guessing(run, tmp_path):
    answers = json.loads(EXAMPLE.read_text())
    answers |= {"pain_now": 11, "mystery": 1, "region": "knee"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(answers))
    result = run("check", "--answers", path, "--json")
    assert result.exit_code == 1
    problems = {p["item"]: p["problem"] for p in json.loads(result.output)["problems"]}
    assert problems["pain_now"] == "11 is out of range 0–10"
    assert problems["mystery"] == "is not a check-in item"
    assert "knee" in problems["region"]


def test_check_refuses_a_file_that_is_not_json(run, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text("{not json")
    result = run("check", "--answers", path)
    assert result.exit_code == 1 and "not valid JSON" in result.output


def test_score_csv_reports_broken_rows_and_scores_the_rest(run, tmp_path):
    source = tmp_path / "odi.csv"
    source.write_text(
        "id,1,2,3,4,5,6,7,8,9,10\n"
        "a,3,2,1,2,2,1,2,,1,2\n"  # one section missing: 16/45
        "b,3,2,9,2,2,1,2,0,1,x\n"  # two bad items
        "c,1,1\n"  # too few fields
        "d,1,1,1,1,1,,,,1,1\n"  # 7 answered: below the 8-section rule
    )
    out = tmp_path / "scores.csv"
    result = run("score", "odi", source, "--out", out)
    assert result.exit_code == 2  # some rows had errors
    assert "row 2: item 3: '9' is not a valid answer" in result.output
    assert "item 10" in result.output
    assert "row 3: has 3 fields; the header has 11" in result.output
    rows = list(csv.DictReader(out.open()))
    assert [r["status"] for r in rows] == ["complete", "error", "error", "incomplete"]
    assert float(rows[0]["score"]) == pytest.approx(16 / 45 * 100)
    assert rows[3]["score"] == ""


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x.example","a")', "+1+1", "-2+3", "@SUM(A1)"])
def test_score_csv_cells_cannot_become_spreadsheet_formulas(run, tmp_path, evil):
    source = tmp_path / "sbst.csv"
    source.write_text("id,1,2,3,4,5,6,7,8,9\n" + csv_line([evil, *["1"] * 9]))
    out = tmp_path / "scores.csv"
    assert run("score", "sbst", source, "--out", out).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["id"] == "'" + evil  # shown as text, never run
    assert float(rows[0]["score"]) == 8  # the number itself is left as it is


def csv_line(cells: list[str]) -> str:
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def test_score_refuses_unknown_instrument_and_options(run, tmp_path):
    source = tmp_path / "r.csv"
    source.write_text("1,2\n0,1\n")
    assert run("score", "nope", source).exit_code == 1
    result = run("score", "rmdq", source, "--option", "format=sideways")
    assert result.exit_code == 1 and "checklist or yes_no" in result.output


def test_score_json_output_is_all_or_nothing(run, tmp_path):
    source = tmp_path / "sbst.json"
    source.write_text(json.dumps([{str(i): 1 for i in range(1, 10)}, {"1": 0}]))
    out = tmp_path / "out.json"
    result = run("score", "sbst", source, "--out", out)
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())
    assert rows[0]["category"] == "high" and rows[1]["status"] == "incomplete"
    assert not (tmp_path / "out.json.part").exists()


def _questionnaire(codes_for_9=(0, 1, 2, 3, 4)) -> dict:
    items = [
        {
            "linkId": str(n),
            "type": "choice",
            "text": f"Placeholder statement {n}",
            "answerOption": [
                {"valueCoding": {"code": str(c), "display": f"option {c}"}}
                for c in (codes_for_9 if n == 9 else (0, 1))
            ],
        }
        for n in range(1, 10)
    ]
    return {"resourceType": "Questionnaire", "status": "active", "title": "Test", "item": items}


def test_instruments_load_checks_the_mapping_and_stores_the_text(run, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    good = tmp_path / "sbst.json"
    good.write_text(json.dumps(_questionnaire()))
    result = run("instruments", "load", good, "--as", "sbst")
    assert result.exit_code == 0, result.output
    assert "Loaded 9 items" in result.output


def test_instruments_load_says_exactly_what_does_not_match(run, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    data = _questionnaire(codes_for_9=(0, 1, 2, 3))
    data["item"][0]["linkId"] = "one"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = run("instruments", "load", bad, "--as", "sbst")
    assert result.exit_code == 1
    assert "linkId 'one' is not a STarT Back item" in result.output
    assert "item 9: answer options do not match painpath's codes [0, 1, 2, 3, 4]" in result.output
    assert "missing code(s) [4]" in result.output
    assert "item 1 (radiating leg pain) is missing" in result.output


def test_instruments_load_refuses_malformed_files(run, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Questionnaire", "item": [{"type": "choice"}]}')
    result = run("instruments", "load", broken, "--as", "sbst")
    assert result.exit_code == 1 and "FHIR structure" in result.output
    notjson = tmp_path / "x.json"
    notjson.write_text("<xml/>")
    result = run("instruments", "load", notjson, "--as", "sbst")
    assert result.exit_code == 1 and "not valid JSON" in result.output


def test_interactive_check_stops_on_a_red_flag_with_the_stop_screen(run):
    # About you: respondent 1 (self), age 50, sex 2 (male), region 1 (back);
    # then the first safety question (new bladder trouble): yes.
    result = run("check", input="1\n50\n2\n1\ny\n")
    assert result.exit_code == 3, result.output
    assert "Safety questions" in result.output
    assert "EMERGENCY" in result.output
    assert "The check-in stops here" in result.output
    assert "You said: new bladder problems: yes" in result.output
    assert "How much it hurts" not in result.output  # no further questions asked


def test_interactive_check_asks_whether_the_pain_is_new_before_an_aneurysm_stop(run):
    about = "1\n70\n2\n1\n"  # self, 70, male, low back
    # Safety step: no to everything (choices: 1 = "No").
    safety = "n\nn\nn\nn\n1\n1\n1\nn\nn\nn\nn\nn\nn\nn\n"
    # Health: no until smoking (yes) and a known aneurysm (yes); 6 weeks to 3 months,
    # getting better; then "is it new?" 1 = new.
    health = "n\nn\n1\nn\nn\nn\nn\nn\nn\nn\nn\nn\ny\ny\n3\n1\n1\n"
    result = run("check", input=about + safety + health)
    assert "Is this pain new, or different from pain you have had before?" in result.output
    assert result.exit_code == 3, result.output
    assert "New or changed pain with a known aortic aneurysm" in result.output


def test_interactive_check_repeats_a_question_after_a_bad_answer(run):
    result = run("check", input="1\n999\n50\n2\n1\ny\n")
    assert result.exit_code == 3, result.output
    assert "999 is out of range 1–110" in result.output


def test_plan_builds_an_explained_programme_without_a_database(run):
    result = run("plan", "--answers", EXAMPLE, "--json", "--date", "2026-11-26")
    assert result.exit_code == 0, result.output
    programme = json.loads(result.output)["programme"]
    assert 3 <= len(programme["items"]) <= 6
    assert all(item["reasons"] and item["sources"] for item in programme["items"])


def test_plan_gives_no_programme_after_a_red_flag(run, tmp_path):
    answers = json.loads(EXAMPLE.read_text())
    answers["saddle_numbness"] = True
    path = tmp_path / "flag.json"
    path.write_text(json.dumps(answers))
    result = run("plan", "--answers", path, "--json")
    assert result.exit_code == 3
    out = json.loads(result.output)
    assert out["ok"] is False and out["screening"]["highest_tier"] == "EMERGENCY"


HOSTILE_JSON = {
    "huge number": '{"age": ' + "9" * 5000 + "}",
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "not utf-8": b'{"age": "\xff"}',
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_JSON))
@pytest.mark.parametrize("command", ["check", "plan", "handout", "score"])
def test_unusable_json_is_one_clear_line_never_a_traceback(run, tmp_path, command, kind):
    path = tmp_path / "in.json"
    data = HOSTILE_JSON[kind]
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    args = ["score", "sbst", path] if command == "score" else [command, "--answers", path]
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and len(lines[0]) < 300, result.output[:500]
    assert "Traceback" not in result.output


def test_score_quotes_a_huge_answer_short(run, tmp_path):
    source = tmp_path / "big.csv"
    source.write_text("id,1,2,3,4,5,6,7,8,9\nx," + "9" * 5000 + ",1,1,1,1,1,1,1,1\n")
    result = run("score", "sbst", source)
    assert result.exit_code == 2
    assert "(5002 characters) is not a valid answer" in result.output
    assert max(len(line) for line in result.output.splitlines()) < 300


def test_evidence_import_rejects_a_bad_line_and_keeps_the_rest():
    from painpath.services.evidence import read_rows

    good = '{"id": "a", "title": "Back pain", "text": "Keep moving."}'
    rows = list(
        read_rows([good, "[" * 100_000, '{"n": ' + "9" * 5000 + "}", good.replace('"a"', '"b"')])
    )
    rejected = {n: getattr(r, "reason", None) for n, r in rows if type(r).__name__ == "Rejected"}
    assert rejected[2] == "not usable: the JSON is nested too deeply"
    assert rejected[3] == "not usable: a number in it has too many digits"
    assert {n for n, _ in rows} - set(rejected) == {1, 4}
