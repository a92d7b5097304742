"""Fix items and test-writing items: what the model is shown first (issue 12, session 7).

fix-ci-currency and fix-failing-test (benchmarks/chores): shown the failing test's whole output,
Qwen2.5-Coder-1.5B wrote the failing function back unchanged, turn after turn (sessions 4–6).
A failure that asserts one call's result is now put as "`f(x)` returns A, but the test expects B",
next to that function's lines, with the ask to change its one wrong line in an edit block — and
the worked example the model copies is such a fix. test-item-value: an item naming only the test
file to add to was never shown the code it tests (`Item.value`), so the model had nothing to test.
The model is scripted (tests/test_agent_loop.py's ScriptedContext); pytest runs for real.
"""

from __future__ import annotations

from agentrunner.agent.assertions import wrong_result
from agentrunner.agent.loop import run_loop
from agentrunner.tools import Workspace
from tests.test_agent_loop import ScriptedContext
from tests.test_agent_loop import ws as ws  # the fixture, shared

BUGGY_MEAN = 'def mean(values):\n    """The average of values."""\n    return sum(values) // len(values)\n'


def test_a_failing_assert_on_a_call_is_shown_as_what_it_returned_next_to_the_function(ws: Workspace) -> None:
    (ws.root / "pkg" / "stats.py").write_text(BUGGY_MEAN, "utf-8")
    fix = (
        "pkg/stats.py\n<<<<<<< SEARCH\n    return sum(values) // len(values)\n=======\n"
        "    return sum(values) / len(values)\n>>>>>>> REPLACE\nDONE mean divides exactly"
    )
    ctx = ScriptedContext(ws, [fix, "DONE"], "CI is red: `tests/test_stats.py` fails. Fix the code, not the test.")
    result = run_loop(ctx, ctx.item.title, ["tests/test_stats.py"], [], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "`mean([1, 2])` returns 1, but the test expects 1.5." in prompt, prompt
    focus = prompt[prompt.index("returns 1, but") :]
    assert "mean in pkg/stats.py:\n   1\tdef mean(values):" in focus and "   3\t    return sum(values) // len" in focus
    assert "edit block for pkg/stats.py" in focus and focus.index("edit block") > focus.index("3\t")
    # the worked example the model sees first is a one-line fix, not a whole definition written again
    example = ctx.requests[0].messages[1].content + ctx.requests[0].messages[2].content
    assert "returns 'Hello Ann', but the test expects 'Hi Ann'" in example and "<<<<<<< SEARCH" in example
    assert result.error is None and "sum(values) / len(values)" in (ws.root / "pkg" / "stats.py").read_text("utf-8")


def test_a_truth_assert_is_read_from_pytests_where_line() -> None:
    output = (
        "    def test_at_the_level(bolt: Item) -> None:\n"
        ">       assert needs_reorder(replace(bolt, quantity=150))\n"
        "E       AssertionError: assert False\n"
        "E        +  where False = needs_reorder(Item(sku='B', quantity=150, reorder_level=150))\n"
        "E        +    where Item(sku='B', quantity=150, reorder_level=150) = replace(Item(sku='B', "
        "quantity=120, reorder_level=150), quantity=150)\n\ntests/test_reorder.py:10: AssertionError\n"
    )
    found = wrong_result(output)
    assert found is not None
    assert (found.function, found.got, found.expected) == ("needs_reorder", "False", "True")
    assert found.call == "needs_reorder(Item(sku='B', quantity=150, reorder_level=150))"
    negated = output.replace("assert needs_reorder(", "assert not needs_reorder(").replace(
        "assert False\nE        +  where False", "assert not True\nE        +  where True"
    )
    found = wrong_result(negated)
    assert found is not None and (found.got, found.expected) == ("True", "False")
    # not a call's result: nothing to focus on (the whole output stays what the model sees)
    assert wrong_result(">       assert total == 3\nE       assert 2 == 3\n") is None
    assert wrong_result(">       raise ValueError\nE       ValueError\n") is None


def test_a_failure_that_is_no_wrong_result_keeps_the_usual_prompt(ws: Workspace) -> None:
    (ws.root / "pkg" / "stats.py").write_text("def mean(values):\n    raise ValueError(values)\n", "utf-8")
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "`tests/test_stats.py` fails: fix the bug (the test is right)")
    run_loop(ctx, ctx.item.title, ["tests/test_stats.py"], [], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "The tests fail now:" in prompt and "ValueError" in prompt and "but the test expects" not in prompt
    assert "<<<<<<< SEARCH" not in ctx.requests[0].messages[2].content  # the usual worked example


def test_a_test_item_naming_only_the_test_file_is_shown_the_code_it_tests(ws: Workspace) -> None:
    (ws.root / "pkg" / "models.py").write_text(
        "class Box:\n    def __init__(self, n: int) -> None:\n        self.n = n\n\n"
        "    @property\n    def size(self) -> int:\n        return self.n * 2\n",
        "utf-8",
    )
    ctx = ScriptedContext(ws, ["DONE", "DONE"], "Add a test for `Box.size` to `tests/test_stats.py`")
    run_loop(ctx, ctx.item.title, [], ["tests/test_stats.py"], 512)
    prompt = ctx.requests[0].messages[3].content
    assert "tests/test_stats.py (line numbers" in prompt and "pkg/models.py (line numbers" in prompt, prompt
    assert "pkg/stats.py (line numbers" not in prompt


def test_a_fix_item_may_not_change_the_failing_test_to_pass(ws: Workspace) -> None:
    """fix-failing-test (session 7 baseline, TICKED BUT WRONG): told the test is right, Qwen wrote
    `assert not needs_reorder(...)` where the test asserted it, the tests passed, the item was ticked."""
    (ws.root / "pkg" / "stats.py").write_text(BUGGY_MEAN, "utf-8")
    test = (ws.root / "tests" / "test_stats.py").read_text("utf-8")
    weakened = (
        "tests/test_stats.py\n```python\nfrom pkg.stats import mean\n\n\n"
        "def test_mean():\n    assert mean([1, 2]) == 1\n```\nDONE"
    )
    ctx = ScriptedContext(ws, [weakened], "`tests/test_stats.py` fails — find the bug and fix it (the test is right)")
    result = run_loop(ctx, ctx.item.title, ["tests/test_stats.py"], [], 512)
    assert result.error and (ws.root / "tests" / "test_stats.py").read_text("utf-8") == test
    told = ctx.requests[1].messages[-1].content
    assert "tests/test_stats.py holds the failing test" in told and "(pkg/stats.py), not the test" in told, told
    # asked to change the test itself, the model may
    asked = ScriptedContext(ws, [weakened], "`tests/test_stats.py` fails: update the test for the new rounding")
    assert run_loop(asked, asked.item.title, ["tests/test_stats.py"], [], 512).error is None
    assert "== 1\n" in (ws.root / "tests" / "test_stats.py").read_text("utf-8")


def test_tests_that_build_a_class_without_its_required_arguments_are_told_which_to_pass(ws: Workspace) -> None:
    """test-inventory (session 7 baseline): every new test built `Item(...)` without `reorder_level`;
    Qwen took the TypeError for a bug of `Item` and wrote the class into the test file."""
    (ws.root / "pkg" / "models.py").write_text(
        "class Box:\n    def __init__(self, n: int, label: str) -> None:\n        self.n = n\n", "utf-8"
    )
    tests = "from pkg.models import Box\n\n\ndef test_one():\n    assert Box(1).n == 1\n\n\n"
    tests += "def test_two():\n    assert Box(2).n == 2\n"
    ctx = ScriptedContext(ws, [f"tests/test_box.py\n```python\n{tests}```\nDONE", "DONE"], "Write tests for `Box`")
    run_loop(ctx, ctx.item.title, ["pkg/models.py"], ["tests/test_box.py"], 512)
    told = ctx.requests[1].messages[-1].content
    assert "The tests fail" in told and "every `Box(...)` in them must pass label too" in told, told


def test_a_test_asked_for_and_not_added_is_said_before_only_reformatted() -> None:
    """test-item-value: the test file written back without its blank lines was told "only
    reformatted" three times; what is missing is the new test."""
    from agentrunner.agent.checks import item_problem
    from agentrunner.agent.journal import FileChange

    before = "from pkg.stats import mean\n\n\ndef test_mean():\n    assert mean([1, 2]) == 1.5\n"
    squeezed = FileChange("tests/test_stats.py", before.encode(), before.replace("\n\n\n", "\n").encode())
    problem = item_problem([squeezed], "Add a test for `top` to `tests/test_stats.py`", None)
    assert problem and "no new test function" in problem, problem


def test_a_fix_that_is_still_wrong_comes_back_as_what_the_call_returns_now(ws: Workspace) -> None:
    """fix-ci-currency (session 7, batch 1): the first edit changed the line, wrongly; the tests'
    short traceback went back, the model said DONE. The new wrong result is put the same way."""
    (ws.root / "pkg" / "stats.py").write_text(BUGGY_MEAN, "utf-8")
    wrong = (
        "pkg/stats.py\n<<<<<<< SEARCH\n    return sum(values) // len(values)\n=======\n"
        "    return sum(values) // len(values) + 1\n>>>>>>> REPLACE\nDONE"
    )
    ctx = ScriptedContext(ws, [wrong, "DONE"], "CI is red: `tests/test_stats.py` fails. Fix the code, not the test.")
    run_loop(ctx, ctx.item.title, ["tests/test_stats.py"], [], 512)
    told = ctx.requests[1].messages[-1].content
    assert "The tests fail" in told and "`mean([1, 2])` returns 2, but the test expects 1.5." in told, told
    assert "   3\t    return sum(values) // len(values) + 1" in told
