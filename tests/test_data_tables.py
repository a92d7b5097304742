"""The data-table recipe (agent/data_tables.py): the model answers a filter and one Python
expression per column; they run over the data file's records in the sandbox and the table is
rendered from what they return (issue 12, the blind suites' tables with a filter or a computed
column: the model writing cells itself listed every record, left cells empty, or made values up).
The model is played by prepared JSON answers; the expressions run for real."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agentrunner.agent.data_tables import Helper, numbers_as_numbers, project_helpers, run_table, salvage
from agentrunner.agent.journal import FileChange
from agentrunner.agent.recipes import DataTable, recipe_for
from agentrunner.agent.tables import table_problem
from agentrunner.config import load_config
from agentrunner.sandbox import sandbox_status
from agentrunner.tools import Workspace
from tests.support.recipe_context import AnswersContext, item

CONFIG = '[tiers.local]\nprovider = "llama-cpp"\nmodel = "gemma3-270m"\n\n[agent]\nworkspace = "ws"\n'
HARVESTS = "date,hive,weight_lb\n2024-09-01,A,20.0\n2025-06-14,A,12.5\n2025-08-30,B,31.0\n2025-09-20,C,4.4\n"
ITEM = "docs/harvest-2025.md: the 2025 harvests only from data/harvests.csv as a Markdown table with the date, the hive and the weight in kg (one decimal)"  # noqa: E501
GOOD = {
    "where": "row['date'].startswith('2025')",
    "columns": [
        {"header": "Date", "value": "row['date']"},
        {"header": "Hive", "value": "row['hive']"},
        {"header": "Weight (kg)", "value": "round(float(row['weight_lb']) * 0.45359237, 1)"},
    ],
}
needs_sandbox = pytest.mark.skipif(sandbox_status() is not None, reason=f"no sandbox here: {sandbox_status()}")



def package_module(root: Path, path: str, source: str) -> None:
    """A module of a package of the project (``kiln/firings.py``), its ``__init__.py`` beside it."""
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).parent.joinpath("__init__.py").touch()
    (root / path).write_text(source, "utf-8")


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    (isolated_home / "ws" / "data").mkdir(parents=True)
    (isolated_home / "ws" / "data" / "harvests.csv").write_text(HARVESTS, "utf-8")
    return Workspace(load_config(write_config(CONFIG)))


@pytest.mark.parametrize(
    ("title", "recipe"),
    [
        (ITEM, "data-table"),
        ("docs/fleet.md: a Markdown table of the vehicles still in service, from data/vehicles.json", "data-table"),
        ("Turn `data/inventory.csv` into a markdown table in `docs/inventory.md`", "table"),  # the whole file
        ("Make docs/codes.md from data/codes.csv — a markdown table with all its columns and rows", "table"),
    ],
)
def test_tables_with_a_filter_or_columns_take_the_data_table_recipe(title: str, recipe: str) -> None:
    found = recipe_for(item(title))
    assert found is not None and found[0].name == recipe


def test_the_csv_named_by_word_is_the_projects_one_csv(ws: Workspace) -> None:
    """heldout14 feb-march-table: "… as a markdown table in docs/readings-feb-mar.md, straight from
    the CSV" named no file; it went to the general loop, which failed it in six turns."""
    title = "the 2025 harvests as a markdown table in docs/harvest-2025.md, straight from the CSV"
    found = recipe_for(item(title, "columns: date, hive"), ws.root)
    assert found is not None and found[0].name == "data-table"
    assert found[1] == {"source": "data/harvests.csv", "destination": "docs/harvest-2025.md"}
    (ws.root / "data" / "other.csv").write_text("a\n1\n", "utf-8")
    assert recipe_for(item(title, "columns: date, hive"), ws.root) is None  # two: which one is not guessed


def run(ws: Workspace, answers: list[dict[str, Any]], title: str = ITEM) -> tuple[Any, AnswersContext]:
    recipe, params = recipe_for(item(title)) or (None, {})
    assert isinstance(recipe, DataTable)
    (step,) = recipe.plan(item(title), params)
    ctx = AnswersContext(ws, [json.dumps(answer) for answer in answers], title)
    return recipe.act(ctx, step), ctx


