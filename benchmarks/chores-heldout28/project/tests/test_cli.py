import subprocess
import sys
from pathlib import Path

import pianolog

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    result = subprocess.run(
        [sys.executable, "-m", "pianolog", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_version():
    assert run("--version").strip() == f"pianolog {pianolog.__version__}"


def test_log_since():
    lines = run("log", "--since", "2026-03-23").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("2026-03-23") and "sight-reading" in lines[0]


def test_streak_on_the_log():
    out = run("streak")
    assert "current streak: 7 days (to 2026-03-24)" in out
    assert run("streak", "--today", "2026-03-16").startswith("current streak:")


# TODO: a test of the week command's output on the example log
def test_goal_verdicts():
    verdicts = [line.split()[-1] for line in run("goal").splitlines()]
    assert verdicts == ["close", "met", "met", "short"]
