"""The changelog-entry recipe: the model writes one line, code puts it under Unreleased → category."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.changelog import (
    category_named,
    entry_given,
    repeated_entry_problem,
    unreleased_section,
    with_entry,
)
from agentrunner.agent.journal import FileChange
from agentrunner.agent.recipes import ChangelogEntry, ItemInfo, _subject_words, recipe_for
from agentrunner.config import load_config
from agentrunner.tools import Workspace
from tests.support.recipe_context import AnswersContext

CONFIG = '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "ws"\n'
CHANGELOG = """# Changelog

All notable changes to this project are documented in this file.

## [Unreleased]

### Fixed
- `summary --by week` puts the last days of December in week 1 of the next year.

## [0.6.2] - 2026-10-27

### Fixed
- A rates file with a byte-order mark is read correctly.
"""


def item(title: str, context: str = "") -> ItemInfo:
    return ItemInfo(id="i1", title=title, context=context, tags=[], file="tasks/t.md")


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    (isolated_home / "ws").mkdir()
    (isolated_home / "ws" / "CHANGELOG.md").write_text(CHANGELOG, "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


def test_an_entry_goes_under_unreleased_in_its_category_and_nothing_else_changes() -> None:
    fixed = with_entry(CHANGELOG, "Fixed", "`load_rates` reads  semicolons.")
    assert fixed == CHANGELOG.replace(
        "next year.\n", "next year.\n- `load_rates` reads semicolons.\n"
    )  # the end of Unreleased → Fixed, not the release's Fixed below it
    added = with_entry(CHANGELOG, "Added", "`summary --by task`.")
    assert added == CHANGELOG.replace("## [Unreleased]\n\n", "## [Unreleased]\n\n### Added\n- `summary --by task`.\n\n")
    security = with_entry(CHANGELOG, "Security", "x y z")
    assert security == CHANGELOG.replace("next year.\n", "next year.\n\n### Security\n- x y z\n")
    starred = "# C\n\n## 1.0.0 - 2020-01-01\n* first\n"
    assert with_entry(starred, "Removed", "gone") == (
        "# C\n\n## [Unreleased]\n\n### Removed\n* gone\n\n## 1.0.0 - 2020-01-01\n* first\n"
    )  # an Unreleased section above the first release, in the file's bullet style
    assert with_entry("", "Added", "new").endswith("## [Unreleased]\n\n### Added\n- new\n")
    crlf = CHANGELOG.replace("\n", "\r\n")
    assert with_entry(crlf, "Fixed", "q r s") == with_entry(CHANGELOG, "Fixed", "q r s").replace("\n", "\r\n")
    with pytest.raises(ValueError, match="not a Keep a Changelog category"):
        with_entry(CHANGELOG, "Improved", "x")
    assert unreleased_section(CHANGELOG) == (
        "## [Unreleased]\n\n### Fixed\n"
        "- `summary --by week` puts the last days of December in week 1 of the next year.\n"
    )
    assert unreleased_section("# C\n\n## 1.0\n- a\n") is None


def test_the_item_names_the_category_and_may_spell_the_entry_out() -> None:
    title = "Add a CHANGELOG entry under Unreleased → Fixed: `load_items` now reads Excel exports (a BOM)"
    assert category_named(title) == "Fixed"
    assert entry_given(title) == "`load_items` now reads Excel exports (a BOM)."
    assert category_named("CHANGELOG is missing the new `summary --by task` grouping — add it") is None
    assert category_named("Fixed or Added, whichever fits") is None
    assert entry_given("Add a changelog entry for the fix") is None


@pytest.mark.parametrize(
    ("title", "path"),
    [
        ("CHANGELOG is missing the new `summary --by task` grouping (merged last week) — add it", "CHANGELOG.md"),
        ("Add a CHANGELOG entry under Unreleased → Fixed: `load_items` reads BOMs", "CHANGELOG.md"),
        ("note the `--limit` option in docs/CHANGES.md", "docs/CHANGES.md"),
        ("changelog: mention the faster loader", "CHANGELOG.md"),
        # heldout18 changelog-overdue-days: asked by its heading, no verb (the general loop edited the code)
        ("changelog: the overdue threshold went from 10 days to 7 (ships with the next release)", "CHANGELOG.md"),
        ("CHANGELOG: note under Unreleased that the malformed-line count now goes to stderr", "CHANGELOG.md"),
        # heldout9 changelog-unknown-plant: "the next release" is no request for release notes
        (
            "CHANGELOG: add a Fixed entry for the next release: `plantcare water` with a name that isn't in "
            "plants.csv used to log the watering anyway, now it stops with an error",
            "CHANGELOG.md",
        ),
        # heldout11 changelog-night-fix: "they count as night now" is the change, not a request to count
        ("Changelog line for the night fix: owls at 00:20 counted as day, they count as night now", "CHANGELOG.md"),
        # heldout12 changelog-streak-fix: what follows the dash is the change ("used to count as two")
        ("changelog: note the streaks fix — a pub night used to count as two weeks, now it's one", "CHANGELOG.md"),
        # heldout6 changelog-calendar-months: a "line" is an entry
        ("Changelog line for the fix that just went in: `due` counts calendar months now", "CHANGELOG.md"),
    ],
)
def test_changelog_items_take_the_recipe(title: str, path: str) -> None:
    found = recipe_for(item(title))
    assert found is not None and found[0].name == "changelog-entry" and found[1]["path"] == path


@pytest.mark.parametrize(
    "title",
    [
        "Summarise CHANGELOG.md",
        "Fill the release notes template `t.md` from `CHANGELOG.md` into `notes.md`",
        "CHANGELOG: prepare the release of 2.0",
        "Convert the changelog to Keep a Changelog format",
        "list the changelog entries of 2025 in docs/2025.md",
        "Add a `--json` flag to `stats`",
    ],
)
def test_other_items_about_a_changelog_do_not(title: str) -> None:
    found = recipe_for(item(title))
    assert found is None or found[0].name != "changelog-entry"


def test_the_model_writes_the_line_and_the_recipe_places_it(ws: Workspace) -> None:
    """Held-out changelog-by-task: Qwen2.5-Coder-1.5B, asked to edit the changelog, wrote a no-op
    edit block 20 times, then rewrote the file dropping lines; asked for the entry only, it has
    one line to get right."""
    title = "CHANGELOG is missing the new `summary --by task` grouping (merged last week) — add it"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert isinstance(recipe, ChangelogEntry)
    (step,) = recipe.plan(item(title), params)
    answer = '{"category": "Added", "entry": "`summary --by task` groups the hours by task."}'
    ctx = AnswersContext(ws, [answer], title)
    result = recipe.act(ctx, step)
    assert result.error is None and result.writes == ["CHANGELOG.md"]
    assert (ws.root / "CHANGELOG.md").read_text("utf-8") == CHANGELOG.replace(
        "## [Unreleased]\n\n", "## [Unreleased]\n\n### Added\n- `summary --by task` groups the hours by task.\n\n"
    )
    prompt = ctx.requests[0].messages[0].content
    assert "### Fixed\n- `summary --by week`" in prompt and prompt.rstrip().endswith(title)  # shown Unreleased
    assert ctx.requests[0].json_schema == recipe.schema(step)
    assert all(check(result, ws.root).ok for check in recipe.validators(step))
    # an entry that does not say what the item quotes is refused (the next attempt asks again)
    vague = AnswersContext(ws, ['{"category": "Added", "entry": "A new grouping for summaries."}'], title)
    answered = recipe.act(vague, step)
    checks = [check(answered, ws.root) for check in recipe.validators(step)]
    assert [c.detail for c in checks if not c.ok] == ["the entry does not name `summary --by task`"]


def test_an_item_that_spells_the_entry_out_needs_no_model(ws: Workspace) -> None:
    title = "Add a CHANGELOG entry under Unreleased → Fixed: `load_rates` reads semicolon-separated files"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert recipe is not None
    (step,) = recipe.plan(item(title), params)
    assert recipe.schema(step)["properties"]["category"] == {"enum": ["Fixed"]}
    ctx = AnswersContext(ws, [], title)
    result = recipe.act(ctx, step)
    assert result.error is None and ctx.requests == []
    text = (ws.root / "CHANGELOG.md").read_text("utf-8")
    assert "next year.\n- `load_rates` reads semicolon-separated files.\n\n## [0.6.2]" in text
    assert all(check(result, ws.root).ok for check in recipe.validators(step))


def test_a_project_without_a_changelog_gets_one_and_another_name_is_found(ws: Workspace) -> None:
    title = "changelog: mention the faster loader"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert recipe is not None
    (step,) = recipe.plan(item(title), params)
    (ws.root / "CHANGELOG.md").rename(ws.root / "CHANGES.md")
    answer = '{"category": "Changed", "entry": "The loader reads files twice as fast."}'
    result = recipe.act(AnswersContext(ws, [answer], title), step)
    assert result.error is None and result.writes == ["CHANGES.md"] and not (ws.root / "CHANGELOG.md").exists()
    assert "## [Unreleased]\n\n### Changed\n- The loader reads files twice as fast.\n\n### Fixed" in (
        ws.root / "CHANGES.md"
    ).read_text("utf-8")
    (ws.root / "CHANGES.md").unlink()
    result = recipe.act(AnswersContext(ws, [answer], title), step)
    assert result.error is None and (ws.root / "CHANGELOG.md").read_text("utf-8").startswith("# Changelog\n")


def test_an_entry_about_nothing_the_item_says_is_refused(ws: Workspace) -> None:
    """Hostile pass: "Add a CHANGELOG entry" and nothing more leaves the model to make one up (it
    would be ticked); an entry about something else than the item names is refused too."""
    bare = "Add a CHANGELOG entry"
    recipe, params = recipe_for(item(bare)) or (None, {})
    assert recipe is not None
    (step,) = recipe.plan(item(bare), params)
    ctx = AnswersContext(ws, [], bare)
    result = recipe.act(ctx, step)
    assert result.error and "does not say what changed" in result.error and ctx.requests == []
    assert (ws.root / "CHANGELOG.md").read_text("utf-8") == CHANGELOG
    title = "changelog: mention the faster loader"
    recipe, params = recipe_for(item(title)) or (None, {})
    assert recipe is not None
    (step,) = recipe.plan(item(title), params)
    fixed = '{"category": "Fixed", "entry": "Reports print the totals again."}'
    other = recipe.act(AnswersContext(ws, [fixed], title), step)
    checks = [check(other, ws.root) for check in recipe.validators(step)]
    assert [c.detail for c in checks if not c.ok] == [
        "the entry is not about what the item says changed: 'Reports print the totals again.'"
    ]


def entry_refusals(ws: Workspace, title: str, context: str = "") -> Callable[[str], list[str]]:
    """The recipe's refusals of an entry the model writes for the item (the changelog put back after)."""
    recipe, params = recipe_for(item(title, context)) or (None, {})
    assert isinstance(recipe, ChangelogEntry)
    (step,) = recipe.plan(item(title, context), params)

    def refusals(entry: str) -> list[str]:
        answer = json.dumps({"category": params.get("category") or "Fixed", "entry": entry})
        result = recipe.act(AnswersContext(ws, [answer], title), step)
        (ws.root / "CHANGELOG.md").write_text(CHANGELOG, "utf-8")
        return [c.detail for c in (check(result, ws.root) for check in recipe.validators(step)) if not c.ok]

    return refusals


