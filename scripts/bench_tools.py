"""How well an embedded model calls tools, per tool mode (the llama-cpp tier option ``tool_mode``).

A fixed set of tool-use prompts (the agent's own tools, a coding project's paths; single turns and
turns after a tool result) is sent to the real model once per mode, at temperature 0:

- ``native``: the tools rendered by the GGUF's chat template, free-text answer, the calls written
  as text (``<tool_call>`` blocks…) parsed by agentrunner/toolcalls.py;
- ``grammar``: the tools listed in the prompt, the answer constrained to the JSON "call a tool or
  answer" grammar.

Per mode it prints the valid-call rate (the answer holds a call of an offered tool with every
required argument, of the right JSON type), the correct-call rate (the tool the prompt needs, with
the right key argument), and the mean seconds per call; the ratio of the two modes comes from the
same process, model and prompts. Run it alone: ``flock /work/cpu.lock python scripts/bench_tools.py``.

    python scripts/bench_tools.py [--model qwen2.5-coder-1.5b] [--modes native grammar] [--only N…] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentrunner.chat import ChatRequest, ChatResponse, Message, ToolCall, ToolSpec
from agentrunner.config import TierConfig
from agentrunner.providers.llamacpp import LlamaCppProvider
from agentrunner.tools import tool_spec

_spec = tool_spec


#: The agent's tools as agentrunner/tools.py offers them (frozen here so runs stay comparable).
TOOLS = [
    _spec("read_file", "Read a text file of the workspace, lines numbered.", ["path"],
          path="file path", offset="first line (1-based)", limit="number of lines"),
    _spec("edit_file", "Replace one exact snippet of a file: old must occur exactly once; include whole lines.",
          ["path", "old", "new"], path="file path", old="the exact current lines", new="the lines that replace them"),
    _spec("write_file", "Create a new file, or replace a short one (up to 40 lines) entirely.", ["path", "content"],
          path="file path", content="the complete file content"),
    _spec("list_files", "List files under a folder of the workspace.", ["path"], path="folder"),
    _spec("grep", "Search files for a regular expression; answers path:line: text.", ["pattern"],
          pattern="regular expression", path="file or folder (default: everything)", glob="only files matching"),
    _spec("glob", "Find files by pattern, e.g. **/*.py.", ["pattern"], pattern="glob pattern"),
    _spec("run", "Run a check and see its output: pytest, ruff check, python -m py_compile.", ["command"],
          command="e.g. pytest -q"),
]

SYSTEM = (
    "You are a careful software engineering agent working in a project folder. Use the tools to "
    "read, search, edit and check files. Call one tool at a time. When the task is finished, answer "
    "with a one-line summary."
)

CALC = '''def add(a, b):
    return a + b


def mean(values):
    return sum(values) / (len(values) - 1)
'''


@dataclass
class Case:
    name: str
    messages: list[Message]
    tool: str  # the tool the prompt needs
    key: str = ""  # an argument that must be present…
    contains: str = ""  # …and contain this text (case-insensitive)
    tools: list[ToolSpec] = field(default_factory=lambda: TOOLS)


def _turns(task: str, *history: tuple[ToolCall, str]) -> list[Message]:
    messages = [Message(role="system", content=SYSTEM), Message(role="user", content=task)]
    for index, (call, result) in enumerate(history):
        call = call.model_copy(update={"id": f"call_{index}"})
        messages.append(Message(role="assistant", tool_calls=[call]))
        messages.append(Message(role="tool", content=result, tool_call_id=call.id, name=call.name))
    return messages


def _numbered(text: str) -> str:
    return "\n".join(f"{n:>4}  {line}" for n, line in enumerate(text.splitlines(), start=1))


CASES = [
    Case("read", _turns("What does src/calc.py do?"), "read_file", "path", "src/calc.py"),
    Case("list", _turns("Which files are in the tests folder?"), "list_files", "path", "tests"),
    Case("grep", _turns("Find every TODO comment in the project."), "grep", "pattern", "todo"),
    Case("glob", _turns("Find all the Python files of the project."), "glob", "pattern", ".py"),
    Case("run", _turns("Run the test suite and tell me whether it passes."), "run", "command", "pytest"),
    Case("write", _turns("Create a .gitignore file that ignores __pycache__/ and .venv/."),
         "write_file", "path", ".gitignore"),
    Case("readme", _turns("Add a README.md with the title 'calc' and one line saying it is a small math package."),
         "write_file", "path", "readme.md"),
    Case("edit-after-read",
         _turns("Fix the off-by-one in mean() in src/calc.py.",
                (ToolCall(name="read_file", arguments={"path": "src/calc.py"}), _numbered(CALC))),
         "edit_file", "path", "src/calc.py"),
    Case("test-after-edit",
         _turns("Fix the off-by-one in mean() in src/calc.py, then check the tests pass.",
                (ToolCall(name="read_file", arguments={"path": "src/calc.py"}), _numbered(CALC)),
                (ToolCall(name="edit_file", arguments={
                    "path": "src/calc.py",
                    "old": "    return sum(values) / (len(values) - 1)",
                    "new": "    return sum(values) / len(values)",
                }), "edited src/calc.py (1 line)")),
         "run", "command", "pytest"),
    Case("read-named", _turns("Add type hints to the functions in src/calc.py."), "read_file", "path", "src/calc.py"),
    Case("docstring-after-read",
         _turns("Add a one-line docstring to add() in src/calc.py.",
                (ToolCall(name="read_file", arguments={"path": "src/calc.py"}), _numbered(CALC))),
         "edit_file", "path", "src/calc.py"),
    Case("search-usage", _turns("Where is the function mean used in the project?"), "grep", "pattern", "mean"),
]

_JSON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "integer": (int,), "number": (int, float)}


def valid(call: ToolCall, tools: list[ToolSpec]) -> bool:
    """An offered tool, every required argument present, each known argument of its JSON type."""
    spec = next((tool for tool in tools if tool.name == call.name), None)
    if spec is None:
        return False
    properties = spec.parameters.get("properties", {})
    if any(key not in call.arguments for key in spec.parameters.get("required", [])):
        return False
    for key, value in call.arguments.items():
        kinds = _JSON_TYPES.get(properties.get(key, {}).get("type", ""))
        if kinds and (not isinstance(value, kinds) or isinstance(value, bool)):
            return False
    return True


def correct(call: ToolCall, case: Case) -> bool:
    if call.name != case.tool:
        return False
    if not case.key:
        return True
    value = call.arguments.get(case.key)
    return isinstance(value, str) and case.contains.lower() in value.lower()


@dataclass
class Outcome:
    case: str
    valid: bool
    correct: bool
    seconds: float
    answer: str


def run_mode(model: str, mode: str, cases: list[Case], n_ctx: int) -> list[Outcome]:
    tier = TierConfig(provider="llama-cpp", model=model, n_ctx=n_ctx, max_tokens=256, options={"tool_mode": mode})
    provider = LlamaCppProvider("bench", tier, Path.cwd())
    outcomes: list[Outcome] = []
    for case in cases:
        started = time.perf_counter()
        response: ChatResponse = provider.complete(
            ChatRequest(messages=case.messages, tools=case.tools, max_tokens=256, temperature=0.0, seed=0)
        )
        seconds = time.perf_counter() - started
        call = response.tool_calls[0] if response.tool_calls else None
        shown = json.dumps([call.name, call.arguments]) if call else f"text: {response.text}"
        outcomes.append(
            Outcome(
                case=case.name,
                valid=call is not None and valid(call, case.tools),
                correct=call is not None and valid(call, case.tools) and correct(call, case),
                seconds=seconds,
                answer=" ".join(shown.split())[:100],
            )
        )
        print(f"  {mode:<8} {case.name:<22} valid={outcomes[-1].valid!s:<5} correct={outcomes[-1].correct!s:<5} "
              f"{seconds:5.1f}s  {outcomes[-1].answer}", file=sys.stderr)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b", help="an embedded alias")
    parser.add_argument("--modes", nargs="+", default=["native", "grammar"], choices=["native", "grammar"])
    parser.add_argument("--only", nargs="+", help="case names")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    cases = [case for case in CASES if not args.only or case.name in args.only]
    summary: dict[str, dict[str, Any]] = {}
    for mode in args.modes:
        outcomes = run_mode(args.model, mode, cases, args.n_ctx)
        total = len(outcomes)
        summary[mode] = {
            "cases": total,
            "valid_call_rate": sum(o.valid for o in outcomes) / total,
            "correct_call_rate": sum(o.correct for o in outcomes) / total,
            "seconds_per_call": sum(o.seconds for o in outcomes) / total,
            "failed": [f"{o.case}: {o.answer}" for o in outcomes if not o.correct],
        }
    if args.json:
        print(json.dumps({"model": args.model, "modes": summary}, indent=2))
        return 0
    print(f"model {args.model}, {len(cases)} tool-use prompts, temperature 0")
    print(f"{'mode':<8} {'valid calls':>12} {'correct calls':>14} {'s/call':>7}")
    for mode, figures in summary.items():
        print(f"{mode:<8} {figures['valid_call_rate']:>12.0%} {figures['correct_call_rate']:>14.0%} "
              f"{figures['seconds_per_call']:>7.1f}")
    if len(summary) == 2:
        first, second = summary.values()
        ratio = first["seconds_per_call"] / second["seconds_per_call"] if second["seconds_per_call"] else 0.0
        print(f"time ratio {args.modes[0]}/{args.modes[1]}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
