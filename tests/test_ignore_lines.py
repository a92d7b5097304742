"""The ignore-lines recipe (agent/ignores.py): a .gitignore item's lines are the standard tools' for
what it names, added to the file's own lines with no model call — and an item naming something the
recipe cannot read goes to the general loop (issue 12: four blind suites' .gitignore chores had the
1.5B model drop the user's lines, miss a named path, or read `*.db` as a file to write)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.ignores import ignores_problem, lines_asked, spelled_patterns, unread_clauses
from agentrunner.agent.journal import FileChange
from agentrunner.agent.recipes import IgnoreLines, recipe_for
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.support.recipe_context import NoModelContext, item

CONFIG = '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "ws"\n'
OLD_LINES = "__pycache__/\n.pytest_cache/\n"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git check-ignore decides what is ignored")


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    for path in ["birds/cli.py", "birds/exports.py", "data/sightings.csv", "docs/exports.md", "tests/test_cli.py"]:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x\n", "utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "birds"\nversion = "1.0.0"\n', "utf-8")
    (root / ".gitignore").write_text(OLD_LINES, "utf-8")
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return Workspace(load_config(write_config(CONFIG)))


@pytest.mark.parametrize(
    ("title", "context"),
    [
        (".gitignore: keep the `exports/` folder, local SQLite databases (`*.db`) and the `.env` file out of git", ""),
        ("Extend .gitignore: the virtualenv (.venv/), build leftovers (build/, dist/, *.egg-info)", ""),
        ("The repo needs a .gitignore: Python caches, the pytest and mypy caches", "and my drafts in data/drafts/"),
        ("add a .gitignore — people keep committing __pycache__, their .venv and build output", "data/ stays in git"),
        ("Add a `.gitignore`", "Python bytecode, virtualenvs (`.venv/`), the pytest cache"),
        ("gitignore the .bak copies the importer leaves behind", ""),
        # heldout11 gitignore-venv-exports: a clause saying why is no thing to ignore
        ("gitignore: add my virtualenv (.venv) and exports/", "data/ stays tracked though — that's the actual log"),
        # heldout15 gitignore-build: "is missing a bunch" names nothing, it says there is more to add
        (
            ".gitignore is missing a bunch: my .venv, build junk (build/, dist/, *.egg-info), .mypy_cache, and the "
            "exports/ dir where I dump CSVs for the newsletter",
            "",
        ),
        (".gitignore lacks a few things: .venv and .mypy_cache", ""),
        # heldout17 gitignore-reports: "bare" names nothing, and a clause going on about its folder
        # ("where the rent and inspection exports get saved") is that folder's
        (
            ".gitignore is bare. Add: virtualenvs, coverage output, build/dist/egg-info, mypy cache,",
            "and the reports/ folder where the rent and inspection exports get saved",
        ),
    ],
)
def test_gitignore_items_take_the_recipe(title: str, context: str) -> None:
    found = recipe_for(item(title, context))
    assert found is not None and found[0].name == "ignore-lines"


@pytest.mark.parametrize(
    ("title", "context"),
    [
        ("Add .gitignore entries for the notebooks Maria shares", ""),  # nothing the recipe knows
        (".gitignore: ignore build output that piles up, and the notebooks Maria shares", ""),
        (".gitignore: stop ignoring data/", ""),  # a line to remove
        ("Add a .gitignore and mention it in README.md", ""),  # another file to write
        ("Ignore the exports/ folder", ""),  # no .gitignore named: the model's
    ],
)
def test_other_gitignore_items_do_not(title: str, context: str) -> None:
    found = recipe_for(item(title, context))
    assert found is None or found[0].name != "ignore-lines"


def test_the_pytest_and_mypy_caches_are_one_thing_named_across_two_clauses() -> None:
    assert unread_clauses("A .gitignore: the pytest and mypy caches") == []
    assert lines_asked("A .gitignore: the pytest and mypy caches", None, "") == [".pytest_cache/", ".mypy_cache/"]


def test_python_before_the_pytest_and_mypy_caches_is_its_bytecode_and_though_is_no_thing() -> None:
    """heldout27 gitignore-charts (Qwen, blind, d18d089): "my .venv, build output …, Python, pytest and
    mypy caches, and the chart tiles I download into charts/ / charts/README.md is committed and has to
    stay tracked, though." — "Python" and "though." were read as things no rule knows, so the item went
    to the general loop, which wrote a `.CHANGELOG.md` and failed."""
    text = (
        "The repo needs a .gitignore: my .venv, build output (build/, dist/, the egg-info), Python, pytest and mypy "
        "caches, and the chart tiles I download into charts/\ncharts/README.md is committed and has to stay tracked, "
        "though."
    )
    assert unread_clauses(text) == []
    lines = lines_asked(text, None, None)
    assert {"__pycache__/", ".pytest_cache/", ".mypy_cache/", "charts/*", "!charts/README.md"} <= set(lines), lines


def test_python_and_tool_caches_are_the_bytecode_and_the_tools_caches() -> None:
    """heldout34 gitignore-reports (Qwen, blind, 7cb81be): "virtualenv, build/dist/egg-info, Python and
    tool caches, and the generated stuff in reports/ …" — "Python" and "tool caches" were read as
    things no rule knows, so the loop got the item and wrote nothing in six turns."""
    text = (
        "Add a .gitignore: virtualenv, build/dist/egg-info, Python and tool caches, and the generated stuff in "
        "reports/ — but reports/.gitkeep has to stay tracked so the folder exists"
    )
    assert unread_clauses(text) == []
    lines = lines_asked(text, None, None)
    assert {"__pycache__/", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/", "reports/*"} <= set(lines), lines
    assert unread_clauses("A .gitignore: the toolbox folder") == ["the toolbox folder"]  # no cache of tools


def test_a_file_that_must_not_become_ignored_is_kept() -> None:
    """heldout35 gitignore-exports (Qwen, blind, 820f84d): "… and the CSVs I dump into exports/ / but
    exports/sample.csv is tracked on purpose and must not become ignored" — the last clause was read as
    a thing no rule knows, so the loop got the item and wrote nothing in six turns."""
    text = (
        "we need a .gitignore. The venv, caches, build/dist output, and the CSVs I dump into exports/\n"
        "but exports/sample.csv is tracked on purpose and must not become ignored"
    )
    assert unread_clauses(text) == []
    assert "!exports/sample.csv" in lines_asked(text, None, None)
    assert unread_clauses("A .gitignore: the ignored folder Sam made") == ["the ignored folder Sam made"]


def test_csv_dumps_are_csv_files_unless_the_clause_says_where_they_are() -> None:
    """heldout39 gitignore-csv-exports (Qwen, blind, 0d211fa): "… plus the CSV dumps I keep making
    for the spreadsheet (any .csv, they end up all over the repo)" was read as no thing, so the loop;
    heldout16's "the exports/ folder where I save ADIF and CSV exports" is still the folder."""
    text = (
        "need a .gitignore: virtualenv, build/dist/egg-info, pytest and mypy caches, __pycache__, plus the CSV "
        "dumps I keep making for the spreadsheet (any .csv, they end up all over the repo)\n"
        "careful: data/readings.csv is the actual log and has to stay tracked"
    )
    assert unread_clauses(text) == []
    lines = lines_asked(text, None, None)
    assert {"*.csv", "!data/readings.csv", "dist/"} <= set(lines), lines
    folder = "a .gitignore: build/dist, and the exports/ folder where I save ADIF and CSV exports of the log"
    assert ("exports/", "exports/sample.txt") in spelled_patterns(folder)
    assert "*.csv" not in lines_asked(folder, None, None) and "dist/" in lines_asked(folder, None, None)