def test_an_entry_that_leaves_out_what_changed_is_refused(ws: Workspace) -> None:
    """Held-out 5 changelog-excused-fix (ticked, wrong): for a fix to categories whose every item is
    excused, Qwen2.5-Coder-1.5B wrote "`EX` no longer counts as 0% and drag the final grade down" —
    the description's own words with its subject left out, and a claim about every `EX`."""
    title = "CHANGELOG entry for Tuesday's fix (not released yet)"
    context = (
        "A category where every item is excused (`EX`) used to count as 0% and drag the final grade down; "
        "now it's left out and its weight is shared among the other categories."
    )
    refusals = entry_refusals(ws, title, context)

    assert refusals("`EX` no longer counts as 0% and drag the final grade down.") == [
        "the entry leaves out what changed — the item's change is about category and item: "
        "'`EX` no longer counts as 0% and drag the final grade down.'"
    ]
    assert refusals(
        "A category whose items are all excused (`EX`) no longer counts as 0%: its weight is shared among the others."
    ) == []
    assert refusals("Categories of only excused (`EX`) work are left out of the final grade.") == []


def test_an_entry_naming_every_backticked_name_of_the_item_is_about_it(ws: Workspace) -> None:
    """heldout22 changelog-csv-deprecated (Qwen, blind, c532e8c): "`--csv` now warns that it's deprecated
    (use `--file`, it goes away in 3.0)" got "`--csv` is deprecated. Use `--file` instead, it will be
    removed in 3.0." — refused twice as about something else: its only shared word, "deprecated", is a
    category's, and `--csv` is too short a word to count. Naming every backticked name is about it."""
    title = "changelog: `--csv` now warns that it's deprecated (use `--file`, it goes away in 3.0), add it"
    refusals = entry_refusals(ws, title)
    assert refusals("`--csv` is deprecated. Use `--file` instead, it will be removed in 3.0.") == []
    assert refusals("`--csv` is deprecated, it will be removed in 3.0.")  # `--file` unnamed: not this rule's
    assert refusals("Reports print the totals again.")[0].startswith("the entry is not about what the item says")


