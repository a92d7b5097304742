"""The release recipe (agent/recipes.py ``Release``, agent/changelog.py ``released``): "cut the next
minor release" moves the version everywhere and makes the changelog's Unreleased notes the new
version's dated section, with no model call (issue 12: heldout25 minor-release, blind, ticked WRONG —
Qwen2.5-Coder-1.5B moved a compare link and left the version at 1.3.2; heldout5, 6 and 7's releases
went to the general loop too)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from agentrunner.agent.changelog import released
from agentrunner.agent.journal import FileChange
from agentrunner.agent.recipes import Release, recipe_for, release_day
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.support.recipe_context import NoModelContext, item

CONFIG = '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "ws"\n'
CHANGELOG = """# Changelog

## [Unreleased]

### Fixed

- A reading typed as `133 over 86` is read like `133/86`.

## [1.3.2] - 2026-01-28

### Fixed

- `week` put a Sunday reading into the following week.

[Unreleased]: https://example.org/bplog/compare/v1.3.2...HEAD
[1.3.2]: https://example.org/bplog/compare/v1.3.1...v1.3.2
"""
RELEASED = """# Changelog

## [Unreleased]

## [1.4.0] - 2026-02-21

### Fixed

- A reading typed as `133 over 86` is read like `133/86`.

## [1.3.2] - 2026-01-28

### Fixed

- `week` put a Sunday reading into the following week.