@needs_sandbox
def test_the_filter_and_the_computed_column_run_over_the_records(ws: Workspace) -> None:
    result, ctx = run(ws, [GOOD])
    assert result.error is None, result.error
    page = (ws.root / "docs" / "harvest-2025.md").read_text("utf-8")
    assert page == (
        "| Date | Hive | Weight (kg) |\n|---|---|---|\n"
        "| 2025-06-14 | A | 5.7 |\n| 2025-08-30 | B | 14.1 |\n| 2025-09-20 | C | 2.0 |\n"
    )
    prompt = ctx.requests[0].messages[0].content
    assert '"weight_lb": "20.0"' in prompt and ITEM in prompt  # the records as the file has them
    change = FileChange("docs/harvest-2025.md", None, page.encode())
    assert table_problem([change], ITEM, ws.root) is None  # the gate's own table check


@needs_sandbox
def test_the_projects_own_formula_is_shown_and_callable(ws: Workspace) -> None:
    """heldout13 strong-beers-table (Qwen, d297240): "ABV from og and fg, same formula brewlog
    uses" — not shown the project's `abv`, the model wrote `float(row['og']) * 100`. The functions
    the item's words name or that take the data's columns, and their module's parsers, are shown
    and callable by name; functions of all the records (`load(path)`, `total(rows)`) are not."""
    package_module(
        ws.root,
        "hives/weights.py",
        "def parse_lb(text: str) -> float:\n    \"\"\"A weight in pounds, '12.5' or '12.5lb'.\"\"\"\n"
        "    return float(text.removesuffix('lb'))\n\n\ndef kilos(weight_lb: float) -> float:\n"
        "    \"\"\"Pounds to kilograms.\"\"\"\n    return weight_lb * 0.45359237\n\n\n"
        "def total(rows: list[dict]) -> float:\n    return 0.0\n\n\ndef load(path):\n    return []\n",
    )
    title = ITEM + ", in kilos the way hives works them out"
    found = project_helpers(ws.root, title, ["date", "hive", "weight_lb"])
    assert [h.name for h in found] == ["kilos", "parse_lb"]
    kilos = {"header": "kg", "value": "round(kilos(parse_lb(row['weight_lb'])), 1)"}
    answer = {**GOOD, "columns": [*GOOD["columns"][:2], kilos]}
    result, ctx = run(ws, [answer], title)
    assert result.error is None, result.error
    assert "- `kilos(weight_lb: float) -> float`: Pounds to kilograms." in ctx.requests[0].messages[0].content
    assert "| 2025-06-14 | A | 5.7 |" in (ws.root / "docs" / "harvest-2025.md").read_text("utf-8")


@needs_sandbox
def test_a_failing_expression_comes_back_once_with_its_error(ws: Workspace) -> None:
    broken = {**GOOD, "columns": [*GOOD["columns"][:2], {"header": "Weight (kg)", "value": "row['weight'] * 0.45"}]}
    result, ctx = run(ws, [broken, GOOD])
    assert result.error is None and len(ctx.requests) == 2
    assert "KeyError: 'weight'" in ctx.requests[1].messages[0].content
    (ws.root / "docs" / "harvest-2025.md").unlink()
    result, _ = run(ws, [broken, broken])
    assert result.error is not None and "KeyError" in result.error
    assert not (ws.root / "docs" / "harvest-2025.md").exists()  # nothing written on failure


@needs_sandbox
def test_an_answer_that_is_not_json_is_salvaged_or_asked_again_once(ws: Workspace) -> None:
    """heldout13 strong-beers-table: an expression's string left open ran on to max_tokens. Such an
    answer's first line, its string closed, is the answer when every expression parses as it is;
    an expression cut short is not completed (closing `round(abv(…)` as `round(abv(…))` rounded
    6.8% to 7 and was ticked) — the model is asked again once, as for no JSON at all."""
    recipe, params = recipe_for(item(ITEM)) or (None, {})
    assert isinstance(recipe, DataTable)
    (step,) = recipe.plan(item(ITEM), params)
    columns = ", ".join(json.dumps(c) for c in GOOD["columns"])
    closed = '{"where": "row[\'date\'].startswith(\'2025\')", "columns": [' + columns[:-2] + '}]}\n```json\nwhere"'
    assert salvage(closed) == GOOD
    ctx = AnswersContext(ws, [closed], ITEM)
    assert recipe.act(ctx, step).error is None and len(ctx.requests) == 1
    cut = closed.replace("0.45359237, 1)", "0.45359237, 1")
    assert salvage(cut) is None
    ctx = AnswersContext(ws, [cut, json.dumps(GOOD)], ITEM)
    assert recipe.act(ctx, step).error is None
    assert "it was not valid JSON" in ctx.requests[1].messages[0].content


