"""agent/log_messages.py: a log message says what the item asks it to say (issue 12).

heldout6 log-skipped-rows, written blind: asked to "log a warning for each row it skips (which line
of the file, and why), with the `logging` module rather than prints", Qwen2.5-Coder-1.5B added
``warning(f"Skipping row {row} due to missing fields.")`` and it was ticked. No model.
"""

from __future__ import annotations

from agentrunner.agent.checks import item_problem
from agentrunner.agent.journal import FileChange
from agentrunner.agent.log_messages import asked_contents, log_message_problem
from agentrunner.agent.verification import asked_problem

ITEM = (
    "- [ ] `load_fuelups` drops broken CSV rows without a word — log a warning for each row it skips "
    "(which line of the file, and why), with the `logging` module rather than prints"
)
BEFORE = '''import csv
from dataclasses import dataclass


def load_fuelups(path):
    fuelups = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                fuelups.append(parse_row(row))
            except ValueError:
                continue
    return fuelups
'''
# what the model wrote (heldout6, session 12): ticked
MODEL = BEFORE.replace("import csv\n", "import csv\nfrom logging import warning\n").replace(
    "                continue\n",
    '                warning(f"Skipping row {row} due to missing fields.")\n                continue\n',
)
RIGHT = '''import csv
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


def load_fuelups(path):
    fuelups = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            try:
                fuelups.append(parse_row(row))
            except ValueError as exc:
                log.warning("%s, line %d: skipped: %s", path, reader.line_num, exc)
    return fuelups
'''
PRINTED = RIGHT.replace('log.warning("%s', 'print("%s').replace(", exc)\n", ", exc, file=sys.stderr)\n")


def _change(after: str) -> list[FileChange]:
    return [FileChange("fleetlog/records.py", BEFORE.encode(), after.encode())]


def test_what_the_item_asks_a_message_to_say_is_read_from_its_words() -> None:
    assert asked_contents(ITEM) == (["line"], True)
    assert asked_contents("- [ ] log each skipped row, saying what field was missing") == (["field"], False)
    assert asked_contents("- [ ] add logging to `load_fuelups` (see #12)") is None
    assert asked_contents("- [ ] speed up `load_fuelups` (which is slow)") is None


def test_a_message_without_the_line_or_the_reason_is_refused() -> None:
    problem = log_message_problem(_change(MODEL), ITEM)
    assert problem is not None and "which line" in problem
    assert item_problem(_change(MODEL), ITEM, None) == problem
    no_reason = RIGHT.replace(", exc)\n", ")\n").replace(': skipped: %s"', ': skipped"')
    problem = log_message_problem(_change(no_reason), ITEM)
    assert problem is not None and "why" in problem


def test_the_message_the_item_asks_for_passes_and_prints_rather_than_logging_are_refused() -> None:
    assert log_message_problem(_change(RIGHT), ITEM) is None
    reason = RIGHT.replace("except ValueError as exc:", "except ValueError as problem:").replace(", exc)", ", problem)")
    assert log_message_problem(_change(reason), ITEM) is None
    # "rather than prints" (heldout6's wrong solution printed to stderr): verification's no-prints rule
    printed = asked_problem(_change(PRINTED), ITEM, None)
    assert printed is not None and "no prints" in printed
    assert asked_problem(_change(RIGHT), ITEM, None) is None
