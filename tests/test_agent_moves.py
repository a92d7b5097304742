"""Restructuring items in the general loop (agent/): moving a definition to another module and
ordering a module's imports, with a scripted model (:class:`tests.test_agent_loop.ScriptedContext`).

Each test replays the shape of a reply Qwen2.5-Coder-1.5B wrote on the chores benchmark
(issue 12, session 7); what is under test is what the loop makes of it, not the model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentrunner.agent.loop import run_loop
from agentrunner.agent.recipes import ItemInfo, general_step
from agentrunner.chat import ChatRequest, ChatResponse
from agentrunner.tools import Workspace
from tests.test_agent_loop import STATS, ScriptedContext, stats_workspace

MOVE = "Move `top` out of `pkg/stats.py` into a new module `pkg/extremes.py`; `stats.py` imports it from there"
SPREAD = STATS + "\n\ndef spread(values):\n    return top(values) - min(values)\n"


@pytest.fixture
def ws(isolated_home: Path, write_config: Callable[[str], Path]) -> Workspace:
    tests = (
        "from pkg.stats import mean, spread\n\n\ndef test_mean():\n    assert mean([1, 2]) == 1.5\n\n\n"
        "def test_spread():\n    assert spread([1, 4]) == 3\n"
    )
    return stats_workspace(isolated_home, write_config, SPREAD, tests)


def _move(ws: Workspace, replies: list[str]) -> tuple[ScriptedContext, object]:
    item = ItemInfo(id="i1", title=MOVE, context="", tags=[], file="tasks/t.md")
    step = general_step(0, MOVE, item, ws.root)
    ctx = ScriptedContext(ws, list(replies), MOVE)
    return ctx, run_loop(ctx, MOVE, step.reads, step.writes, 512)


def test_a_moved_definition_goes_whatever_order_the_reply_writes_the_two_modules_in(ws: Workspace) -> None:
    """move-function, session 6 batch 3 (a fresh start): Qwen wrote the import into report.py
    first and the definition into the new money.py second. Looked at one write at a time the
    import's source module did not exist yet, so the old definition stayed (F811 at DONE)."""
    reply = (
        "pkg/stats.py\n```python\nfrom .extremes import top\n```\n"
        "pkg/extremes.py\n```python\ndef top(values):\n    return max(values)\n```\nDONE moved top"
    )
    ctx, result = _move(ws, [reply])
    assert result.error is None, result.error  # type: ignore[attr-defined]
    assert len(ctx.requests) == 1
    text = (ws.root / "pkg" / "stats.py").read_text("utf-8")
    assert "from .extremes import top" in text and "def top" not in text
    assert "return top(values) - min(values)" in text
    assert (ws.root / "pkg" / "extremes.py").read_text("utf-8") == "def top(values):\n    return max(values)\n"


def test_an_import_cycle_between_the_two_modules_is_refused_with_where_the_definition_goes(ws: Workspace) -> None:
    """move-function, session 6 batch 3: Qwen's first reply made the new module import the name
    from the old one and the old one import it from the new one; both were written, and the gate
    only said F811. Neither is written: the refusal says to write the definition itself."""
    cycle = (
        "pkg/extremes.py\n```python\nfrom .stats import top\n```\n"
        "pkg/stats.py\n```python\nfrom .extremes import top\n```\nDONE moved top"
    )
    right = (
        "pkg/extremes.py\n```python\ndef top(values):\n    return max(values)\n```\n"
        "pkg/stats.py\n```python\nfrom .extremes import top\n```\nDONE moved top"
    )
    ctx, result = _move(ws, [cycle, right])
    refusal = ctx.requests[1].messages[-1].content
    assert "import cycle" in refusal and "complete definition of `top`" in refusal, refusal
    assert result.error is None, result.error  # type: ignore[attr-defined]
    text = (ws.root / "pkg" / "stats.py").read_text("utf-8")
    assert "from .extremes import top" in text and "def top" not in text
    assert "def top(values)" in (ws.root / "pkg" / "extremes.py").read_text("utf-8")


CLI = (
    '"""The command."""\n\nfrom __future__ import annotations\n\n'
    "import sys\nfrom .stats import mean\nimport argparse\n\n\n"
    "def main() -> int:\n    parser = argparse.ArgumentParser()\n    print(mean([1]), file=sys.stderr)\n"
    "    return 0\n\n\n"
    'if __name__ == "__main__":\n    sys.exit(main())\n'
)