def test_an_entry_says_the_thing_the_item_says_it_is_for(ws: Workspace) -> None:
    """heldout20 changelog-working-grade (Qwen, session 23 re-run, ticked WRONG): "changelog line for
    the working grade that `pyramid` now prints under the bars (unreleased)" got "`pyramid` now
    prints under the bars." — the words it shares with the item passed, the working grade unsaid."""
    title = "changelog line for the working grade that `pyramid` now prints under the bars (unreleased)"
    refusals = entry_refusals(ws, title)
    assert refusals("`pyramid` now prints under the bars.") == [
        "the entry does not say working grade, which the item says it is for: '`pyramid` now prints under the bars.'"
    ]
    assert refusals("`pyramid` prints the working grade under the bars.") == []
    # a fix said as one names no thing the entry must repeat
    assert entry_refusals(ws, "changelog line for the fix that `pyramid` needed: it crashed on VB")(
        "`pyramid` no longer crashes on VB."
    ) == []


def test_an_entry_names_the_command_the_item_calls_its_fix_by(ws: Workspace) -> None:
    """heldout14 changelog-compare-fix (Qwen, 1610ab6, ticked WRONG): "changelog line for yesterday's
    compare fix: comparing from a month with no solar export crashed …" got "Comparing from a month
    …" — the `compare` command unnamed. A word the project has as a command or function, named as
    the fix, is in the entry."""
    (ws.root / "pkg").mkdir()
    (ws.root / "pkg" / "cli.py").write_text('commands.add_parser("compare")\n', "utf-8")
    title = "changelog line for yesterday's compare fix: comparing two months crashed, now it says n/a"
    refusals = entry_refusals(ws, title)
    recipe, params = recipe_for(item(title)) or (None, {})
    assert isinstance(recipe, ChangelogEntry)
    (step,) = recipe.plan(item(title), params)

    assert refusals("Comparing two months no longer crashes: it says n/a.") == [
        "the entry does not name `compare`, the fix the item is about"
    ]
    assert refusals("`compare` of two months no longer crashes: it says n/a.") == []
    # refused before the write, the model is told why and answers once more
    left_out = json.dumps({"category": "Fixed", "entry": "Comparing two months no longer crashes: it says n/a."})
    named = json.dumps({"category": "Fixed", "entry": "`compare` of two months no longer crashes: it says n/a."})
    ctx = AnswersContext(ws, [left_out, named], title)
    result = recipe.act(ctx, step)
    assert "does not name `compare`" in ctx.requests[1].messages[-1].content
    assert all(check(result, ws.root).ok for check in recipe.validators(step))
    assert "`compare` of two months" in (ws.root / "CHANGELOG.md").read_text("utf-8")


