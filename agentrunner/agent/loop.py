"""The general path: one step in which the model works the item with tools until it says it is done.

Designed for a 1.5B coder model first (mini-swe-agent's lesson: a small text interface beats a
model-written plan), a premium model second:

- The model sees an action guide of 25 lines (its example paths are the step's own files), one
  worked example turn, then the item, its context lines, the files the item names (numbered
  lines) and what a developer would open first (failing tests' output and the code they import,
  the files holding a quoted string or defining a named function, grep of TODO comments, the file
  list when nothing is named). No "expected output" text that could be copied into a file.
- It answers in plain text with *actions*: aider-style SEARCH/REPLACE blocks (an exact-snippet
  edit), a path followed by a fenced block (a new or short file, whole), and one-line commands
  ``READ``, ``GREP``, ``GLOB``, ``RUN``, ``DONE``. Tool calls in a model's native format — the
  provider's ``tool_calls``, or ``<tool_call>{json}</tool_call>`` written as text — are accepted too.
  Every action goes through the :class:`~agentrunner.tools.Workspace` tools (confinement, parse
  checks, the ledger).
- Results come back as the next turn. A step ends when the model says ``DONE`` (or answers without
  an action), when the turn budget (``agent.max_tool_calls``) is spent, when it answers twice
  without an action while an output is missing, or when it repeats itself: the same call twice with
  no file changed in between (which also catches A,B,A,B cycles).
- Before it accepts ``DONE``, the loop runs the test files the item names or the step changed
  (lint-and-test loop, as aider): failing tests are the next turn's input, not a tick.

This module is the turns; the parts have a module each: what the model is told (guide.py), reading
its reply (replies.py), what it is shown first (context.py), the tests a step runs (testing.py), the
checks and repairs of a write before it runs (guards.py), an action and its record (actions.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from ..atomic import atomic_write
from ..chat import ChatRequest, Message, ToolCall
from ..tools import ToolResult
from .actions import CHANGING_TOOLS, Action, clip, describe, record, unique_actions
from .assertions import FIX_EXAMPLE_ANSWER, FIX_EXAMPLE_TASK, wrong_result_focus
from .checks import heading_problem, place_under_headings
from .cli_runs import option_run_check
from .context import (
    MAX_FOUND_FILES,
    command_code,
    defining_first,
    files_about,
    imported_by,
    marker_lines,
    modules_by_words,
    named_files,
    page_sources,
    traceback_files,
)
from .first_moves import FirstMove, first_move
from .guards import as_merge, pending_writes, pep561_marker, retarget, rewrite_refused, to_existing
from .guide import EXAMPLE_ANSWER, EXAMPLE_TASK, copied_example, copied_placeholder, first_prompt, system_prompt
from .intent import item_intent
from .journal import FileChange
from .options import shown_option_steps
from .replies import definition_owners, parse_reply, without_guide_echo
from .suite import suite_problem
from .symptoms import symptom_problem
from .testing import (
    failing_test_files,
    failing_tests,
    reproduced_crash,
    still_failing,
    test_feedback,
    test_files,
    test_kept,
)
from .todo_comments import marker_only
from .validators import ActResult
from .verification import content_checks, extras_table_fixed

MAX_LISTED_FILES = 40


def _fingerprint(root: Path, paths: set[str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.encode())
        try:
            digest.update((root / path).read_bytes())
        except OSError:
            digest.update(b"\0missing")
    return digest.hexdigest()


def run_loop(ctx: Any, instruction: str, reads: list[str], writes: list[str], max_tokens: int) -> ActResult:
    """Work one item with the tools until the model is done; see the module docstring."""
    workspace = ctx.workspace
    root: Path = workspace.root
    result = ActResult(writes=list(writes))
    listing = [workspace.relative(p) for p in workspace.walk(root)][:MAX_LISTED_FILES]
    failing = failing_tests(ctx, result, instruction, [*reads, *writes])
    crash = "" if failing else reproduced_crash(ctx, result, f"{instruction}\n{ctx.item.context}")
    # what a developer would open first: the files the item names, else the ones holding what it
    # quotes or the names it mentions, and the code a failing test's traceback points at
    named = [p for p in [*reads, *writes] if (root / p).is_file()]
    found = traceback_files(root, failing or crash) + (imported_by(root, test_files(named)) if failing else [])
    found = defining_first(root, found, failing)
    focus = wrong_result_focus(root, failing, found) if failing else ""
    failing_shown = f"{failing}\n\n{focus}" if focus else failing or crash
    kept_tests = failing_test_files(root, failing, f"{instruction}\n{ctx.item.context}", found)
    if not named or (not failing and test_files(named) == named):
        # an item naming only the test file to add to is shown the code it tests, too
        found += files_about(ctx, f"{instruction}\n{ctx.item.context}", instruction)
        if found and not failing:  # a command's output reported: the code its handler calls, first
            callees = command_code(root, found[0], f"{instruction}\n{ctx.item.context}")
            found = [*callees, *(path for path in found if path not in callees)]
    if not named and not found and not failing:
        # nothing named or found: the modules a new page is about, else (no output named) the
        # ones sharing the item's words — not the bare file list
        text = f"{instruction}\n{ctx.item.context}"
        found = page_sources(root, writes, text) or ([] if writes else modules_by_words(root, text))
    elif named and not failing and all(PurePosixPath(p).suffix.lower() in _PROSE for p in named):
        # a new page linked from the README names only the README: the code the page is about is
        # shown too (heldout22 service-docs, blind: shown the README alone, Qwen wrote the item back
        # and made thresholds up)
        about = page_sources(root, writes, f"{instruction}\n{ctx.item.context}")
        found = [*about, *(path for path in found if path not in about)]
    originals: dict[str, bytes | None] = {}  # each changed file as it was before the step touched it
    changed: set[str] = set()
    move_note = ""
    move = first_move(ctx, instruction, writes)
    if move is not None:
        finished, move_note = _make_first_move(ctx, result, move, reads, originals, changed)
        if finished:
            return result
    shown = [*reads, *writes, *found[:MAX_FOUND_FILES]]
    files = named_files(ctx, shown)
    missing = [p for p in writes if not (root / p).exists()]
    markers = marker_lines(ctx, instruction)
    head = [
        Message(role="system", content=system_prompt(list(files), missing)),
        Message(role="user", content=FIX_EXAMPLE_TASK if focus else EXAMPLE_TASK),
        Message(role="assistant", content=FIX_EXAMPLE_ANSWER if focus else EXAMPLE_ANSWER),
    ]
    # the project's file list only when the item names no file to show: it costs a few hundred
    # prompt tokens, which is seconds per turn for a small local model
    item_text = f"{instruction}\n{ctx.item.context}"
    steps = shown_option_steps(root, list(files), instruction, item_text)
    task = first_prompt(
        instruction, ctx.item.context, files, [] if files else listing, failing_shown, markers, move_note, steps
    )
    messages = [*head, Message(role="user", content=task)]
    in_play = list(dict.fromkeys([*writes, *files]))
    default_path = writes[0] if len(writes) == 1 else in_play[0] if len(in_play) == 1 else None
    known = frozenset([*in_play, *listing])
    owners = definition_owners({path: _text_of(root, path) for path in in_play if path.endswith(".py")})
    seen: set[str] = set()
    made: set[str] = set()  # the signatures of this attempt's writes that were made
    touched: set[str] = set(files) | set(writes)
    turns = max(ctx.max_tool_calls, 1)
    tests_failed_at: str | None = None
    idle = False  # the previous reply had no action
    restarts = 0
    last_feedback = ""  # what the model was last told (the lesson a fresh start keeps)

    def fresh_start(why: str, turn: int) -> bool:
        """Instead of ending a stuck attempt (the model repeats a refused reply, or says DONE again
        in the state the gate refused): start over from the files as before the step, in a fresh
        conversation whose task carries the failure as a short note, sampled with a seed. At
        temperature 0 with its failed attempt in context a 1.5B model says the same again."""
        nonlocal messages, restarts, idle, tests_failed_at
        if restarts >= MAX_FRESH_STARTS or turn + 1 >= turns:
            return False
        restarts += 1
        _restore(root, originals)
        changed.clear()
        seen.difference_update(made)  # the restore undid these writes: made again, they are no repeat
        made.clear()
        idle, tests_failed_at = False, None
        note = (
            f"An earlier attempt at this task was refused:\n{clip(why.strip(), MAX_NOTE_CHARS)}\n"
            "Start again from the files as they are shown here, and do it differently."
        )
        now = named_files(ctx, shown)
        prompt = first_prompt(
            instruction, ctx.item.context, now, [] if now else listing, failing_shown, markers, note, steps
        )
        messages = [*head, Message(role="user", content=prompt)]
        return True

    for turn in range(turns):
        _trim_history(messages)
        tools = list(getattr(ctx, "native_tools", []))  # a premium tier's own tool calling (graph._Act)
        sampling: dict[str, Any] = {"temperature": 0.0}
        if restarts:
            sampling = {"temperature": FRESH_TEMPERATURE, "seed": restarts}
        response = ctx.call(ChatRequest(messages=messages, max_tokens=max_tokens, tools=tools, **sampling))
        reply = parse_reply(without_guide_echo(response.text), default_path, known, owners)
        reply.actions += [
            Action(call.name, dict(call.arguments), call.id or f"call_{turn}") for call in response.tool_calls
        ]
        result.text = reply.done or response.text.strip()
        if not reply.actions:
            unwritten = [p for p in writes if not (root / p).exists()]
            if reply.done is None and unwritten:
                nudge = (
                    f"{', '.join(unwritten)} does not exist yet. "
                    "Write the path, then the full content in a fenced block."
                )
                if idle and fresh_start(nudge, turn):
                    continue
                if turn + 1 >= turns or idle:
                    # a second answer without any action will not be followed by one (a tiny model)
                    why = "answered twice without an action" if idle else f"not finished within {turns} turns"
                    result.error = f"{why}: {', '.join(unwritten)} not written"
                    return result
                idle = True
                messages += [Message(role="assistant", content=response.text), Message(role="user", content=nudge)]
                last_feedback = nudge
                continue
            last = turn + 1 >= turns
            feedback, tests_failed_at = _gate_done(
                ctx, result, changed, reads, touched, tests_failed_at, last, originals,
                [p for p in writes if not (root / p).exists()],
            )  # fmt: skip
            if feedback is None:
                # the same refused state again: start over (still no change: the verification
                # says what is missing, as it did before fresh starts)
                if result.error and fresh_start(last_feedback or result.error, turn):
                    result.error = None
                    continue
                return result
            messages += [Message(role="assistant", content=response.text), Message(role="user", content=feedback)]
            last_feedback = feedback
            continue
        idle = False
        reports: list[str] = []
        native: list[tuple[Action, ToolResult]] = []
        ran_from = len(result.tool_results)
        rewritten_as_is = False  # a definition written as the file has it (merging is True)
        restarted = False
        pending = pending_writes(reply.actions)
        for action in unique_actions(reply.actions):
            state = _fingerprint(root, touched | changed)
            signature = json.dumps([action.tool, action.arguments, state], sort_keys=True, default=str)
            if action.tool == "read_file":
                action.arguments.setdefault("line_numbers", True)
            retarget(action, root, default_path)
            to_existing(action, root, in_play)
            asked_path = str(action.arguments.get("path"))
            pep561_marker(action, root)
            if asked_path in writes and action.arguments.get("path") != asked_path:
                # the output the item names is where PEP 561 puts it (a top-level py.typed was
                # checked as "not written" after the marker went into the package)
                moved_to = str(action.arguments["path"])
                writes[writes.index(asked_path)] = result.writes[result.writes.index(asked_path)] = moved_to
            example = None if action.native_id else copied_example(action)
            if example:
                # the worked example's code (often in a degenerate reply, under a path made up from
                # its prose) is no call: not run, no failure to fix. Told "Fix what failed", Qwen
                # wrote the example again into a real module and the good work was lost (py-typed)
                reports.append(f"[{action.tool} {action.arguments.get('path') or ''}] ignored: {example}")
                continue
            if signature in seen:
                if fresh_start(last_feedback or "the same reply twice", turn):
                    restarted = True
                    break
                told = _first_line(last_feedback)
                result.error = (
                    f"the model repeated the same tool call {action.tool}({_short(action.arguments)}) "
                    "with no file changed in between: stopped the loop" + (f" (it was told: {told})" if told else "")
                )
                return result
            seen.add(signature)
            copied = copied_placeholder(action) or rewrite_refused(action, root)
            merging = (
                None if copied else as_merge(action, root, f"{instruction}\n{ctx.item.context}", response.text, pending)
            )
            dropped = marker_only(action, root, item_text) if merging is True else None
            if dropped:
                merging, copied = None, dropped  # only a TODO comment left out: refused, saying so
            if merging is True:
                # a definition written again as it is (next to the one the model changed): no
                # change and no failure — "Fix what failed" made the model repeat the reply
                outcome = ToolResult(True, f"{action.arguments.get('path')}: already so, nothing to change")
                rewritten_as_is = True
            elif isinstance(merging, str):
                outcome = ToolResult(False, "", merging)
            elif copied:
                outcome = ToolResult(False, "", copied)
            elif refused := test_kept(action, root, kept_tests):
                outcome = ToolResult(False, "", refused)
            else:
                _remember(originals, root, action)
                outcome = ctx.tool(action.tool, action.arguments)
            record(result, action, outcome)
            path = action.arguments.get("path") or action.arguments.get("destination")
            if outcome.ok and merging is not True and action.tool in CHANGING_TOOLS and isinstance(path, str):
                changed.add(path.strip())
                made.add(signature)
            if action.native_id is not None:
                native.append((action, outcome))
            else:
                reports.append(describe(action, outcome))
        if restarted:
            continue
        messages.append(
            Message(
                role="assistant",
                content=response.text,
                tool_calls=[ToolCall(id=a.native_id or "", name=a.tool, arguments=a.arguments) for a, _ in native],
            )
        )
        messages += [
            Message(role="tool", content=clip(o.as_message(), 4_000), tool_call_id=a.native_id) for a, o in native
        ]
        failed = any(not r["ok"] for r in result.tool_results[ran_from:])
        changed_now = any(
            r["ok"] and r["tool"] in CHANGING_TOOLS and "already so" not in str(r.get("output"))
            for r in result.tool_results[ran_from:]
        )
        if failing and rewritten_as_is and not changed_now and not failed:
            # a small model asked to fix a failing test writes the failing function again as it is
            # (Qwen2.5-Coder-1.5B on fix-ci-currency, session 4) and says DONE: show it the failure
            reports.append(still_failing(failing, focus))
            failed = True
        if reply.done is not None and not failed:
            last = turn + 1 >= turns
            feedback, tests_failed_at = _gate_done(
                ctx, result, changed, reads, touched, tests_failed_at, last, originals,
                [p for p in writes if not (root / p).exists()],
            )  # fmt: skip
            if feedback is None:
                # the same refused state again: start over (still no change: the verification
                # says what is missing, as it did before fresh starts)
                if result.error and fresh_start(last_feedback or result.error, turn):
                    result.error = None
                    continue
                return result
            reports.append(feedback)
        if reports:
            tail = "Fix what failed, then write DONE." if failed else "Continue; write DONE when the task is finished."
            messages.append(Message(role="user", content="\n\n".join([*reports, tail])))
            last_feedback = "\n\n".join(reports)
    result.error = result.error or f"not finished within {turns} turns (agent.max_tool_calls)"
    return result


MAX_FRESH_STARTS = 2  # fresh conversations after a stuck attempt, within the same turn budget
FRESH_TEMPERATURE = 0.5  # a fresh start is sampled (seeded): at 0 the model would say the same again
MAX_NOTE_CHARS = 700  # the failure a fresh start's task carries


def _first_line(feedback: str) -> str | None:
    """What a stuck attempt's last feedback says, as its error (None when there was none)."""
    lines = [line for line in feedback.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else None


def _text_of(root: Path, path: str) -> str:
    try:
        return (root / path).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _restore(root: Path, originals: dict[str, bytes | None]) -> None:
    """Every file the step changed back to its bytes before the step (a created one removed)."""
    for path, data in originals.items():
        target = root / path
        if data is None:
            target.unlink(missing_ok=True)
        elif not target.is_file() or target.read_bytes() != data:
            atomic_write(target, data)


def _gate_done(
    ctx: Any,
    result: ActResult,
    changed: set[str],
    reads: list[str],
    touched: set[str],
    failed_at: str | None,
    last_turn: bool,
    originals: dict[str, bytes | None] | None = None,
    unwritten: Sequence[str] = (),
) -> tuple[str | None, str | None]:
    """The model said DONE: check what it changed does what the item literally asks (the
    verification's ``asked`` check) and run the tests it touches. ``(None, …)``: finished — all
    good, or ``result.error`` says what is still wrong (the same state twice, or no turn left).
    Otherwise what is wrong, to show the model, and the state it was found in."""
    nudge = None if changed else _no_change_feedback(ctx, result)
    if unwritten:
        # heldout23 goal-docs (blind): Qwen wrote laps/goals.py out as it was and said DONE; the
        # step ended there and the page the item names was never asked for again
        nudge = (
            f"Not done yet: {', '.join(unwritten)} does not exist yet, and the task asks for it. "
            "Write the path, then its full content in a fenced block; then write DONE."
        )
    feedback = (
        _asked_feedback(ctx, changed, originals or {})
        or nudge
        or test_feedback(ctx, result, changed, reads)
        or _runs_feedback(ctx, changed, originals or {})
        or _suite_feedback(ctx, changed)
        or _symptom_feedback(ctx, changed)
    )
    if feedback is None:
        return None, failed_at
    state = _fingerprint(ctx.workspace.root, touched | changed)
    if (state == failed_at or last_turn) and feedback == nudge:
        return None, failed_at  # still no change: the verification says what is missing (its intent check)
    if state == failed_at or last_turn:
        first = feedback.strip().splitlines()
        result.error = ("tests fail: " + first[-1][:300]) if first[0].startswith("The tests fail") else first[0][:300]
        return None, failed_at
    return feedback, state


_PROSE = {".md", ".markdown", ".rst", ".txt"}
MOVE_REPAIRS = 4  # a refused first move's own fixes before the model is asked (heldout45 nights-strict-types: 3)


def _make_first_move(
    ctx: Any,
    result: ActResult,
    move: FirstMove,
    reads: list[str],
    originals: dict[str, bytes | None],
    changed: set[str],
) -> tuple[bool, str]:
    """Make the move's writes and run the gate on them: (True, "") when it accepts (the step is
    done, no model call); else (False, the note the model's first prompt carries) with the writes
    kept for the model to fix, or (False, "") with them undone."""
    root = ctx.workspace.root
    for path, content in move.writes:
        action = Action("write_file", {"path": path, "content": content})
        _remember(originals, root, action)
        outcome = ctx.tool("write_file", action.arguments)
        record(result, action, outcome)
        if not outcome.ok:
            _restore(root, originals)
            originals.clear()
            changed.clear()
            return False, ""
        changed.add(path)
    feedback, _ = _gate_done(ctx, result, changed, reads, set(changed), None, False, originals)
    for _ in range(MOVE_REPAIRS):
        if feedback is None or move.repair is None:
            break
        # the move's own fix first ("mypy: Argument 1 … expected "str"": the hint widened), so the
        # model is asked only about what the move cannot fix
        repaired = [(path, move.repair(_text_of(root, path), feedback)) for path, _ in move.writes]
        if not any(text is not None for _, text in repaired):
            break
        for path, text in repaired:
            if text is not None:
                action = Action("write_file", {"path": path, "content": text})
                record(result, action, ctx.tool("write_file", action.arguments))
        result.error = None
        feedback, _ = _gate_done(ctx, result, changed, reads, set(changed), None, False, originals)
    if feedback is None and result.error is None:
        result.text = "\n".join([move.summary, *move.notes])
        return True, ""
    result.error = None
    if move.keep_when_refused and feedback:
        note = (
            f"A first version of this change is made already ({move.summary}), and the check refused it:\n"
            f"{clip(feedback.strip(), MAX_NOTE_CHARS)}\nFix what the check says; keep the rest as it is."
        )
        return False, note
    _restore(root, originals)
    originals.clear()
    changed.clear()
    return False, ""


def _remember(originals: dict[str, bytes | None], root: Path, action: Action) -> None:
    """Keep the bytes of the file a changing action is about to touch, the first time."""
    path = action.arguments.get("path")
    if action.tool not in CHANGING_TOOLS or not isinstance(path, str) or path.strip() in originals:
        return
    try:
        originals[path.strip()] = (root / path.strip()).read_bytes()
    except OSError:
        originals[path.strip()] = None


def _no_change_feedback(ctx: Any, result: ActResult) -> str | None:
    """A change item (agent/intent.py) that changed no file is not done. A command may have
    changed files the loop does not track: then the verification's journal decides."""
    if any(r.get("ok") and r.get("tool") in ("shell", "run") for r in result.tool_results):
        return None
    if not item_intent(ctx.item.title, ctx.item.context, ctx.item.tags).change:
        return None
    refused = next((r for r in reversed(result.tool_results) if not r.get("ok")), None)
    why = f" ({refused.get('tool')} was refused: {refused.get('error')})" if refused else ""
    return f"Not done yet: no file changed, but the task asks for a change{why}. Make it, then write DONE."


def _changes(root: Path, changed: set[str], originals: dict[str, bytes | None]) -> list[FileChange]:
    """What the step changed so far: each path it wrote, from its bytes before the step to now."""
    changes = []
    for path in sorted(changed):
        try:
            after: bytes | None = (root / path).read_bytes()
        except OSError:
            after = None
        if path in originals and originals[path] != after:
            changes.append(FileChange(path, originals[path], after))
    return changes


def _asked_feedback(ctx: Any, changed: set[str], originals: dict[str, bytes | None]) -> str | None:
    root = ctx.workspace.root
    changes = _changes(root, changed, originals)
    changes = [_extras_table_named(ctx, _placed_under_headings(ctx, change)) for change in changes]
    if not changes:
        return None
    linked = _readme_linked(ctx, changes, changed, originals)
    if linked is not None:
        changes.append(linked)
    # every content check the verification will run (an `__all__` listing imports, a stub, a file
    # gutted …), not only `asked`: told now, the model can fix it; found after the loop, the item
    # fails without the model ever hearing why (issue 12, add-dunder-all)
    literals = {"instruction": ctx.item.title}  # the general step's instruction is the item title
    checks = content_checks(changes, literals=literals, item_text=f"{ctx.item.title}\n{ctx.item.context}", root=root)
    failed = next((check for check in checks if not check.ok), None)
    problem = failed and (failed.detail if failed.name == "asked" else f"{failed.name}: {failed.detail}")
    if not problem:
        return None
    # a list to copy ends on its own line: Qwen copied ". Fix it, then write DONE." into a bullet
    return f"Not done yet: {problem}" + ("\n" if "\n" in problem else ". ") + "Fix it, then write DONE."


def _runs_feedback(ctx: Any, changed: set[str], originals: dict[str, bytes | None]) -> str | None:
    """The option the change added, run as the item quotes its command (agent/cli_runs.py): a
    crash or output that is not the JSON asked, told now — the `--json` move asks its fields again,
    the model can fix its code — rather than found after the loop (heldout17 rent-json)."""
    changes = _changes(ctx.workspace.root, changed, originals)
    if not changes:
        return None
    timeout = ctx.agent.config.agent.shell_timeout if hasattr(ctx, "agent") else 60.0
    item_text = f"{ctx.item.title}\n{ctx.item.context}"
    ran = option_run_check(ctx.workspace, changes, item_text, task_id=ctx.item.id, timeout=timeout)
    return f"Not done yet: {ran.detail}" if ran is not None and not ran.ok else None


def _suite_feedback(ctx: Any, changed: set[str]) -> str | None:
    """Tests that passed before the work and fail now (agent/suite.py), told while the model can
    still fix them (heldout18 minor-version: a `--version` test no one ran)."""
    baseline = (getattr(ctx, "state", None) or {}).get("suite")
    if baseline is None or not changed:
        return None
    timeout = ctx.agent.config.agent.shell_timeout if hasattr(ctx, "agent") else 60.0
    problem = suite_problem(ctx.workspace, baseline, task_id=ctx.item.id, timeout=timeout)
    return f"Not done yet: {problem}, then write DONE." if problem else None


def _symptom_feedback(ctx: Any, changed: set[str]) -> str | None:
    """The item's command still shows the bug it quotes (agent/symptoms.py): told now, the model
    can look for the code that works the value out; found after the loop, the item fails."""
    symptom = (getattr(ctx, "state", None) or {}).get("symptom")
    if not symptom or not changed:
        return None
    timeout = ctx.agent.config.agent.shell_timeout if hasattr(ctx, "agent") else 60.0
    problem = symptom_problem(ctx.workspace, symptom, task_id=ctx.item.id, timeout=timeout)
    return f"Not done yet: {problem}. Then write DONE." if problem else None


def _placed_under_headings(ctx: Any, change: FileChange) -> FileChange:
    """A markdown change whose added lines are not under the headings the item names, with them
    moved there (:func:`~agentrunner.agent.checks.place_under_headings`), written through the
    edit tool; the change as it was when they cannot be moved."""
    item_text = f"{ctx.item.title}\n{ctx.item.context}"
    if change.before is None or change.after is None or not heading_problem([change], item_text):
        return change
    before, after = change.before.decode("utf-8", "replace"), change.after.decode("utf-8", "replace")
    placed = place_under_headings(before, after, item_text)
    if placed is None or heading_problem([FileChange(change.path, change.before, placed.encode())], item_text):
        return change
    outcome = ctx.tool("edit_file", {"path": change.path, "old": after, "new": placed})
    return FileChange(change.path, change.before, placed.encode()) if outcome.ok else change


# "link the page from the README", "and link it in README.md"
_LINK_FROM_README = re.compile(r"\blink\w*\b[^.\n]{0,40}?\b(?:from|in|to|into)\s+(?:the\s+)?README\b", re.IGNORECASE)
_DOCS_SECTION = re.compile(r"^#{2,6}\s*(?:docs|documentation|more|see also|further reading|guides?)\b.*$", re.I | re.M)


def _readme_linked(
    ctx: Any, changes: list[FileChange], changed: set[str], originals: dict[str, bytes | None]
) -> FileChange | None:
    """The README with a link to the one new docs page the step wrote, when the item asks for the
    page to be linked from the README and the README was left as it was — the link added by code, at
    the end of the README's docs section or of the README. Told to add it, Qwen2.5-Coder-1.5B rewrote
    the README's opening as a new file, then the page as the README's text (heldout21 ready-docs)."""
    root: Path = ctx.workspace.root
    item_text = f"{ctx.item.title}\n{ctx.item.context}"
    readme = root / "README.md"
    if not _LINK_FROM_README.search(item_text) or not readme.is_file() or "README.md" in changed:
        return None
    pages = [
        c for c in changes
        if c.before is None and c.after and c.path.startswith("docs/") and c.path.endswith((".md", ".markdown"))
    ]  # fmt: skip
    if len(pages) != 1:
        return None
    page = pages[0]
    before = readme.read_bytes()
    text = before.decode("utf-8", "replace")
    if page.path in text:
        return None
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", (page.after or b"").decode("utf-8", "replace"), re.MULTILINE)
    title = heading.group(1).strip() if heading else PurePosixPath(page.path).stem.replace("-", " ")
    line = f"- [{title}]({page.path})"
    section = _DOCS_SECTION.search(text)
    if section is not None:
        following = re.search(r"^#{1,6}\s", text[section.end() :], re.MULTILINE)
        end = section.end() + following.start() if following else len(text)
        body = text[:end].rstrip("\n")
        new = f"{body}\n{line}\n" + (f"\n{text[end:]}" if following else "")
    else:
        new = f"{text.rstrip()}\n\nSee also: [{title}]({page.path}).\n"
    outcome = ctx.tool("write_file", {"path": "README.md", "content": new})
    if not outcome.ok:
        return None
    originals.setdefault("README.md", before)
    changed.add("README.md")
    return FileChange("README.md", before, new.encode())


def _extras_table_named(ctx: Any, change: FileChange) -> FileChange:
    """A pyproject.toml change with its extras in a table PEP 621 does not read, with that table
    named ``[project.optional-dependencies]`` (:func:`~agentrunner.agent.verification.extras_table_fixed`)."""
    if change.before is None or change.after is None or not change.path.endswith("pyproject.toml"):
        return change
    fixed = extras_table_fixed(change.before, change.after, f"{ctx.item.title}\n{ctx.item.context}")
    if fixed is None:
        return change
    outcome = ctx.tool("edit_file", {"path": change.path, "old": change.after.decode(), "new": fixed.decode()})
    return FileChange(change.path, change.before, fixed) if outcome.ok else change


MAX_HISTORY_CHARS = 24_000  # ≈ 7k tokens: the conversation must fit a small model's context


def _trim_history(messages: list[Message]) -> None:
    """Shorten the oldest turns (never the guide, the example or the task) until the conversation
    fits; the latest two turns stay whole."""
    keep_head, keep_tail = 4, 4
    for message in messages[keep_head : max(len(messages) - keep_tail, keep_head)]:
        if sum(len(m.content) for m in messages) <= MAX_HISTORY_CHARS:
            return
        if len(message.content) > 200:
            message.content = message.content[:200] + "\n[… older output left out]"


def _short(arguments: dict[str, Any]) -> str:
    text = json.dumps(arguments, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


__all__ = ["MAX_FRESH_STARTS", "run_loop"]