[Unreleased]: https://example.org/bplog/compare/v1.4.0...HEAD
[1.4.0]: https://example.org/bplog/compare/v1.3.2...v1.4.0
[1.3.2]: https://example.org/bplog/compare/v1.3.1...v1.3.2
"""


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    root = isolated_home / "ws"
    (root / "bplog").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "bplog"\nversion = "1.3.2"\n', "utf-8")
    (root / "bplog" / "__init__.py").write_text('"""Bp."""\n\n__version__ = "1.3.2"\n', "utf-8")
    (root / "README.md").write_text("# bplog\n\n    $ python -m bplog --version\n    bplog 1.3.2\n", "utf-8")
    (root / "CHANGELOG.md").write_text(CHANGELOG, "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


def test_the_unreleased_notes_become_the_new_versions_section_with_its_compare_link() -> None:
    assert released(CHANGELOG, "1.4.0", "2026-02-21") == RELEASED


def test_a_plain_heading_changelog_gets_a_plain_heading_and_crlf_stays() -> None:
    text = (
        "# Changes\r\n\r\n## Unreleased\r\n\r\n- `summary --vehicle`.\r\n\r\n## 1.3.0 - 2025-09-14\r\n\r\n"
        "- Cost.\r\n"
    )
    assert released(text, "1.4.0", "2026-02-21") == (
        "# Changes\r\n\r\n## Unreleased\r\n\r\n## 1.4.0 - 2026-02-21\r\n\r\n- `summary --vehicle`.\r\n\r\n"
        "## 1.3.0 - 2025-09-14\r\n\r\n- Cost.\r\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "# Changelog\n\n## [1.3.2] - 2026-01-28\n\n- Fix.\n",  # no Unreleased section
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n## [1.3.2] - 2026-01-28\n\n- Fix.\n",  # nothing in it
    ],
)
def test_nothing_to_release_is_none(text: str) -> None:
    assert released(text, "1.4.0", "2026-02-21") is None


def test_a_compare_link_it_cannot_read_stays_as_it_was() -> None:
    text = CHANGELOG.replace("compare/v1.3.2...HEAD", "commits/main")
    out = released(text, "1.4.0", "2026-02-21")
    assert out is not None and "[Unreleased]: https://example.org/bplog/commits/main\n[1.3.2]" in out


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("the Unreleased notes become that version's section (date: 2026-02-21)", "2026-02-21"),
        ("dated 21 February 2026", "2026-02-21"),
        ("dated Feb 21, 2026", "2026-02-21"),
        ("today's date is fine", "2026-12-04"),
        ("Cut a patch release", "2026-12-04"),
        ("release it next Friday", None),  # a day this cannot read: no recipe, not a wrong date
        ("2026-02-21 or 2026-02-22", None),
    ],
)
def test_the_release_day_is_the_one_written_else_today(text: str, day: str | None) -> None:
    assert release_day(text, today=date(2026, 12, 4)) == day


@pytest.mark.parametrize(
    ("title", "context", "kind"),
    [
        # heldout25 minor-release (blind: ticked WRONG through the general loop)
        (
            "cut the next minor release of bplog",
            "version is written in a few places, get all of them; the Unreleased notes become that version's "
            "section in CHANGELOG.md (date: 2026-02-21)",
            "minor",
        ),
        # heldout5, heldout6 and heldout7
        (
            "Cut the next minor release",
            "Bump the version everywhere it's recorded, and turn what's under Unreleased in CHANGELOG.md into the "
            "new release's section (today's date is fine).",
            "minor",
        ),
        ("Minor release: bump the version, and the Unreleased notes in the changelog become that release's section",
         "", "minor"),
        ("Cut a patch release: bump the version, and turn the Unreleased notes in CHANGELOG.md into that version's "
         "section", "", "patch"),
        # heldout28 minor-release (blind, ea80789: "release" as the verb, and the file name's dot read as a
        # sentence's end — the general loop, not finished in six turns)
        ("Release the next minor version, dated 2026-04-18",
         "bump the version everywhere it's written down, and the Unreleased notes in CHANGELOG.md become that "
         "version's section", "minor"),
        # heldout30 minor-release (blind, 36db42d: "version of henhouse" read as another project's, the loop)
        ("Release the next minor version of bplog, dated 2026-03-21",
         "bump the version everywhere it's written down, and make the Unreleased notes in CHANGELOG.md that "
         "release's section", "minor"),
        # heldout41 patch-release (blind, e98cc2c: "Release what's in Unreleased", the loop, six turns)
        ("Release what's in Unreleased as a patch release today (2026-04-18): version bump wherever the version "
         "is written, and the changelog section for it", "", "patch"),
        ("Ship it as a minor release: the version bumped everywhere, the changelog too", "", "minor"),
        # heldout46 patch-release (blind, c94b786: "Patch release for Saturday …" read as no release, the loop)
        ("Patch release for Saturday (2 May 2026) with the two fixes sitting in Unreleased: next patch version "
         "everywhere the version appears, and its dated section in CHANGELOG.md", "", "patch"),
    ],
)  # fmt: skip
def test_releases_take_the_recipe(ws: Workspace, title: str, context: str, kind: str) -> None:
    found = recipe_for(item(title, context), ws.root)
    assert found is not None and found[0].name == "release"
    assert found[1]["kind"] == kind and found[1]["changelog"] == "CHANGELOG.md"


@pytest.mark.parametrize(
    "title",
    [
        # heldout3 patch-release: a new entry to write as well — the general loop's
        "Cut a patch release: bump the version and add the CHANGELOG entry. What changed: CRLF exports",
        "bump gamenight to the next minor version, everywhere (not the changelog, I'll do the notes)",
        "Bump the minor version",
        "Write release notes for the patch release",
        "Release notes for the minor version: a summary in docs/",
        # the version of another project is no release of this one
        "Release the next minor version of requests in our pins, dated 2026-03-21",
    ],
)
def test_other_items_are_no_release(ws: Workspace, title: str) -> None:
    found = recipe_for(item(title), ws.root)
    assert found is None or found[0].name != "release"


def test_a_release_by_semver_is_the_kind_its_notes_call_for(ws: Workspace) -> None:
    """heldout39 next-release (Qwen, blind, 0d211fa): "Cut the next release out of what's under
    Unreleased — we go by semver, see the top of CHANGELOG.md. Date it 2026-05-09." named no kind,
    so the general loop got it and changed nothing."""
    title = "Cut the next release out of what's under Unreleased — we go by semver. Date it 2026-05-09."
    found = recipe_for(item(title), ws.root)  # only fixes under Unreleased: a patch
    assert found is not None and found[0].name == "release" and found[1]["kind"] == "patch"
    fixed = "### Fixed\n\n- A reading"
    added = CHANGELOG.replace(fixed, "### Added\n\n- `week --json`.\n\n" + fixed, 1)
    ws.root.joinpath("CHANGELOG.md").write_text(added, "utf-8")
    found = recipe_for(item(title), ws.root)
    assert found is not None and found[1]["kind"] == "minor"
    ws.root.joinpath("CHANGELOG.md").write_text(added.replace("### Added", "### Removed", 1), "utf-8")
    found = recipe_for(item(title), ws.root)
    assert found is not None and found[1]["kind"] == "major"
    # "Changed" may or may not break: the kind is not the notes' to say
    ws.root.joinpath("CHANGELOG.md").write_text(added.replace("### Added", "### Changed", 1), "utf-8")
    found = recipe_for(item(title), ws.root)
    assert found is None or found[0].name != "release"


def test_a_release_without_unreleased_notes_is_no_release(ws: Workspace) -> None:
    ws.root.joinpath("CHANGELOG.md").write_text(CHANGELOG.replace("- A reading typed", "A reading typed"), "utf-8")
    found = recipe_for(item("cut the next minor release of bplog"), ws.root)
    assert found is None or found[0].name != "release"


def test_the_release_moves_the_version_everywhere_and_the_notes(ws: Workspace) -> None:
    title, context = "cut the next minor release of bplog", "the Unreleased notes become its section (date: 2026-02-21)"
    recipe, params = recipe_for(item(title, context), ws.root) or (None, {})
    assert isinstance(recipe, Release)
    (step,) = recipe.plan(item(title, context), params)
    result = recipe.act(NoModelContext(ws, title, context), step)
    assert result.error is None
    assert result.writes == ["pyproject.toml", "bplog/__init__.py", "README.md", "CHANGELOG.md"]
    assert ws.root.joinpath("CHANGELOG.md").read_text("utf-8") == RELEASED
    assert '__version__ = "1.4.0"' in ws.root.joinpath("bplog/__init__.py").read_text("utf-8")
    assert "bplog 1.4.0" in ws.root.joinpath("README.md").read_text("utf-8")
    checks = [check(result, ws.root) for check in recipe.validators(step)]
    assert all(check.ok for check in checks), checks


def test_its_check_refuses_notes_left_under_unreleased(ws: Workspace) -> None:
    title, context = "cut the next minor release of bplog", "the Unreleased notes become its section (date: 2026-02-21)"
    recipe, params = recipe_for(item(title, context), ws.root) or (None, {})
    assert isinstance(recipe, Release)
    (step,) = recipe.plan(item(title, context), params)
    result = recipe.act(NoModelContext(ws, title, context), step)
    ws.root.joinpath("CHANGELOG.md").write_text(RELEASED.replace("## [Unreleased]\n", "## [Unreleased]\n\n- Stray.\n"))
    release_check = recipe.validators(step)[-1](result, ws.root)
    assert not release_check.ok and "still lists entries" in release_check.detail


def test_a_release_dated_as_the_item_writes_today_passes_the_gate(ws: Workspace) -> None:
    """heldout27 release-1-7 (blind): "We're releasing 1.7.0 today (2026-05-09). Put the new number
    everywhere …" — the recipe's right work was refused twice: "releasing" was no version word to
    the relevance check, and the gate read "today" as the run's day, not the one written."""
    from agentrunner.agent.verification import asked_problem
    from agentrunner.agent.versions import release_problem

    title = (
        "We're releasing 1.7.0 today (2026-05-09). Put the new number everywhere the old one is written, and turn "
        "what's under Unreleased in the changelog into the 1.7.0 section"
    )
    paths = ("pyproject.toml", "bplog/__init__.py", "README.md", "CHANGELOG.md")
    before = {p: (ws.root / p).read_bytes() for p in paths}
    recipe, params = recipe_for(item(title), ws.root) or (None, {})
    assert isinstance(recipe, Release) and params["day"] == "2026-05-09" and params["target"] == "1.7.0"
    (step,) = recipe.plan(item(title), params)
    assert recipe.act(NoModelContext(ws, title), step).error is None
    changes = [FileChange(p, data, (ws.root / p).read_bytes()) for p, data in before.items()]
    assert release_problem(changes, title, ws.root, today=date(2026, 12, 4)) is None
    assert asked_problem(changes, title, ws.root) is None
    other_day = title.replace("2026-05-09", "2026-05-10")
    assert "the item says 2026-05-10" in (release_problem(changes, other_day, ws.root, today=date(2026, 12, 4)) or "")