@needs_sandbox
def test_a_filter_that_keeps_nothing_is_no_table(ws: Workspace) -> None:
    nothing = {**GOOD, "where": "row['date'].startswith('2030')"}
    result, _ = run(ws, [nothing, nothing])
    assert result.error is not None and "no record of the 4" in result.error


@needs_sandbox
def test_a_table_the_gate_refuses_comes_back_once_with_the_reason(ws: Workspace) -> None:
    """heldout10 harvest-table-2025: the model's filter kept one hive instead of one year; the
    gate's table check refuses the table before it is written, and the model hears why."""
    one_hive = {**GOOD, "where": "row['hive'] == 'A'"}
    result, ctx = run(ws, [one_hive, GOOD])
    assert result.error is None and len(ctx.requests) == 2
    assert "a row of 2024, but the item asks for 2025 only" in ctx.requests[1].messages[0].content


@needs_sandbox
def test_an_expression_runs_confined_and_bounded(ws: Workspace) -> None:
    """The model's expressions are code: they run in the sandbox, the project read-only, with a
    timeout — and what they did wrong is said in one line."""
    writes = {**GOOD, "where": "open('pwned.txt', 'w').write('1') or True"}
    _, _, error = run_table(ws, "data/harvests.csv", writes, task_id="t", timeout=30)
    assert error is not None and "Read-only file system" in error and not (ws.root / "pwned.txt").exists()
    sleeps = {**GOOD, "where": "__import__('time').sleep(60) or True"}
    assert run_table(ws, "data/harvests.csv", sleeps, task_id="t", timeout=3)[2] == "the expressions ran past 3 s"



@needs_sandbox
def test_the_one_filter_the_item_states_is_written_by_code_when_the_models_is_refused(ws: Workspace) -> None:
    """heldout16 cw-contacts-table re-run (Qwen, 2c1ef3a): "a Markdown table of all the CW contacts
    in data/log.csv, columns date, time (UTC), call and band" — the model's `where` was `True`, then
    `row['call'] is None`. The one filter the item states (mode `CW`, written `cw` too) is code's,
    and so is a column named for a field ("Call": `call`) when the model's is refused."""
    log = "date,time,call,mode\n2026-05-02,0705,DL1ABC,CW\n2026-05-02,0712,F5XYZ,cw\n2026-05-02,0731,G4ABC,SSB\n"
    log += "2026-05-02,0802,OK2PQ,FT8\n2026-05-03,0930,DL1ABC,CW\n2026-05-03,1010,EA8AA,SSB\n2026-05-03,1022,SP9X,FT8\n"
    (ws.root / "data" / "log.csv").write_text(log, "utf-8")
    title = "docs/cw.md: a Markdown table of all the CW contacts in data/log.csv, columns date, time (UTC) and call"
    every = {
        "where": "True",
        "columns": [{"header": h.title(), "value": f"row['{h}']"} for h in ("date", "time")]
        # Qwen's "Call" was the designator before the call: empty in most rows
        + [{"header": "Call", "value": "row['call'].split('/')[1] if '/' in row['call'] else ''"}],
    }
    result, ctx = run(ws, [every, {**every, "where": "row['call'] is None"}], title)
    assert result.error is None, result.error
    assert len(ctx.requests) == 1  # the model's columns with code's filter: no second question
    page = (ws.root / "docs" / "cw.md").read_text("utf-8")
    assert [line.strip("| ").split(" | ")[2] for line in page.splitlines()[2:]] == ["DL1ABC", "F5XYZ", "DL1ABC"]