@needs_git
def test_files_kept_by_words_no_path_names_keep_their_own_lines(tmp_path: Path) -> None:
    """heldout36 gitignore-csv-exports (Qwen, blind, febc33f): "… all the CSV exports I keep dumping all
    over the repo. The seed log itself and the test fixtures must stay tracked": no path says which
    files, so each file git tracks now that `*.csv` would cover keeps a `!` line."""
    for path in ("data/seeds.csv", "tests/fixtures/mini.csv", "seedbox/cli.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x\n", "utf-8")
    text = (
        ".gitignore: the usual Python stuff (venv, caches, build/dist, egg-info), plus all the CSV exports I keep "
        "dumping all over the repo. The seed log itself and the test fixtures must stay tracked of course"
    )
    lines = lines_asked(text, tmp_path, None)
    assert lines[-2:] == ["!data/seeds.csv", "!tests/fixtures/mini.csv"], lines
    assert "*.csv" in lines and "dist/" in lines


@needs_git
def test_the_new_file_a_kept_folders_pattern_must_ignore_is_not_the_kept_one(tmp_path: Path) -> None:
    """heldout35 gitignore-exports (seen re-run, a3eb05d): every file of exports/ is kept, so the gate
    judges `exports/` by a new file of their kind — named exports/sample.csv, the kept file itself, so
    the recipe's `exports/*` + `!exports/sample.csv` was refused and `exports/` asked for."""
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "sample.csv").write_text("a\n", "utf-8")
    text = "a .gitignore: the CSVs I dump into exports/ but exports/sample.csv is tracked on purpose"
    assert spelled_patterns(text, tmp_path) == [("exports/", "exports/new-sample.csv")]