def test_a_whole_module_written_for_an_item_about_imports_changes_only_its_imports(ws: Workspace) -> None:
    """sort-imports, session 6 batch 3: asked to sort the imports, Qwen wrote the whole module
    again, without its docstring and with one blank line between definitions, and the rewrite
    was written; the benchmark's check then found more than the imports changed. For an item
    about the imports, a whole module written gives the module its import lines, nothing else."""
    (ws.root / "pkg" / "cli.py").write_text(CLI, "utf-8")
    whole = (
        "pkg/cli.py\n```python\nfrom __future__ import annotations\nfrom .stats import mean\n\nimport sys\n"
        "import argparse\n\ndef main() -> int:\n    parser = argparse.ArgumentParser()\n"
        "    print(mean([1]), file=sys.stderr)\n    return 0\n\n"
        'if __name__ == "__main__":\n    sys.exit(main())\n```'
    )
    block = (
        "pkg/cli.py\n```python\nfrom __future__ import annotations\n\nimport argparse\nimport sys\n\n"
        "from .stats import mean\n```\nDONE"
    )
    ctx = Snapshots(ws, [whole, block], "Sort the imports of `pkg/cli.py` (standard library first)")
    result = run_loop(ctx, ctx.item.title, [], ["pkg/cli.py"], 512)
    assert result.error is None, result.error
    unsorted = "import sys\nfrom .stats import mean\nimport argparse\n"
    future = "from __future__ import annotations\n"
    written = "from .stats import mean\n\nimport sys\nimport argparse\n"
    after_whole = CLI.replace(f"{future}\n{unsorted}", f"{future}{written}")
    assert ctx.files[1] == after_whole
    assert (ws.root / "pkg" / "cli.py").read_text("utf-8") == CLI.replace(
        unsorted, "import argparse\nimport sys\n\nfrom .stats import mean\n"
    )


class Snapshots(ScriptedContext):
    """The scripted model, keeping pkg/cli.py as it is when each call is made."""

    def __init__(self, workspace: Workspace, replies: list[str | ChatResponse], title: str) -> None:
        super().__init__(workspace, replies, title)
        self.files: list[str] = []

    def call(self, request: ChatRequest) -> ChatResponse:
        self.files.append((self.workspace.root / "pkg" / "cli.py").read_text("utf-8"))
        return super().call(request)


def test_a_fresh_start_may_begin_with_a_write_the_refused_attempt_also_made(ws: Workspace) -> None:
    """move-function (replayed): the first attempt wrote only the import into the old module and
    was refused (F811); the fresh start began with the same import, then wrote the new module.
    The import's write was taken for a repeat (same call, same files: they had been restored)
    and the good attempt was cut. Repeats count within one attempt."""
    import_only = "pkg/stats.py\n```python\nfrom .extremes import top\n```\nDONE moved top"
    right = (
        "pkg/stats.py\n```python\nfrom .extremes import top\n```\n"
        "pkg/extremes.py\n```python\ndef top(values):\n    return max(values)\n```\nDONE moved top"
    )
    ctx, result = _move(ws, [import_only, import_only, right])
    assert result.error is None, result.error  # type: ignore[attr-defined]
    assert ctx.requests[2].temperature == 0.5  # the right reply came in a fresh start
    text = (ws.root / "pkg" / "stats.py").read_text("utf-8")
    assert "from .extremes import top" in text and "def top" not in text
    assert "def top(values)" in (ws.root / "pkg" / "extremes.py").read_text("utf-8")


def test_an_import_written_again_once_the_new_module_defines_the_name_removes_the_old_definition(
    ws: Workspace,
) -> None:
    """move-function: the import went into the old module in one turn (refused at DONE: F811, the
    definition was still there); the next turn wrote the import again, "already so", and the
    definition into the new module. The old definition stayed: only a new import removed it."""
    import_only = "pkg/stats.py\n```python\nfrom .extremes import top\n```\nDONE moved top"
    right = (
        "pkg/stats.py\n```python\nfrom .extremes import top\n```\n"
        "pkg/extremes.py\n```python\ndef top(values):\n    return max(values)\n```\nDONE moved top"
    )
    ctx, result = _move(ws, [import_only, right])
    assert result.error is None, result.error  # type: ignore[attr-defined]
    assert len(ctx.requests) == 2 and ctx.requests[1].temperature == 0.0
    text = (ws.root / "pkg" / "stats.py").read_text("utf-8")
    assert "from .extremes import top" in text and "def top" not in text
    assert "def top(values)" in (ws.root / "pkg" / "extremes.py").read_text("utf-8")


def test_imports_in_the_right_order_without_their_blank_lines_get_ruffs_blank_lines(ws: Workspace) -> None:
    """sort-imports, session 7 baseline: shown ruff's sorted block, Qwen copied it line for line
    without its blank lines (I001 again), three times. When only blank lines differ from ruff's
    isort fix, the written order gets ruff's blank lines; a different order stays as written."""
    (ws.root / "pkg" / "cli.py").write_text(CLI, "utf-8")
    wrong = "pkg/cli.py\n```python\nimport sys\nimport argparse\nfrom .stats import mean\n```"
    right = (
        "pkg/cli.py\n```python\nfrom __future__ import annotations\nimport argparse\nimport sys\n"
        "from .stats import mean\n```"
    )
    ctx = Snapshots(ws, [wrong, right + "\nDONE"], "Sort the imports of `pkg/cli.py` (standard library first)")
    result = run_loop(ctx, ctx.item.title, [], ["pkg/cli.py"], 512)
    assert result.error is None, result.error
    unsorted = "import sys\nfrom .stats import mean\nimport argparse\n"
    assert ctx.files[1] == CLI.replace(unsorted, "import sys\nimport argparse\nfrom .stats import mean\n")
    assert (ws.root / "pkg" / "cli.py").read_text("utf-8") == CLI.replace(
        unsorted, "import argparse\nimport sys\n\nfrom .stats import mean\n"
    )