def test_a_project_parser_called_on_a_field_of_bare_numbers_is_read_as_the_number() -> None:
    """heldout19 guji-table re-run (Qwen, session 22): ``parse_weight(row['roasted_g'])`` raised "not
    a weight: '212'" (the parser wants a unit; the roasted weight is grams written bare) and Qwen's
    second answer did not parse. Code's part reads such a call as ``float(...)``; a field with units
    keeps its parser, and a function the project does not have is left alone."""
    answer = {
        "where": "True",
        "columns": [
            {"header": "Loss", "value": "weight_loss(parse_weight(row['green']), parse_weight(row['roasted_g']))"},
            {"header": "Batch", "value": "other(row['roasted_g'])"},
        ],
    }
    found = [{"green": "250g", "roasted_g": "212"}, {"green": "1 lb", "roasted_g": " 383.5 "}]
    helpers = [Helper("roastlog.weights", "parse_weight", "parse_weight(text)", ""), Helper("m", "weight_loss", "", "")]
    repaired = numbers_as_numbers(answer, found, helpers)
    assert repaired["columns"][0]["value"] == (
        "weight_loss(parse_weight(row['green']), float(row['roasted_g']))"
    )
    assert repaired["columns"][1]["value"] == "other(row['roasted_g'])"
    assert numbers_as_numbers(answer, found, []) == answer


def test_a_column_of_a_field_the_project_parses_and_formats_shows_it_as_the_program_does() -> None:
    """heldout20 flashes-table re-run (Qwen, session 23): the model's `format_grade(int(row['grade']))`
    failed on `6A+`, and code's part wrote the grade column as the log has it (`6A`, `v3`, `V 1`) for
    an item asking for "grade (V scale)" — ticked WRONG. A field the project both parses and formats is
    shown through the two; one it only parses (its `parse_date` reads the log's dates) stays as written."""
    from agentrunner.agent.data_tables import plain_columns

    answer = {
        "where": "True",
        "columns": [
            {"header": "Date", "value": "parse_date(row['date'])"},
            {"header": "Grade", "value": "format_grade(int(row['grade']))"},
            {"header": "Wall", "value": "row['wall'].title()"},
        ],
    }
    fields = ["date", "problem", "wall", "grade"]
    helpers = [Helper("b.grades", name, "", "") for name in ("format_grade", "parse_grade")]
    helpers.append(Helper("b.climbs", "parse_date", "", ""))
    values = [column["value"] for column in plain_columns(answer, fields, helpers)["columns"]]
    assert values == ["row['date']", "format_grade(parse_grade(row['grade']))", "row['wall']"]
    assert [c["value"] for c in plain_columns(answer, fields)["columns"]][1] == "row['grade']"


@needs_sandbox
def test_a_table_of_project_objects_the_log_is_named_by_its_word(ws: Workspace) -> None:
    """heldout21 rye-table (Qwen, blind, 3a9ebd1): "a Markdown table of every rye feed in the log —
    when, hydration %, rise, hours to peak" named no data file, so it went to the loop, which answered
    twice without writing. The one data file named by its word (data/feeds.csv) is the source; the
    project's `hydration(feed: Feed)` is callable on a record through `parse_row(row) -> Feed`, which is
    shown with the fields it makes; and a column the model reads through the project's only parser of a
    field written several ways (`parse_rise`: `2x`, `doubled`) keeps that reading when code retries."""
    from agentrunner.agent.data_tables import plain_columns

    (ws.root / "data" / "feeds.csv").write_text(
        "fed,flour,flour_g,water_g,rise\n2026-03-02 07:30,rye,100,100,2x\n2026-03-03 07:40,white,0.1 kg,80,doubled\n",
        "utf-8",
    )
    (ws.root / "data" / "harvests.csv").unlink()
    package_module(
        ws.root,
        "leaven/feeds.py",
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Feed:\n    flour_g: float\n    water_g: float\n"
        "    rise: float\n\n\ndef parse_grams(text: str) -> float:\n    text = text.strip()\n"
        "    return float(text[:-2]) * 1000 if text.endswith('kg') else float(text)\n\n\n"
        "def parse_rise(text: str) -> float:\n    return 2.0 if text == 'doubled' else float(text.rstrip('x'))\n\n\n"
        "def parse_row(row: dict[str, str]) -> Feed:\n    \"\"\"One CSV row as a Feed.\"\"\"\n"
        "    return Feed(parse_grams(row['flour_g']), parse_grams(row['water_g']), parse_rise(row['rise']))\n\n\n"
        "def hydration(feed: Feed) -> int:\n    \"\"\"Water as a percentage of the flour.\"\"\"\n"
        "    return round(feed.water_g / feed.flour_g * 100)\n",
    )
    title = "docs/feeds.md with a Markdown table of every feed in the log\ncolumns: when, hydration %, rise"
    found = recipe_for(item(title), ws.root)
    assert found is not None and found[0].name == "data-table"
    assert found[1] == {"source": "data/feeds.csv", "destination": "docs/feeds.md"}
    helpers = project_helpers(ws.root, title, ["fed", "flour", "flour_g", "water_g", "rise"])
    assert helpers[0].name == "parse_row" and "(Feed: flour_g, water_g, rise)" in helpers[0].doc
    assert "hydration" in [h.name for h in helpers]
    answer = {"where": "True", "columns": [
        {"header": "When", "value": "row['fed']"},
        {"header": "Hydration %", "value": "hydration(parse_row(row))"},
        {"header": "Rise", "value": "parse_rise(row['rise'])"},
    ]}  # fmt: skip
    _, rows, error = run_table(ws, "data/feeds.csv", answer, task_id="t", timeout=60, helpers=helpers)
    assert error is None, error
    assert rows == [["2026-03-02 07:30", "100", "2.0"], ["2026-03-03 07:40", "80", "2.0"]]
    records = [{"rise": "2x"}, {"rise": "doubled"}]
    assert plain_columns(answer, ["fed", "rise"], helpers, records)["columns"][2]["value"] == "parse_rise(row['rise'])"
    plain = plain_columns(answer, ["fed", "rise"], helpers, [{"rise": "2x"}, {"rise": "3x"}])
    assert plain["columns"][2]["value"] == "row['rise']"  # written one way: shown as written