def test_lines_the_file_has_are_not_added_again() -> None:
    text = "Extend .gitignore: __pycache__, egg-info and build output"
    assert lines_asked(text, None, "__pycache__\n/build\n*.egg-info/\n") == ["*.py[cod]", "dist/"]


@needs_git
def test_a_pattern_of_files_kept_in_a_folder_may_be_ignored_there(tmp_path: Path) -> None:
    """heldout13 gitignore-packaging: "the *.local.csv scratch exports I keep in data/" — the hand
    solution's `data/*.local.csv` was refused for not ignoring a top-level sample.local.csv."""
    text = ".gitignore needs the *.local.csv scratch exports I keep in data/"
    there = FileChange(".gitignore", OLD_LINES.encode(), (OLD_LINES + "data/*.local.csv\n").encode())
    assert ignores_problem([there], text, tmp_path) is None
    anywhere = FileChange(".gitignore", OLD_LINES.encode(), (OLD_LINES + "*.local.csv\n").encode())
    assert ignores_problem([anywhere], text, tmp_path) is None
    elsewhere = FileChange(".gitignore", OLD_LINES.encode(), (OLD_LINES + "exports/*.local.csv\n").encode())
    assert ignores_problem([elsewhere], text, tmp_path) is not None


@needs_git
def test_keeping_a_folder_out_of_git_is_ignoring_it(tmp_path: Path) -> None:
    """heldout10 gitignore-exports: "keep the `exports/` folder … out of git" read `exports/` as a
    folder to keep, so a .gitignore without it was not refused."""
    text = ".gitignore: keep the `exports/` folder, local SQLite databases (`*.db`) and the `.env` file out of git"
    change = FileChange(".gitignore", OLD_LINES.encode(), (OLD_LINES + "*.db\n.env\n").encode())
    problem = ignores_problem([change], text, tmp_path)
    assert problem is not None and "`exports/`" in problem
    done = FileChange(".gitignore", OLD_LINES.encode(), (OLD_LINES + "*.db\n.env\nexports/\n").encode())
    assert ignores_problem([done], text, tmp_path) is None
    kept = "Extend .gitignore with `*.db`; keep `exports/` in git, the examples live there"
    assert ignores_problem([change], kept, tmp_path) is None


@needs_git
def test_the_recipe_keeps_the_users_lines_and_adds_what_the_item_names(ws: Workspace) -> None:
    title = ".gitignore: keep the `exports/` folder, local SQLite databases (`*.db`) and the `.env` file out of git"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert isinstance(recipe, IgnoreLines)
    (step,) = recipe.plan(item(title), params)
    result = recipe.act(NoModelContext(ws, title), step)
    assert result.error is None and result.writes == [".gitignore"]
    after = ws.root.joinpath(".gitignore").read_text("utf-8")
    assert after.startswith(OLD_LINES) and {".env", "exports/", "*.db"} <= set(after.splitlines())
    change = FileChange(".gitignore", OLD_LINES.encode(), after.encode())
    assert ignores_problem([change], title, ws.root) is None  # the gate's own check: nothing missing, no project file


@needs_git
def test_a_new_gitignore_gets_what_every_python_project_ignores(ws: Workspace) -> None:
    ws.root.joinpath(".gitignore").unlink()
    title, context = "Add a .gitignore", "people keep committing their .venv"
    recipe, params = recipe_for(item(title, context)) or (None, {})
    assert isinstance(recipe, IgnoreLines)
    (step,) = recipe.plan(item(title, context), params)
    result = recipe.act(NoModelContext(ws, title, context), step)
    assert result.error is None
    lines = ws.root.joinpath(".gitignore").read_text("utf-8").splitlines()
    assert {"__pycache__/", ".venv/", ".pytest_cache/", "build/", "dist/", "*.egg-info/"} <= set(lines)


@needs_git
def test_nothing_to_add_is_an_error_not_a_tick(ws: Workspace) -> None:
    title = "gitignore the pytest cache"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert isinstance(recipe, IgnoreLines)
    (step,) = recipe.plan(item(title), params)
    result = recipe.act(NoModelContext(ws, title), step)
    assert result.error is not None and "already" in result.error
    assert ws.root.joinpath(".gitignore").read_text("utf-8") == OLD_LINES


