"""The version-bump recipe (agent/versions.py): the project's version found and bumped everywhere it
is stated, with no model call — and the tick gate's "a bump asked and not made" (issue 12, heldout4
patch-release: "Bump the patch version for the next release" named no file; the 1.5B model wrote a
made-up pyproject and placeholder tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from agentrunner.agent.checks import item_problem
from agentrunner.agent.journal import FileChange
from agentrunner.agent.recipes import VersionBump, recipe_for
from agentrunner.agent.versions import release_problem, version_edits
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.support.recipe_context import NoModelContext, item

CONFIG = '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "ws"\n'
PYPROJECT = (
    '[project]\nname = "hits"\nversion = "0.4.2"\nrequires-python = ">=3.11"\n'
    'dependencies = []\n\n[tool.poetry.dependencies]\nrich = {version = "0.4.2"}\n'
)


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    (root / "hits").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    (root / "hits" / "__init__.py").write_text('"""Hits."""\n\n__version__ = "0.4.2"\n', "utf-8")
    (root / "hits" / "cli.py").write_text('PROG = "hits"\nEXAMPLE = "0.4.2"\n', "utf-8")
    (root / "tests" / "test_version.py").write_text('__version__ = "0.4.2"\n', "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


@pytest.mark.parametrize(
    ("title", "kind", "target"),
    [
        ("Bump the patch version for the next release", "patch", None),
        ("Minor version bump in pyproject.toml", "minor", None),
        ("Bump the version to 0.4.0 in `pyproject.toml`", None, "0.4.0"),
        ("major version bump: the CLI changed", "major", None),
        # heldout19 major-version: no verb, an arrow
        ("version → next major. The output format changes, a breaking release. Change it everywhere", "major", None),
        # heldout11 minor-release-bump: the kind not asked for is no second kind
        ("version bump for the next release — a minor bump this time, not a patch", "minor", None),
        # heldout12 minor-version-bump: the changelog it says not to touch is no changelog entry asked
        ("bump gamenight to the next minor version, everywhere (not the changelog, I'll do the notes)", "minor", None),
        # heldout24 release-1-0 (blind): the version it is now named too; the loop ticked a changelog line
        ("we're calling it 1.0.0 — bump the version from 0.9.3 everywhere it's stated", None, "1.0.0"),
        ("Bump the version from v2.3.1 to 3.0.0", None, "3.0.0"),
    ],
)
def test_version_bumps_take_the_recipe(title: str, kind: str | None, target: str | None) -> None:
    found = recipe_for(item(title))
    assert found is not None and found[0].name == "version-bump" and found[1] == {"kind": kind, "target": target}


@pytest.mark.parametrize(
    "title",
    [
        "Bump the version of pydantic to 2.5.0 in pyproject.toml",
        "bump the minimum Python version to 3.12",
        "Bump the minor version and add a CHANGELOG entry",
        "Bump the version",  # which part: the general loop asks the model
        "Bump the version in package.json to 1.2.0",
        "Write release notes for the patch release",
    ],
)
def test_other_version_items_do_not(title: str) -> None:
    found = recipe_for(item(title))
    assert found is None or found[0].name != "version-bump"


def test_the_patch_bump_changes_every_place_that_states_the_version_and_nothing_else(ws: Workspace) -> None:
    title = "Bump the patch version for the next release"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert isinstance(recipe, VersionBump)
    (step,) = recipe.plan(item(title), params)
    result = recipe.act(NoModelContext(ws, title), step)
    assert result.error is None and result.writes == ["pyproject.toml", "hits/__init__.py"]
    assert ws.root.joinpath("pyproject.toml").read_text("utf-8") == PYPROJECT.replace(
        'version = "0.4.2"\nrequires', 'version = "0.4.3"\nrequires'
    )  # the dependency's inline table keeps its version
    assert ws.root.joinpath("hits/__init__.py").read_text("utf-8") == '"""Hits."""\n\n__version__ = "0.4.3"\n'
    assert 'EXAMPLE = "0.4.2"' in ws.root.joinpath("hits/cli.py").read_text("utf-8")
    assert '"0.4.2"' in ws.root.joinpath("tests/test_version.py").read_text("utf-8")
    assert all(check(result, ws.root).ok for check in recipe.validators(step))
    assert version_edits(ws.root, "0.4.2", "0.4.3") == []


def test_a_named_version_is_set_and_the_same_version_is_no_bump(ws: Workspace) -> None:
    recipe = VersionBump()
    title = "Bump the version to 1.0.0"
    (step,) = recipe.plan(item(title), recipe.match(item(title)) or {})
    assert recipe.act(NoModelContext(ws, title), step).error is None
    assert 'version = "1.0.0"' in ws.root.joinpath("pyproject.toml").read_text("utf-8")
    again = recipe.act(NoModelContext(ws, title), step)
    assert again.error == "the version is 1.0.0 already"


def test_a_project_without_a_version_fails_with_the_reason(ws: Workspace) -> None:
    ws.root.joinpath("pyproject.toml").write_text('[project]\nname = "hits"\ndynamic = ["version"]\n', "utf-8")
    recipe = VersionBump()
    title = "Bump the minor version"
    (step,) = recipe.plan(item(title), recipe.match(item(title)) or {})
    result = recipe.act(NoModelContext(ws, title), step)
    assert result.error == "pyproject.toml states no [project] or [tool.poetry] version to bump"


def test_a_bump_asked_and_not_made_is_not_done(tmp_path: Path) -> None:
    """An item that asks for a bump and a changelog entry (the general loop's) was not refused when
    only the entry was written."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    item_text = "Bump the patch version and add a CHANGELOG entry for the 304 fix"
    entry = FileChange("CHANGELOG.md", b"# Changelog\n", b"# Changelog\n\n- 304s counted.\n")
    problem = item_problem([entry], item_text, tmp_path)
    assert problem == (
        "pyproject.toml: the item asks for a patch version bump and project.version is still 0.4.2: make it 0.4.3"
    )
    # "the patch release" without a bump asked: nothing demanded
    assert item_problem([entry], "Add a CHANGELOG entry for the patch release", tmp_path) is None


def test_without_edit_file_the_recipe_writes_the_files(
    isolated_home: Path, write_config: Callable[[str], Path], ws: Workspace
) -> None:
    """A configuration whose agent.tools leave out edit_file (CI at 9ee814e: "tool 'edit_file' is
    not enabled")."""
    limited = Workspace(load_config(write_config(CONFIG + 'tools = ["read_file", "write_file", "list_files"]\n')))
    assert "edit_file" not in limited.enabled
    recipe = VersionBump()
    title = "Minor version bump"
    (step,) = recipe.plan(item(title), recipe.match(item(title)) or {})
    result = recipe.act(NoModelContext(limited, title), step)
    assert result.error is None, result.error
    assert limited.root.joinpath("pyproject.toml").read_text("utf-8").count('version = "0.5.0"') == 1
    assert '__version__ = "0.5.0"' in limited.root.joinpath("hits/__init__.py").read_text("utf-8")


RELEASED = (
    "# Changelog\n\n## [Unreleased]\n\n### Added\n- `letters --scale FILE`.\n\n"
    "## [0.4.2] - 2026-10-30\n\n### Fixed\n- `report` no longer crashes.\n"
)
RELEASE_ITEM = (
    "- [ ] Cut the next minor release\n  Bump the version everywhere it's recorded, and turn what's under "
    "Unreleased in CHANGELOG.md into the new release's section (today's date is fine).\n"
)


def _cut(tmp_path: Path, *, version: str = "0.5.0", init: str = "0.5.0", changelog: str) -> list[FileChange]:
    """A project whose release moved pyproject 0.4.2 → ``version``; its files are the after state."""
    (tmp_path / "hits").mkdir(exist_ok=True)
    before = {"pyproject.toml": PYPROJECT, "hits/__init__.py": '__version__ = "0.4.2"\n', "CHANGELOG.md": RELEASED}
    after = {
        "pyproject.toml": PYPROJECT.replace('version = "0.4.2"\nrequires', f'version = "{version}"\nrequires'),
        "hits/__init__.py": f'__version__ = "{init}"\n',
        "CHANGELOG.md": changelog,
    }
    for path, text in after.items():
        (tmp_path / path).write_text(text, "utf-8")
    return [FileChange(p, before[p].encode(), after[p].encode()) for p in after if after[p] != before[p]]


@pytest.mark.parametrize(
    ("version", "init", "heading", "problem"),
    [
        ("0.5.0", "0.5.0", "## [0.5.0] - 2026-12-02", None),
        ("0.5.0", "0.5.0", "## 0.5.0 (2026-12-01)", None),  # a day either side: time zones
        # held-out 5 minor-release, ticked wrong: all three of these at once
        ("0.5.0", "0.4.2", "## [0.5.0] - 2026-12-02",
         "hits/__init__.py: still version 0.4.2 where pyproject.toml now says 0.5.0 — change it there too"),
        ("0.5.0", "0.5.0", "## [0.4.3] - 2026-12-02",
         "CHANGELOG.md: the new release section is 0.4.3; the project's version is now 0.5.0"),
        ("0.5.0", "0.5.0", "## [0.5.0] - 2026-10-29",
         "CHANGELOG.md: release 0.5.0 is dated 2026-10-29, before the last release (2026-10-30)"),
        ("0.5.0", "0.5.0", "## [0.5.0] - 2026-11-20",
         "CHANGELOG.md: release 0.5.0 is dated 2026-11-20; the item says today (2026-12-02)"),
        ("0.5.0", "0.5.0", "## [0.5.0] - 2026-13-45",
         "CHANGELOG.md: release 0.5.0 is dated 2026-13-45, which is no date"),  # no traceback
    ],
)  # fmt: skip
def test_a_release_agrees_with_itself(
    tmp_path: Path, version: str, init: str, heading: str, problem: str | None
) -> None:
    changelog = RELEASED.replace("## [Unreleased]\n", f"## [Unreleased]\n\n{heading}\n")
    changes = _cut(tmp_path, version=version, init=init, changelog=changelog)
    assert release_problem(changes, RELEASE_ITEM, tmp_path, today=date(2026, 12, 2)) == problem


def test_a_release_section_lists_changes_and_only_a_version_move_is_checked(tmp_path: Path) -> None:
    # heldout5 minor-release's wrong solution: a heading above Unreleased, its entries left behind
    empty = RELEASED.replace("## [Unreleased]\n", "## [0.5.0] - 2026-12-02\n\n## [Unreleased]\n")
    changes = _cut(tmp_path, changelog=empty)
    assert release_problem(changes, RELEASE_ITEM, tmp_path, today=date(2026, 12, 2)) == (
        "CHANGELOG.md: the new release section 0.5.0 lists no changes"
    )
    # the gate says it too, without a date to go by
    assert item_problem(changes, RELEASE_ITEM, tmp_path) == (
        "CHANGELOG.md: the new release section 0.5.0 lists no changes"
    )
    # pyproject changed, not its version (a dependency added): no release to check
    same = [FileChange("pyproject.toml", PYPROJECT.encode(), (PYPROJECT + "\n[tool.ruff]\n").encode())]
    (tmp_path / "hits" / "__init__.py").write_text('__version__ = "0.4.2"\n', "utf-8")
    assert release_problem(same, RELEASE_ITEM, tmp_path) is None


def test_the_readme_line_stating_the_release_follows_and_a_dependency_does_not(ws: Workspace) -> None:
    """heldout12 minor-version-bump: "everywhere the version number is written down" — the README's
    "Current release: 0.4.2." still said the old one."""
    (ws.root / "README.md").write_text("# hits\n\nCurrent release: 0.4.2.\nNeeds rich 0.4.2 or later.\n", "utf-8")
    paths = [edit.path for edit in version_edits(ws.root, "0.4.2", "0.5.0")]
    assert paths == ["pyproject.toml", "hits/__init__.py", "README.md"]
    (readme,) = [edit for edit in version_edits(ws.root, "0.4.2", "0.5.0") if edit.path == "README.md"]
    assert readme.new == "# hits\n\nCurrent release: 0.5.0.\nNeeds rich 0.4.2 or later.\n"


def test_every_readme_line_stating_the_projects_version_after_its_name_follows(ws: Workspace) -> None:
    """heldout13 minor-release (Qwen, d297240, ticked WRONG): "a couple of times in the README — get
    all of them": "hits 0.4.2 — a …" and the `--version` example's "# hits 0.4.2" stayed."""
    readme = "hits 0.4.2 — counts hits.\n\n    python -m hits --version   # hits 0.4.2\n\nNeeds rich 0.4.2.\n"
    (ws.root / "README.md").write_text(readme, "utf-8")
    (edit,) = [edit for edit in version_edits(ws.root, "0.4.2", "0.5.0") if edit.path == "README.md"]
    assert edit.new == "hits 0.5.0 — counts hits.\n\n    python -m hits --version   # hits 0.5.0\n\nNeeds rich 0.4.2.\n"



def test_a_docs_page_stating_the_version_follows_and_its_changelog_does_not(ws: Workspace) -> None:
    """heldout16 minor-version (Qwen, blind, 47bb5bc, ticked WRONG): "It's written in more than one
    place — get them all": the recipe moved pyproject, `__version__` and the README; docs/usage.md's
    `--version` example ("    hits 0.4.2") kept the old number. A changelog under docs/ keeps its own."""
    (ws.root / "docs").mkdir()
    (ws.root / "docs" / "usage.md").write_text("# Usage\n\n    $ hits --version\n    hits 0.4.2\n", "utf-8")
    (ws.root / "docs" / "CHANGELOG.md").write_text("# Changelog\n\n## hits 0.4.2\n\n- First.\n", "utf-8")
    (ws.root / "docs" / "api.md").write_text("Needs rich 0.4.2 or later.\n", "utf-8")
    edits = {edit.path: edit for edit in version_edits(ws.root, "0.4.2", "0.5.0")}
    assert sorted(edits) == ["docs/usage.md", "hits/__init__.py", "pyproject.toml"]
    assert edits["docs/usage.md"].new == "# Usage\n\n    $ hits --version\n    hits 0.5.0\n"
    pyproject = FileChange("pyproject.toml", PYPROJECT.encode(), PYPROJECT.replace('"0.4.2"', '"0.5.0"', 1).encode())
    (ws.root / "pyproject.toml").write_text(PYPROJECT.replace('"0.4.2"', '"0.5.0"', 1), "utf-8")
    (ws.root / "hits" / "__init__.py").write_text('__version__ = "0.5.0"\n', "utf-8")
    problem = release_problem([pyproject], "Bump the version to the next minor. get them all", ws.root)
    assert problem is not None and problem.startswith("docs/usage.md: still version 0.4.2")


def test_a_test_asserting_the_programs_version_follows_and_test_data_does_not(ws: Workspace) -> None:
    """heldout18 minor-version (Qwen, blind, 8fee5b3, ticked WRONG): "Everywhere the current version is
    written down needs to agree afterwards" — tests/test_cli.py's `--version` test still expected
    "tanklog 1.4.2"; it was not among the tests run, and the project's suite failed after the tick.
    A test stating the program's version (after its name, or compared with `__version__`) is a place
    it is written down; a version a test holds as data is not."""
    cli_test = (
        "import hits\n\n\ndef test_version(capsys):\n    assert out() == 'hits 0.4.2'\n"
        '    assert hits.__version__ == "0.4.2"\n    assert parse("0.4.2") == (0, 4, 2)\n'
    )
    (ws.root / "tests" / "test_cli.py").write_text(cli_test, "utf-8")
    edits = {edit.path: edit for edit in version_edits(ws.root, "0.4.2", "0.5.0")}
    assert sorted(edits) == ["hits/__init__.py", "pyproject.toml", "tests/test_cli.py"]
    assert edits["tests/test_cli.py"].new == cli_test.replace("hits 0.4.2", "hits 0.5.0").replace(
        '__version__ == "0.4.2"', '__version__ == "0.5.0"'
    )
    pyproject = FileChange("pyproject.toml", PYPROJECT.encode(), PYPROJECT.replace('"0.4.2"', '"0.5.0"', 1).encode())
    (ws.root / "pyproject.toml").write_text(PYPROJECT.replace('"0.4.2"', '"0.5.0"', 1), "utf-8")
    (ws.root / "hits" / "__init__.py").write_text('__version__ = "0.5.0"\n', "utf-8")
    problem = release_problem([pyproject], "Version bump: next minor release", ws.root)
    assert problem is not None and problem.startswith("tests/test_cli.py: still version 0.4.2")


def test_a_released_changelog_section_renamed_to_the_new_version_is_refused(tmp_path: Path) -> None:
    """heldout16 minor-version's wrong patch: every place moved to 0.5.0, and the changelog's
    "## [0.4.2] - 2026-04-18" renamed "## [0.5.0] - 2026-04-18" — the release that is out rewritten."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace('"0.4.2"', '"0.5.0"', 1), "utf-8")
    pyproject = FileChange("pyproject.toml", PYPROJECT.encode(), PYPROJECT.replace('"0.4.2"', '"0.5.0"', 1).encode())
    log = "# Changelog\n\n## [Unreleased]\n\n- Bands.\n\n## [0.4.2] - 2026-04-18\n\n- First.\n"
    renamed = FileChange("CHANGELOG.md", log.encode(), log.replace("[0.4.2]", "[0.5.0]").encode())
    problem = release_problem([pyproject, renamed], "Bump the version to the next minor", tmp_path)
    assert problem == (
        "CHANGELOG.md: the released section 0.4.2 (2026-04-18) is gone or renamed; leave released sections as "
        "they are (add a section for 0.5.0 above them if one is asked)"
    )
    cut = log.replace("## [Unreleased]", "## [0.5.0] - 2026-12-02")
    added = FileChange("CHANGELOG.md", log.encode(), cut.encode())
    assert release_problem([pyproject, added], "Bump the version to the next minor", tmp_path) is None