@needs_sandbox
def test_an_unannotated_project_object_is_made_by_the_function_returning_it(ws: Workspace) -> None:
    """heldout24 glaze-table (Qwen, blind, 95bb3bd): the project's ``firing_yield(firing)`` was shown,
    but not ``parse_row(row)``, which makes the Firing it takes — neither has a type hint — and Qwen
    called ``firing_yield(row)`` on the CSV's dict. A function every ``return`` of which calls a
    project class makes that class; a parameter named as the class in snake case takes it."""
    (ws.root / "data" / "firings.csv").write_text("date,pieces,lost\n2026-01-09,24,0\n2026-01-13,18,1\n", "utf-8")
    (ws.root / "data" / "harvests.csv").unlink()
    package_module(
        ws.root,
        "kiln/firings.py",
        "from dataclasses import dataclass\n\n\n@dataclass\nclass KilnFiring:\n    pieces: int\n    lost: int\n\n\n"
        "def parse_row(row):\n    \"\"\"One CSV row as a firing.\"\"\"\n    if not row['pieces']:\n"
        "        raise ValueError(row)\n    return KilnFiring(int(row['pieces']), int(row['lost']))\n\n\n"
        "def firing_yield(kiln_firing):\n    \"\"\"The share of the pieces that came out whole.\"\"\"\n"
        "    return (kiln_firing.pieces - kiln_firing.lost) / kiln_firing.pieces\n",
    )
    title = "docs/yields.md: a markdown table of the firings in data/firings.csv: date, pieces and the yield"
    helpers = project_helpers(ws.root, title, ["date", "pieces", "lost"])
    assert [h.name for h in helpers] == ["parse_row", "firing_yield"]
    assert "(KilnFiring: pieces, lost)" in helpers[0].doc and helpers[1].takes == ("KilnFiring",)
    answer = {"where": "True", "columns": [{"header": "Yield", "value": "round(firing_yield(parse_row(row)), 3)"}]}
    _, rows, error = run_table(ws, "data/firings.csv", answer, task_id="t", timeout=60, helpers=helpers)
    assert error is None and rows == [["1.0"], ["0.944"]], error