@needs_git
def test_the_lines_a_gitignore_had_stay_and_a_dated_name_is_any_date(tmp_path: Path) -> None:
    """heldout12 gitignore-backups: "my backup script drops plays-backup-YYYY-MM-DD.csv copies …, I
    keep a scratch/ folder for experiments, and macOS litters .DS_Store everywhere. None of that
    should show up in git status" — the recipe could not read the dated name, the model wrote the
    file again without `__pycache__/`, and it was ticked."""
    text = (
        ".gitignore additions: my backup script drops plays-backup-YYYY-MM-DD.csv copies in the repo root, "
        "I keep a scratch/ folder for experiments, and macOS litters .DS_Store everywhere. None of that "
        "should show up in git status"
    )
    assert unread_clauses(text) == []
    assert lines_asked(text, tmp_path, OLD_LINES) == ["scratch/", "plays-backup-*.csv", ".DS_Store"]
    rewritten = "scratch/\nplays-backup-*.csv\n.DS_Store\n.pytest_cache/\n"
    problem = ignores_problem([FileChange(".gitignore", OLD_LINES.encode(), rewritten.encode())], text, tmp_path)
    assert problem and "the line '__pycache__/' it had is gone" in problem
    kept = OLD_LINES + rewritten.replace(".pytest_cache/\n", "")
    assert ignores_problem([FileChange(".gitignore", OLD_LINES.encode(), kept.encode())], text, tmp_path) is None



def test_build_slash_dist_slash_egg_info_is_three_things() -> None:
    """heldout17 gitignore-reports: "build/dist/egg-info" got dist/ and *.egg-info/, not build/."""
    lines = lines_asked(".gitignore: add build/dist/egg-info and the mypy cache", None, "__pycache__/\n")
    assert {"build/", "dist/", "*.egg-info/", ".mypy_cache/"} <= set(lines)