@pytest.mark.parametrize(
    ("title", "context", "subject"),
    [
        ("CHANGELOG: note that the malformed-line count now goes to stderr", "", ["malformed-line", "count"]),
        ("changelog: mention the faster loader", "", ["faster", "loader"]),
        ("CHANGELOG is missing the `summary --by task` grouping (merged last week) — add it", "", ["summary", "task"]),
        ("Changelog entry for yesterday's fix", "When a file is empty, `load` now returns []", ["empty", "load"]),
        # heldout46 changelog-labour-cap (Qwen, blind, c94b786): when it went in is no subject
        (
            "changelog line for the labour cap going up from £20 to £24 a job — it went in after 0.4.2, so it's not "
            "released yet", "", ["labour", "going"],
        ),
    ],
)
def test_the_subject_of_a_change_is_what_follows_the_request(title: str, context: str, subject: list[str]) -> None:
    assert _subject_words(title, context) == subject


def test_an_entry_copied_from_an_older_release_is_refused() -> None:
    """heldout9 changelog-unknown-plant: asked for a Fixed entry about unknown plant names, Qwen put
    an older release's fix under Unreleased word for word, and it was ticked."""
    before = "# Changelog\n\n## [Unreleased]\n\n## [0.3.2]\n\n### Fixed\n\n- `due` no longer counts a later watering.\n"
    unreleased = "## [Unreleased]\n"
    copied = before.replace(unreleased, f"{unreleased}\n### Fixed\n- `due` no longer counts a later watering\n")
    problem = repeated_entry_problem([FileChange("CHANGELOG.md", before.encode(), copied.encode())])
    assert problem is not None and "repeats" in problem
    new = before.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- `water` stops on an unknown plant.\n")
    assert repeated_entry_problem([FileChange("CHANGELOG.md", before.encode(), new.encode())]) is None
    assert repeated_entry_problem([FileChange("notes.md", before.encode(), copied.encode())]) is None  # no changelog