@needs_sandbox
def test_a_money_column_is_shown_to_the_penny_unless_the_item_asks_it_rounded(ws: Workspace) -> None:
    """heldout22 topups-table (Qwen, seen re-run): "Columns: date, odometer, litres, cost in £" was
    answered ``round(parse_price(…) * parse_volume(…))`` — £22 for a £21.89 fill-up — and ticked.
    Money is shown to the penny; a column in pence, a price per litre, or an item asking for whole
    pounds keeps the model's rounding."""
    from agentrunner.agent.data_tables import money_to_the_cent

    (ws.root / "data" / "fills.csv").write_text("date,litres,price\n2025-12-07,15.00,1.459\n", "utf-8")
    title = "docs/fills.md: table (Markdown) of the fill-ups in data/fills.csv. Columns: date, litres, cost in £"
    cost = {"header": "Cost (£)", "value": "round(float(row['litres']) * float(row['price']))"}
    litres = {"header": "Litres", "value": "row['litres']"}
    answer = {"where": "True", "columns": [{"header": "Date", "value": "row['date']"}, litres, cost]}
    result, _ = run(ws, [answer], title)
    assert result.error is None, result.error
    assert "| 2025-12-07 | 15.00 | 21.89 |" in (ws.root / "docs" / "fills.md").read_text("utf-8")
    assert money_to_the_cent(answer, title)["columns"][2]["value"] == (
        "round(float(row['litres']) * float(row['price']), 2)"
    )
    kinds = [("Cost (pence)", title), ("Price per litre (£)", title), ("Cost (£)", title + ", whole pounds")]
    for header, said in kinds:
        kept = {"where": "True", "columns": [{"header": header, "value": cost["value"]}]}
        assert money_to_the_cent(kept, said) == kept
    whole = {"where": "True", "columns": [{"header": "Litres", "value": "round(float(row['litres']))"}]}
    assert money_to_the_cent(whole, title) == whole  # not money


@needs_sandbox
def test_code_reads_a_refused_table_through_the_projects_record_maker(ws: Workspace) -> None:
    """heldout24 glaze-table (Qwen, seen re-run, db08928): "a markdown table of only the glaze firings
    …: date, peak in °C, and the yield (% of the pieces that came out whole)". Both answers were
    refused (`firing_yield(row)` on the CSV's dict, `parse_row(row)['pieces']`), and code's retry
    had no filter ("only" read as a second one). Code now tries the group the item names ("only the
    glaze firings" is that filter), a column of a field the record maker reads (`peak_c` for "Peak
    (°C)", the log mixing °C and °F), a function of the made object called through the maker, and
    a percentage column shown as shares of one times 100."""
    (ws.root / "data" / "harvests.csv").unlink()
    (ws.root / "data" / "firings.csv").write_text(
        "date,kind,peak,pieces,lost\n2026-01-09,bisque,1008C,24,0\n2026-01-13,Glaze,1238 C,18,1\n"
        "2026-01-24,glost,2262F,16,0\n2026-01-31,raku,905,6,1\n",
        "utf-8",
    )
    package_module(
        ws.root,
        "kiln/firings.py",
        "from dataclasses import dataclass\n\n"
        "ALIASES = {'bisque': 'bisque', 'biscuit': 'bisque', 'glaze': 'glaze', 'glost': 'glaze', 'raku': 'raku'}\n\n\n"
        "@dataclass\nclass Firing:\n    kind: str\n    peak_c: float\n    pieces: int\n    lost: int\n\n\n"
        "def parse_temperature(text):\n    text = text.strip().lower().replace(' ', '')\n"
        "    if text.endswith('f'):\n        return round((float(text[:-1]) - 32) * 5 / 9)\n"
        "    return float(text.rstrip('c'))\n\n\n"
        "def parse_row(row):\n    \"\"\"One row of the log as a Firing.\"\"\"\n"
        "    return Firing(ALIASES[row['kind'].strip().lower()], parse_temperature(row['peak']), int(row['pieces']),"
        " int(row['lost']))\n\n\n"
        "def firing_yield(firing):\n    \"\"\"The share of the pieces that came out whole.\"\"\"\n"
        "    return (firing.pieces - firing.lost) / firing.pieces\n",
    )
    title = (
        "Make docs/glaze.md — a markdown table of only the glaze firings from data/firings.csv: date, peak in °C, "
        "and the yield (% of the pieces that came out whole)"
    )
    answer = {"where": "row['kind'] == 'Glaze'", "columns": [
        {"header": "Date", "value": "row['date']"},
        {"header": "Peak (°C)", "value": "row['peak']"},
        {"header": "Yield (% of the pieces that came out whole)", "value": "firing_yield(row)"},
    ]}  # fmt: skip
    result, ctx = run(ws, [answer, answer], title)
    assert result.error is None, result.error
    page = (ws.root / "docs" / "glaze.md").read_text("utf-8")
    assert "| 2026-01-13 | 1238.0 | 94.4 |" in page and "| 2026-01-24 | 1239 | 100.0 |" in page, page
    assert "2026-01-09" not in page and "2026-01-31" not in page
    assert len(ctx.requests) == 1  # code's retry made it; the model was not asked again