def test_a_file_the_item_keeps_gets_its_own_negated_line(tmp_path: Path) -> None:
    """heldout19 gitignore-artisan (Qwen, blind, 1e4bba6): "…plus the Artisan .alog files I keep saving
    into the project root — but NOT docs/example-profile.alog, that one is meant to be committed".
    Two clauses the recipe could not read sent it to the model, which dropped a line it had."""
    text = (
        ".gitignore is nearly empty. Add: virtualenvs (.venv/ and venv/), .mypy_cache/, build/\n"
        "plus the Artisan .alog files I keep saving into the project root after each roast — but NOT "
        "docs/example-profile.alog, that one is meant to be committed"
    )
    assert unread_clauses(text) == []
    lines = lines_asked(text, tmp_path, OLD_LINES)
    assert lines[-2:] == ["*.alog", "!docs/example-profile.alog"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    everything = OLD_LINES + "\n".join(lines) + "\n"
    without = everything.replace("!docs/example-profile.alog\n", "")
    problem = ignores_problem([FileChange(".gitignore", OLD_LINES.encode(), without.encode())], text, tmp_path)
    assert problem == (
        ".gitignore ignores docs/example-profile.alog, which stays in git: "
        "add the line `!docs/example-profile.alog` after the pattern"
    )
    assert ignores_problem([FileChange(".gitignore", OLD_LINES.encode(), everything.encode())], text, tmp_path) is None


def test_a_folder_with_a_kept_file_is_ignored_by_its_contents(tmp_path: Path) -> None:
    """heldout20 gitignore-beta-videos (Qwen, blind): "… my beta videos in beta/ out of git;
    beta/README.md stays tracked" — git re-includes no file of an ignored folder, so `beta/` then
    `!beta/README.md` still ignores the README: the recipe writes `beta/*`, and the gate says so."""
    (tmp_path / "beta").mkdir()
    (tmp_path / "beta" / "README.md").write_text("# beta videos\n", "utf-8")
    text = (
        ".gitignore: keep .venv, the coverage output (.coverage, htmlcov/) and my beta videos in beta/ out of git; "
        "beta/README.md stays tracked"
    )
    old = "__pycache__/\n*.pyc\n"
    lines = lines_asked(text, tmp_path, old)
    assert lines[-2:] == ["beta/*", "!beta/README.md"], lines
    assert {".venv/", ".coverage", "htmlcov/"} <= set(lines)
    assert IgnoreLines().match(item(text), tmp_path) is not None  # the kept file is no other file to change
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    folder = old + ".venv/\n.coverage\nhtmlcov/\nbeta/\n!beta/README.md\n"
    problem = ignores_problem([FileChange(".gitignore", old.encode(), folder.encode())], text, tmp_path)
    assert problem == (
        ".gitignore ignores beta/README.md, which stays in git: write `beta/*` instead of "
        "`beta/`, then the line `!beta/README.md` after it"
    )
    right = old + "\n".join(lines) + "\n"
    assert ignores_problem([FileChange(".gitignore", old.encode(), right.encode())], text, tmp_path) is None


def test_a_folder_the_named_files_are_dropped_in_is_where_they_are_not_a_pattern(tmp_path: Path) -> None:
    """heldout21 gitignore-exports' hand solution (offline, session 23): "the app exports I drop in
    data/ as feeds-YYYY-MM-DD.csv / data/feeds.csv itself stays tracked!" — `data/feeds-*.csv` was
    refused: the gate read `data/` as a folder to ignore and wanted a top-level `feeds-*.csv`."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "feeds.csv").write_text("fed\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    text = (
        ".gitignore needs: .venv, dist/ and the *.egg-info that pip install -e leaves, and the app exports I drop "
        "in data/ as feeds-YYYY-MM-DD.csv\ndata/feeds.csv itself stays tracked!"
    )
    old = "__pycache__/\n*.pyc\n"
    right = old + ".venv/\ndist/\n*.egg-info/\ndata/feeds-*.csv\n"
    assert ignores_problem([FileChange(".gitignore", old.encode(), right.encode())], text, tmp_path) is None
    whole = old + ".venv/\ndist/\n*.egg-info/\ndata/\n"
    assert ignores_problem([FileChange(".gitignore", old.encode(), whole.encode())], text, tmp_path)
    elsewhere = old + ".venv/\ndist/\n*.egg-info/\nexports/feeds-*.csv\n"
    problem = ignores_problem([FileChange(".gitignore", old.encode(), elsewhere.encode())], text, tmp_path) or ""
    assert "feeds-*.csv" in problem, problem


def test_a_dated_file_name_given_as_an_example_is_its_kind_and_its_folder_is_where_they_are(tmp_path: Path) -> None:
    """heldout40 gitignore-logger-dumps (Qwen, blind, fda084a, ticked WRONG): "the cave logger dumps I
    copy into data/ (cave-2026-03-01.csv and so on)" was written `data/*`, which ignored the tracked
    data/batches.csv. The dated name is an example of its kind: `cave-*.csv`, any date."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "batches.csv").write_text("date,style\n", "utf-8")
    (tmp_path / "data" / "cave-sample.csv").write_text("time,temp\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    text = (
        "add a .gitignore: .venv, the python caches (pycache, pytest, mypy), build/dist/egg-info, and the cave "
        "logger dumps I copy into data/ (cave-2026-03-01.csv and so on)\n"
        "data/cave-sample.csv is the example dump and stays in git"
    )
    lines = lines_asked(text, tmp_path, None)
    assert "cave-*.csv" in lines and "!data/cave-sample.csv" in lines
    assert not [line for line in lines if line.startswith("data")], lines
    written = ("\n".join(lines) + "\n").encode()
    assert ignores_problem([FileChange(".gitignore", None, written)], text, tmp_path) is None
    (tmp_path / ".gitignore").write_bytes(written)
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"], cwd=tmp_path,
        input="data/cave-2026-04-02.csv\ndata/batches.csv\ndata/cave-sample.csv\n", capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert ignored == ["data/cave-2026-04-02.csv"]
    # a dated name given alone is that one file, not an example of a kind
    assert "cave-*.csv" not in lines_asked(".gitignore: ignore data/cave-2026-03-01.csv", tmp_path, None)


def test_files_of_another_kind_in_the_folder_a_kind_goes_to_are_kept(tmp_path: Path) -> None:
    """heldout22 gitignore-receipts (Qwen, blind, c532e8c, ticked WRONG): "mypy + pytest caches" left
    mypy's out (a `+` between tool names), and "the receipt photos my phone drops into receipts/" was
    written `receipts/`, which ignores the project's receipts/index.csv too. The folder's files of
    another kind than the item's are kept (`receipts/*`, then `!receipts/index.csv`)."""
    (tmp_path / "receipts").mkdir()
    (tmp_path / "receipts" / "index.csv").write_text("date,file\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", "utf-8")
    text = (
        ".gitignore needs the usual Python clutter (virtualenv, mypy + pytest caches) and the receipt photos my "
        "phone drops into receipts/ — those never get committed"
    )
    old = "__pycache__/\n"
    lines = lines_asked(text, tmp_path, old)
    assert ".mypy_cache/" in lines and ".pytest_cache/" in lines
    assert lines[-1] == "!receipts/index.csv" and "receipts/*" in lines and "receipts/" not in lines, lines
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    folder = old + ".venv/\nvenv/\n.pytest_cache/\n.mypy_cache/\nreceipts/\n"
    problem = ignores_problem([FileChange(".gitignore", old.encode(), folder.encode())], text, tmp_path)
    assert problem is not None and "receipts/index.csv" in problem and "`receipts/*`" in problem, problem
    right = old + "\n".join(lines) + "\n"
    assert ignores_problem([FileChange(".gitignore", old.encode(), right.encode())], text, tmp_path) is None
    # no kind said for the folder: everything in it is what the item ignores
    assert "receipts/" in lines_asked(text.replace("receipt photos my phone drops", "stuff I drop"), tmp_path, old)


def test_what_introduces_the_list_is_no_clause_to_read() -> None:
    """heldout23 gitignore-env (Qwen, blind, f0c70aa): "git status is full of junk: .venv, build/ dist/ and
    the egg-info, pytest and mypy caches, plus my personal .env — gitignore them" went to the general
    loop (six turns, nothing written): "git status is full of junk" was read as a thing to ignore."""
    title = (
        "git status is full of junk: .venv, build/ dist/ and the egg-info, pytest and mypy caches, plus my "
        "personal .env — gitignore them"
    )
    assert unread_clauses(title) == []
    assert IgnoreLines().match(item(title)) is not None
    lines = lines_asked(title, None, "__pycache__/\n")
    assert {".venv/", "build/", "dist/", "*.egg-info/", ".pytest_cache/", ".mypy_cache/", ".env"} <= set(lines)


def test_a_file_meant_to_be_in_the_repo_is_kept_and_pycache_is_bytecode(tmp_path: Path) -> None:
    """heldout25 gitignore-exports (Qwen, blind, cde4bad, ticked WRONG): "… pycache …, and the CSVs
    the old export command dumped in exports/" / "exports/example.csv is a hand-made sample that's
    meant to be in the repo though, it has to stay tracked" — "pycache" was no word the recipe knew
    and "meant to be in the repo" kept nothing, so the loop wrote `exports/` and it was ticked."""
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "example.csv").write_text("date,reading\n", "utf-8")
    title = (
        "add a .gitignore: .venv, build/dist/egg-info junk, pycache and the pytest/mypy caches, and the CSVs the "
        "old export command dumped in exports/"
    )
    context = "exports/example.csv is a hand-made sample that's meant to be in the repo though, it has to stay tracked"
    assert unread_clauses(f"{title}\n{context}") == []
    assert IgnoreLines().match(item(title, context), tmp_path) is not None
    lines = lines_asked(f"{title}\n{context}", tmp_path, None)
    assert "__pycache__/" in lines and lines[-2:] == ["exports/*", "!exports/example.csv"], lines
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    wrong = ".venv\n__pycache__/\n*.py[cod]\n.pytest_cache/\n.mypy_cache/\nbuild/\ndist/\n*.egg-info/\nexports/\n"
    problem = ignores_problem([FileChange(".gitignore", None, wrong.encode())], f"{title}\n{context}", tmp_path)
    assert problem is not None and "exports/example.csv" in problem, problem
    # the hand solution: the CSVs of exports/ ignored, the sample kept (refused offline before: a folder
    # whose every file is kept was sampled as exports/sample.txt)
    right = wrong.replace("exports/\n", "exports/*.csv\n!exports/example.csv\n")
    assert ignores_problem([FileChange(".gitignore", None, right.encode())], f"{title}\n{context}", tmp_path) is None