def test_a_name_in_an_aside_is_no_part_of_the_change(ws: Workspace) -> None:
    """heldout25 changelog-export-removed (Qwen, blind, cde4bad): "changelog: I took the `export` command
    out (nobody used it, the GP just reads `bplog category` off my phone) — needs a line under
    Unreleased" — "`export` command removed." was refused twice for not naming `bplog category`."""
    title = (
        "changelog: I took the `export` command out (nobody used it, the GP just reads `bplog category` off my "
        "phone) — needs a line under Unreleased"
    )
    refusals = entry_refusals(ws, title)
    assert refusals("Removed the `export` command, which nobody used.") == []
    assert refusals("Reports print the totals again.")


@pytest.mark.parametrize(
    ("text", "implied"),
    [
        # heldout27 changelog-km-deprecated (Qwen, blind, d18d089): the model answered "Removed", ticked WRONG
        ("Changelog: `season --km` is on its way out — it still works for now, but it goes in 2.0", "Deprecated"),
        ("CHANGELOG.md: note that `check --fahrenheit` is deprecated in favour of `--units f`", "Deprecated"),
        ("changelog: `--csv` will be removed in 3.0, use `--file`", "Deprecated"),
        ("changelog: I took the `export` command out (nobody used it)", None),  # gone now: Removed
        ("changelog: `export` is removed (deprecated since 1.2)", None),
        ("CHANGELOG: under Changed — `--csv` is deprecated", None),  # a category named: that one
        ("changelog line for the streaks fix", None),
        # heldout31 changelog-near-specimen (Qwen, blind, 490695b): the model answered "Fixed", ticked WRONG
        ("changelog: near-specimens now start at 85% of the specimen weight instead of 80% — that change isn't "
         "released yet, add the line", "Changed"),
        ("changelog: `week` now starts on Monday rather than Sunday", "Changed"),
        ("changelog line: the streak now counts Sundays instead of skipping them, which was a bug", None),  # a fix
        # heldout33 changelog-yellow-tees (Qwen, blind, a81fa85): the model answered "Fixed", ticked WRONG
        ("Changelog entry: `strokes` now goes off the yellow tees when you don't give --tees (it used to be the "
         "whites)", "Changed"),
        ("changelog: the report used to open in the browser; it now prints to the terminal", "Changed"),
        ("changelog: totals now come out right (they used to be off by a penny)", None),  # a fix
        # heldout46 changelog-labour-cap (Qwen, seen after its fix, 7a897d3): the model answered "Added", ticked WRONG
        ("changelog line for the labour cap going up from £20 to £24 a job — it went in after 0.4.2", "Changed"),
        ("changelog: the overdue threshold went from 10 days to 7", "Changed"),
        ("changelog: the fee went up from £4 to £5 because of a bug in the rounding", None),  # a fix
    ],
)  # fmt: skip
def test_a_feature_that_still_works_and_goes_later_is_deprecated(text: str, implied: str | None) -> None:
    from agentrunner.agent.changelog import category_implied

    assert category_implied(text) == implied