@needs_sandbox
def test_a_time_of_day_is_codes_filter_when_the_models_is_refused(ws: Workspace) -> None:
    """heldout25 evening-table (blind): "the evening readings (taken after noon)" — Qwen's `where`
    was a date range. The gate refuses its table (one of the two readings after noon), and code's
    retry states the time of day with the model's columns; a reading with no time is not kept."""
    log = "date,time,bp\n2026-02-02,07:15,128/82\n2026-02-02,21:40,134/85\n2026-02-03,,126/80\n2026-02-14,7pm,131/84\n"
    (ws.root / "data" / "readings.csv").write_text(log, "utf-8")
    title = "docs/evening.md: the evening readings (taken after noon) from data/readings.csv as a table: date, bp"
    dates = {
        "where": "row['date'] >= '2026-02-14'",
        "columns": [{"header": "Date", "value": "row['date']"}, {"header": "BP", "value": "row['bp']"}],
    }
    recipe, params = recipe_for(item(title), ws.root) or (None, {})
    assert isinstance(recipe, DataTable)  # not the whole file's table: code states a filter
    (step,) = recipe.plan(item(title), params)
    ctx = AnswersContext(ws, [json.dumps(dates)], title)
    result = recipe.act(ctx, step)
    assert result.error is None, result.error
    assert len(ctx.requests) == 1
    page = (ws.root / "docs" / "evening.md").read_text("utf-8")
    assert [line.strip("| ").split(" | ")[0] for line in page.splitlines()[2:]] == ["2026-02-02", "2026-02-14"]


SESSIONS = "date,kind,tempo\n2026-03-02,scales,96\n2026-03-03,Scales,100\n2026-03-04,rep,\n2026-03-05,scale,88\n"
SESSIONS_MODULE = '''KINDS = {"scales": "scales", "scale": "scales", "rep": "repertoire", "repertoire": "repertoire"}


def parse_kind(text):
    """The kind of practice, any spelling."""
    return KINDS[text.strip().lower()]


def load(path):
    import csv
    with open(path, encoding="utf-8") as handle:
        return [dict(kind=parse_kind(row["kind"]), tempo=row.get("tempo")) for row in csv.DictReader(handle)]
'''
SCALES = (
    "Make docs/scales.md: a Markdown table of just my scales sessions out of data/sessions.csv (I haven't spelled "
    '"scales" the same way twice)\ncolumns: date, the tempo and the kind'
)


@needs_sandbox
def test_a_filter_on_a_field_the_project_reads_through_a_parser_compares_it_as_read(ws: Workspace) -> None:
    """heldout28 scales-table (Qwen, blind, ea80789): the model's `row['kind'] == 'scales'` kept 3 of
    the 7 scales sessions the log spells `scales`, `Scales`, `scale` …; the project loads the field
    through `parse_kind`. The filter is run through it (`parse_kind(row['kind']) == parse_kind('scales')`),
    and the quoted "scales", a value of the data the table filters on, need not be written."""
    from agentrunner.agent.data_tables import field_readers, through_readers
    from agentrunner.agent.verification import data_values, literals_problem

    (ws.root / "data" / "sessions.csv").write_text(SESSIONS, "utf-8")
    package_module(ws.root, "piano/sessions.py", SESSIONS_MODULE)
    readers = field_readers(ws.root)
    assert {key: h.name for key, h in readers.items()} == {"kind": "parse_kind"}
    exact = {"where": "row['kind'].lower() == 'scales'", "columns": [{"header": "Date", "value": "row['date']"},
             {"header": "Tempo", "value": "row['tempo']"}, {"header": "Kind", "value": "row['kind']"}]}  # fmt: skip
    read, used = through_readers(exact, readers)
    assert read["where"] == "parse_kind(row['kind']) == parse_kind('scales')"
    assert [h.name for h in used] == ["parse_kind"]
    assert through_readers({**exact, "where": "row['date'] >= '2026-03-03'"}, readers) == (
        {**exact, "where": "row['date'] >= '2026-03-03'"}, []
    )
    title, context = SCALES.split("\n")
    recipe, params = recipe_for(item(title, context), ws.root) or (None, {})
    assert isinstance(recipe, DataTable)
    (step,) = recipe.plan(item(title, context), params)
    result = recipe.act(AnswersContext(ws, [json.dumps(exact)], title, context), step)
    assert result.error is None, result.error
    page = (ws.root / "docs" / "scales.md").read_text("utf-8")
    assert [line.split("|")[1].strip() for line in page.splitlines()[2:]] == ["2026-03-02", "2026-03-03", "2026-03-05"]
    without_kind = "| Date | Tempo |\n|---|---|\n| 2026-03-02 | 96 |\n"
    change = FileChange("docs/scales.md", None, without_kind.encode())
    assert literals_problem([change], SCALES, [], data_values(ws.root, SCALES)) is None
    assert literals_problem([change], SCALES, []) is not None  # without the data: "scales" asked