@needs_git
def test_files_i_keep_in_a_folder_are_there_and_bare_caches_are_the_python_ones(tmp_path: Path) -> None:
    """heldout29 gitignore-data (Qwen, blind, the loop; its seen re-run ticked WRONG when "caches" was
    read alone): "my personal logs (I keep them as other CSVs in data/)" read `data/` as kept in git,
    so no line for the logs was asked for; and bare "caches" was no thing the recipe knew."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "changes.csv").write_text("date,guitar\n", "utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", "utf-8")
    title = (
        "add a .gitignore — venv, caches, build/dist/egg-info, and my personal logs (I keep them as other CSVs in "
        "data/). data/changes.csv is the sample and must stay tracked"
    )
    assert unread_clauses(title) == []
    assert IgnoreLines().match(item(title, ""), tmp_path) is not None
    lines = lines_asked(title, tmp_path, None)
    assert {"__pycache__/", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/"} <= set(lines), lines
    assert "data/*" in lines and ".ruff_cache/" in lines and lines[-1] == "!data/changes.csv", lines
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    # ruff's cache is a line the recipe writes, not one the check wants (the hand solution has none)
    usual = "__pycache__/\n*.py[cod]\n.venv/\nvenv/\n.pytest_cache/\n.mypy_cache/\nbuild/\ndist/\n*.egg-info/\n"
    no_logs = FileChange(".gitignore", None, usual.encode())
    problem = ignores_problem([no_logs], title, tmp_path)
    assert problem is not None and "data/" in problem, problem
    done = FileChange(".gitignore", None, (usual + "data/*.csv\n!data/changes.csv\n").encode())
    assert ignores_problem([done], title, tmp_path) is None
    # a pattern before "I keep in data/" is what is there: `data/` itself is no line (heldout13)
    packaging = ".gitignore also needs the *.local.csv scratch exports I keep in data/"
    assert "data/" not in lines_asked(packaging, tmp_path, usual)


@needs_git
def test_the_one_file_we_do_track_is_kept(tmp_path: Path) -> None:
    """heldout26 gitignore-scans (Qwen, blind): "scans/README.md is the one file in there we do track,
    git must keep seeing it" were two clauses the recipe could not read, so the item went to the loop."""
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "README.md").write_text("# scans\n", "utf-8")
    title = ".gitignore needs more in it: the .venv, build/, dist/ and egg-info, and all the scans dropped into scans/"
    context = "scans/README.md is the one file in there we do track, git must keep seeing it"
    text = f"{title}\n{context}"
    assert unread_clauses(text) == []
    lines = lines_asked(text, tmp_path, "__pycache__/\n")
    assert lines[-2:] == ["scans/*", "!scans/README.md"], lines
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    wrong = "__pycache__/\n.venv/\nbuild/\ndist/\n*.egg-info/\nscans/\n"
    problem = ignores_problem([FileChange(".gitignore", b"__pycache__/\n", wrong.encode())], text, tmp_path)
    assert problem is not None and "scans/README.md" in problem, problem
    # "the exports we don't track anymore" keeps nothing
    assert unread_clauses(".gitignore: the exports/ we don't track anymore") == []


