import json
from datetime import date

from runlog.plan import PlanWeek, compare, load_plan, status
from runlog.runs import Run


def test_load_toml_plan(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[[weeks]]\nstart = 2026-03-11\ntarget_km = 30\nnote = "easy week"\n', encoding="utf-8")
    assert load_plan(plan) == [PlanWeek(date(2026, 3, 9), 30.0, "easy week")]


def test_load_json_plan(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"weeks": [{"start": "2026-03-16", "target_km": 40}]}), encoding="utf-8")
    assert load_plan(plan) == [PlanWeek(date(2026, 3, 16), 40.0)]


def test_status_within_ten_percent_is_on_track():
    assert status(33.0, 30.0) == "on track"
    assert status(27.0, 30.0) == "on track"
    assert status(33.5, 30.0) == "ahead"
    assert status(26.5, 30.0) == "behind"


def test_a_week_without_runs_is_behind():
    plan = [PlanWeek(date(2026, 3, 2), 20.0), PlanWeek(date(2026, 3, 9), 20.0)]
    runs = [Run(date(2026, 3, 3), 10.0, 3000), Run(date(2026, 3, 7), 10.5, 3150)]
    assert [(actual, verdict) for _, actual, verdict in compare(plan, runs)] == [(20.5, "on track"), (0.0, "behind")]