@needs_sandbox
def test_a_derived_cell_of_a_record_without_one_of_its_inputs_is_empty(ws: Workspace) -> None:
    """heldout29 coated-table (Qwen, blind): "price ÷ hours … sets still on have no hours yet, leave
    their cost per hour empty" — `parse_price(…) / parse_hours(…)` raised TypeError on the first set
    still on, and the whole table failed. A cell whose input is None (a TypeError naming NoneType) is
    empty; an expression None in every record is still an error (it is wrong, not the data)."""
    package_module(
        ws.root, "strings/parsing.py", "def parse_hours(text):\n    return float(text.rstrip('h')) if text else None\n"
    )
    (ws.root / "data" / "sets.csv").write_text("date,price,hours\n2025-01-02,8.50,34h\n2025-03-04,9.00,\n", "utf-8")
    helpers = [Helper("strings.parsing", "parse_hours", "parse_hours(text)", "")]
    answer = {
        "where": "True",
        "columns": [
            {"header": "Date", "value": "row['date']"},
            {"header": "Cost per hour", "value": "round(float(row['price']) / parse_hours(row['hours']), 2)"},
        ],
    }
    _, rows, error = run_table(ws, "data/sets.csv", answer, task_id="t", timeout=60, helpers=helpers)
    assert error is None and rows == [["2025-01-02", "0.25"], ["2025-03-04", ""]], (rows, error)
    nowhere = {**answer, "columns": [*answer["columns"][:1], {"header": "Cost", "value": "float(row['price']) / None"}]}
    error = run_table(ws, "data/sets.csv", nowhere, task_id="t", timeout=60, helpers=helpers)[2]
    assert error is not None and "NoneType" in error and "record 1" in error, error
    # another TypeError is the expression's own mistake, as before
    wrong = {**answer, "columns": [*answer["columns"][:1], {"header": "Cost", "value": "row['price'] / 2"}]}
    error = run_table(ws, "data/sets.csv", wrong, task_id="t", timeout=60, helpers=helpers)[2]
    assert error is not None and "TypeError" in error, error


def test_one_value_of_the_projects_word_groups_is_some_records_not_the_whole_csv(tmp_path: Path) -> None:
    """heldout30 clementine-table (Qwen, blind, 36db42d): "a Markdown table of all of Clementine's eggs
    from data/eggs.csv (she's Clem or Clemmie in some rows): …" took the whole-CSV recipe — the hen's
    spellings are the project's own word group, which only the gate read — and the gate refused it."""
    aliases = 'ALIASES = {"clem": "clementine", "clemmie": "clementine", "dot": "dot"}\n'
    package_module(tmp_path, "hens/flock.py", aliases)
    (tmp_path / "data").mkdir()
    rows = "".join(f"2026-03-0{n},{hen},6{n}g\n" for n, hen in enumerate(["Clementine", "Dot", "Clem", "Dot"], 1))
    (tmp_path / "data" / "eggs.csv").write_text("date,hen,weight\n" + rows, "utf-8")
    title = "docs/clementine.md — a Markdown table of all of Clementine's eggs from data/eggs.csv (she's Clem at times)"
    found = recipe_for(item(title), tmp_path)
    assert found is not None and found[0].name == "data-table", found
    whole = "Turn data/eggs.csv into a markdown table in docs/eggs.md"
    found = recipe_for(item(whole), tmp_path)
    assert found is not None and found[0].name == "table", found