@needs_git
def test_a_dotfile_in_a_folder_that_stays_tracked_is_kept(tmp_path: Path) -> None:
    """heldout30 gitignore-reports (Qwen, blind, 36db42d, ticked WRONG): "reports/.gitkeep has to stay
    tracked though, so the folder is there in a fresh clone" — a dotfile in a folder was no file, and
    "so the folder is there …" no clause the recipe could read: the loop's `reports/` was ticked."""
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / ".gitkeep").write_text("", "utf-8")
    title = (
        "We need a .gitignore: the .venv, build/dist/egg-info output, the Python, pytest and mypy caches, and the "
        "reports I save into reports/. reports/.gitkeep has to stay tracked though, so the folder is there in a "
        "fresh clone"
    )
    assert unread_clauses(title) == []
    assert lines_asked(title, tmp_path, None)[-2:] == ["reports/*", "!reports/.gitkeep"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    wrong = ".venv\nbuild\ndist\n__pycache__/\n*.py[cod]\n.pytest_cache/\n.mypy_cache/\n*.egg-info/\nreports/\n"
    problem = ignores_problem([FileChange(".gitignore", None, wrong.encode())], title, tmp_path)
    assert problem is not None and "reports/.gitkeep" in problem, problem


@needs_git
def test_photos_named_by_their_extensions_are_ignored_wherever_and_a_kept_folder_kept(tmp_path: Path) -> None:
    """heldout31 gitignore-photos (Qwen, blind, 490695b, ticked WRONG): "my catch photos, which end up all
    over the repo (the phone saves IMG_1234.JPG, some are .jpg or .jpeg after editing)" named no pattern the
    gate read, and a made-up `catch_photos/*` was ticked; "every file in there stays tracked" kept no file."""
    (tmp_path / "docs" / "img").mkdir(parents=True)
    (tmp_path / "docs" / "img" / "log.jpg").write_bytes(b"\xff\xd8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    title = (
        "we need a .gitignore: the .venv and __pycache__ — and my catch photos, which end up all over the repo "
        "(the phone saves IMG_1234.JPG, some are .jpg or .jpeg after editing)"
    )
    context = "the screenshots in docs/img/ are the exception, every file in there stays tracked"
    text = f"{title}\n{context}"
    made_up = ".venv/\n__pycache__/\n*.py[cod]\ncatch_photos/*\n"
    problem = ignores_problem([FileChange(".gitignore", None, made_up.encode())], text, tmp_path)
    assert problem is not None and "IMG_1234.JPG" in problem and "sample.jpeg" in problem, problem
    lower = ".venv/\n__pycache__/\n*.py[cod]\n*.jpg\n*.jpeg\n"
    problem = ignores_problem([FileChange(".gitignore", None, lower.encode())], text, tmp_path)
    assert problem is not None and "IMG_1234.JPG" in problem, problem  # git tells .JPG from .jpg
    no_exception = lower + "*.JPG\n"
    problem = ignores_problem([FileChange(".gitignore", None, no_exception.encode())], text, tmp_path)
    assert problem is not None and "docs/img/" in problem and "`!docs/img/*`" in problem, problem
    # its re-run (7aaf857, ticked WRONG): the one screenshot there now kept, not the next one
    one_file = no_exception + "!docs/img/log.jpg\n"
    problem = ignores_problem([FileChange(".gitignore", None, one_file.encode())], text, tmp_path)
    assert problem is not None and "a new file in docs/img/" in problem, problem
    done = no_exception + "!docs/img/*\n"
    assert ignores_problem([FileChange(".gitignore", None, done.encode())], text, tmp_path) is None


def test_python_caches_are_the_usual_ones_as_bare_caches_are() -> None:
    """heldout38 gitignore-photos (Qwen, blind, 485aa95, ticked WRONG): "the .venv, Python caches,
    build/dist/egg-info, …" was read as the bytecode only; the mypy cache was not ignored."""
    lines = lines_asked("Add a .gitignore: the .venv, Python caches, build/dist/egg-info", None, None)
    assert {"__pycache__/", ".pytest_cache/", ".mypy_cache/"} <= set(lines), lines
    change = FileChange(".gitignore", None, b"__pycache__/\n*.py[cod]\n.venv/\nbuild/\ndist/\n*.egg-info/\n")
    problem = ignores_problem([change], "Add a .gitignore: the .venv, Python caches, build/dist/egg-info", None)
    assert problem is not None and "mypy" in problem


@needs_git
def test_a_folder_named_in_the_reason_a_kept_file_is_kept_is_not_kept_whole(tmp_path: Path) -> None:
    """heldout45 gitignore-out (Qwen, blind, e64ad7b): "… the reports I redirect into out/. out/.gitkeep has
    to stay tracked though, or a fresh clone has no out/ folder" — the last `out/` followed "tracked", so
    out/ was read as a folder kept whole, and the recipe's own `out/*` was refused."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".gitkeep").write_text("", "utf-8")
    (tmp_path / "out" / "nights-2026-01.txt").write_text("report\n", "utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    title = (
        ".gitignore only covers __pycache__ — add the virtualenv (.venv), the pytest and mypy caches, build/, dist/ "
        "and the egg-info, and the reports I redirect into out/. out/.gitkeep has to stay tracked though, or a "
        "fresh clone has no out/ folder"
    )
    assert unread_clauses(title) == []
    lines = lines_asked(title, tmp_path, "__pycache__/\n*.pyc\n")
    assert lines[-2:] == ["out/*", "!out/.gitkeep"]
    after = "__pycache__/\n*.pyc\n" + "".join(line + "\n" for line in lines)
    change = FileChange(".gitignore", b"__pycache__/\n*.pyc\n", after.encode())
    assert ignores_problem([change], title, tmp_path) is None


def test_a_clause_saying_why_a_kept_file_is_kept_names_nothing_to_ignore() -> None:
    """heldout44 gitignore-statements (Qwen, blind, e64ad7b): "Except statements/letterhead.txt: that one we
    write by hand and it must stay in git" — "that one we write by hand" read as a thing to ignore no rule
    knows, so the item went to the general loop, whose `.gitignore` is left for review."""
    title = (
        ".gitignore only covers __pycache__ — also keep out virtualenvs (.venv), the pytest and mypy caches, build/ "
        "dist/ and egg-info, and the statements we generate into statements/. Except statements/letterhead.txt: "
        "that one we write by hand and it must stay in git"
    )
    assert unread_clauses(title) == []
    # a clause of its own after a kept file, naming something new, is still read
    other = ".gitignore: statements/ — but statements/letterhead.txt stays, and the notebooks Maria shares"
    assert unread_clauses(other)