def test_an_entry_for_a_deprecation_is_under_deprecated_and_the_recipe_asks_for_it() -> None:
    from agentrunner.agent.changelog import implied_category_problem

    title = "Changelog: `season --km` is on its way out — it still works for now, but it goes in 2.0"
    found = recipe_for(item(title))
    assert found is not None and found[0].name == "changelog-entry" and found[1]["category"] == "Deprecated"
    removed = with_entry(CHANGELOG, "Removed", "`season --km` goes in 2.0.")
    problem = implied_category_problem([FileChange("CHANGELOG.md", CHANGELOG.encode(), removed.encode())], title)
    assert problem and "under 'Removed'" in problem and "Deprecated" in problem
    deprecated = with_entry(CHANGELOG, "Deprecated", "`season --km`; it goes in 2.0.")
    kept = FileChange("CHANGELOG.md", CHANGELOG.encode(), deprecated.encode())
    assert implied_category_problem([kept], title) is None


def test_an_entry_for_a_changed_behaviour_is_under_changed() -> None:
    from agentrunner.agent.changelog import implied_category_problem

    title = "changelog: near-specimens now start at 85% of the specimen weight instead of 80% — add the line"
    found = recipe_for(item(title))
    assert found is not None and found[0].name == "changelog-entry" and found[1]["category"] == "Changed"
    fixed = with_entry(CHANGELOG, "Fixed", "Near-specimens start at 85% of the specimen weight, not 80%.")
    problem = implied_category_problem([FileChange("CHANGELOG.md", CHANGELOG.encode(), fixed.encode())], title)
    assert problem and "under 'Fixed'" in problem and "### Changed" in problem, problem
    changed = with_entry(CHANGELOG, "Changed", "Near-specimens start at 85% of the specimen weight, not 80%.")
    assert implied_category_problem([FileChange("CHANGELOG.md", CHANGELOG.encode(), changed.encode())], title) is None


def test_an_entry_names_what_the_item_names_with_a_capital_and_its_subject_is_past_nothing_mentions(
    ws: Workspace,
) -> None:
    """heldout45 changelog-barlow (Qwen, blind, e64ad7b): "CHANGELOG: nothing mentions that the eyepiece
    column takes a Barlow now (`10mm + 2x barlow`, `10mm x2`) and that `log` multiplies it into the
    magnification. Not released yet." — the subject was read as "nothing" and "mentions", and the entry
    "`log` now multiplies the eyepiece column by the magnification." leaves the Barlow out."""
    title = (
        "CHANGELOG: nothing mentions that the eyepiece column takes a Barlow now (`10mm + 2x barlow`, `10mm x2`) "
        "and that `log` multiplies it into the magnification. Not released yet."
    )
    assert _subject_words(title, "") == ["eyepiece", "column"]
    refusals = entry_refusals(ws, title)
    assert refusals("`log` now multiplies the eyepiece column by the magnification.") == [
        "the entry does not name Barlow, which the item's change is about"
    ]
    assert refusals("The eyepiece column takes a Barlow (`10mm x2`); `log` multiplies it into the magnification.") == []
    # a day the item dates its fix by is no name of the change
    assert entry_refusals(ws, "changelog: Tuesday's fix — the totals skip blank rows now")(
        "The totals skip blank rows."
    ) == []
