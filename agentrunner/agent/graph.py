"""The agent graph: plan → (route → act → verify → escalate?)* → summarise, checkpointed.

A LangGraph :class:`StateGraph` per item, compiled with a SQLite checkpointer in ``state.db``; the
thread id is the item id and every node's result is saved before the next node starts
(``durability="sync"``). A run killed in the middle resumes on the next start from the last
finished node; the node that was cut off runs again, and its model calls — whose step ids are
deterministic (``item:attempt:step:kind:tier:call``) — are answered from the ledger
(``Gateway.call(..., reuse=True)``) when they had completed: nothing is paid twice.

Every model call is routed (:class:`~agentrunner.router.Router`), made through the
:class:`~agentrunner.gateway.Gateway` with run/task/step ids and step kind, and its reservation is
released when it ends.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from .. import budgets
from ..atomic import atomic_write
from ..chat import ChatRequest, ChatResponse, Message
from ..config import Config
from ..errors import BudgetExhausted, Interrupted, ProviderError
from ..gateway import CallContext, Gateway
from ..ledger import Ledger
from ..router import Decision, ItemCapExceeded, RouteContext, Router, StageVerdict, Step
from ..todo import follow_link, slugify
from ..tools import ToolContext, ToolRefused, ToolResult, Workspace
from . import recipes
from .actions import CHANGING_TOOLS
from .checks import asks_for_new_tests, named_identifiers
from .cli_runs import option_run_check
from .intent import item_intent, no_change_problem
from .journal import ItemJournal, RestoreReport, Transactions
from .mutants import mutant_check
from .recipes import ItemInfo, StepSpec
from .review import docstring_sources, ignore_files, prose_pages, table_pages
from .suite import suite_failures, suite_problem
from .symptoms import capture_symptom, symptom_problem
from .validators import ActResult, Check, default_validators, run_validators
from .verification import content_checks, outputs_check, tests_check, tests_for

RECURSION_LIMIT = 200


class RedactingSerializer(JsonPlusSerializer):
    """LangGraph's serializer, with every string of a checkpoint passed through the ledger's
    redaction first: item text, tool output and answers may hold keys, and state.db must not.
    (An item whose text holds a key resumes with it redacted.)"""

    def __init__(self, redact: Callable[[str | None], str | None]) -> None:
        super().__init__()
        self._redact = redact

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._redact(value)
        if isinstance(value, dict):
            return {key: self._scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._scrub(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self._scrub(item) for item in value)
        return value

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return super().dumps_typed(self._scrub(obj))


class AgentState(TypedDict, total=False):
    item: dict[str, Any]
    run_id: str
    attempt: int
    recipe: str
    plan: list[dict[str, Any]]
    step_index: int
    decision: dict[str, Any] | None
    exclude: list[str]
    act: dict[str, Any] | None
    checks: list[dict[str, Any]]
    passed: bool
    outputs: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    status: str  # running | done | failed
    error: str | None
    result_path: str | None
    acts: int  # steps acted so far, retries on another tier included (agent.max_steps caps it)
    symptom: dict[str, Any] | None  # the quoted command's output before the work (agent/symptoms.py)
    suite: list[str] | None  # the project's failing tests before the work (agent/suite.py)


@dataclass
class ItemOutcome:
    status: str  # done | failed
    error: str | None = None
    result_path: str | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)
    recipe: str = ""

    @property
    def cost_usd(self) -> float:
        return sum(c.get("cost_usd") or 0.0 for c in self.calls)

    def tier_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call["tier"]] = counts.get(call["tier"], 0) + 1
        return counts


def _decision_to_dict(decision: Decision) -> dict[str, Any]:
    return asdict(decision)


def _decision_from_dict(data: dict[str, Any]) -> Decision:
    values = dict(data)
    values["stages"] = [StageVerdict(**s) for s in values.get("stages", [])]
    return Decision(**values)


@dataclass
class _RoutedCall:
    decision: Decision
    response: ChatResponse | None  # None when the provider failed
    error: ProviderError | None
    call: dict[str, Any] | None  # what the item's call list records


class _Act:
    """The :class:`~agentrunner.agent.recipes.ActContext` of one act: calls and tools of a step."""

    def __init__(self, agent: Agent, state: AgentState, step: StepSpec, decision: Decision) -> None:
        self.agent = agent
        self.workspace = agent.workspace
        self.item = ItemInfo(**state["item"])
        self.max_tool_calls = agent.config.agent.max_tool_calls
        self.first_moves = agent.config.agent.first_moves
        self.state = state
        self.step = step
        self.decision = decision
        self.calls: list[dict[str, Any]] = []
        self.base_id = f"{self.item.id}:a{state['attempt']}:s{step.index}:{step.kind}:{decision.tier}"
        tier = agent.config.tiers.get(decision.tier)
        # premium tiers get the tools as their API's tool list (read back as tool_use/tool_calls)
        self.native_tools = self.workspace.specs() if tier is not None and tier.offers_native_tools() else []

    def call(self, request: ChatRequest) -> ChatResponse:
        self.agent.check_stop()
        step_id = f"{self.base_id}:c{len(self.calls)}"
        context = CallContext(
            run_id=self.agent.run_id,
            task_id=self.item.id,
            step_id=step_id,
            step_kind=self.step.kind,
            route_reason=self.decision.reason,
            route_score=self.decision.score,
            task_type=self.state.get("recipe"),
        )
        extra = self._reserve_for(request)
        try:
            response = self.agent.gateway.call(self.decision.tier, request, context, reuse=True)
        finally:
            budgets.release(self.agent.ledger, extra)
        self.calls.append(
            {
                "call_id": response.call_id,
                "tier": response.tier or self.decision.tier,
                "cost_usd": response.cost_usd,
                "reused": response.reused,
                "input_tokens": response.usage.input_tokens,
                "output_tokens": response.usage.output_tokens,
                "step_id": step_id,
            }
        )
        return response

    def _reserve_for(self, request: ChatRequest) -> str | None:
        """The step's reservation covers one call of the size the router estimated from the
        instruction. The real request is bigger (system prompt, tool specs, tool results) and a
        tool loop makes more calls: reserve the difference, and each further call's whole worst
        case, so items running in parallel cannot together spend past a cap (found by
        tests/test_reliability_budgets.py: 1.7% over a per-run cap with 4 jobs)."""
        worst = self.agent.router.worst_case(self.decision.tier, Step.for_request(request, kind=self.step.kind))
        if worst is None:
            return None
        covered = (self.decision.worst_case_usd or 0.0) if not self.calls else 0.0
        if worst - covered <= 0:
            return None
        reservation = budgets.reserve(
            self.agent.config, self.agent.ledger, worst - covered, tier=self.decision.tier, run_id=self.agent.run_id
        )
        if reservation.blocked_by is not None:
            raise BudgetExhausted(budgets.describe_block(reservation.blocked_by, worst - covered, self.decision.tier))
        return reservation.id

    def tool(self, name: str, arguments: dict[str, Any]) -> ToolResult:
        return self.workspace.call(
            name,
            arguments,
            ToolContext(run_id=self.agent.run_id, task_id=self.item.id, step_id=f"{self.base_id}:t"),
        )


class Agent:
    """Works to-do items through the graph. One per run; ``work`` may be called from threads."""

    def __init__(
        self,
        config: Config,
        ledger: Ledger,
        gateway: Gateway,
        router: Router,
        state_path: Path,
        *,
        stop: threading.Event | None = None,
        today: date | None = None,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.gateway = gateway
        self.router = router
        self.workspace = Workspace(config, ledger)
        # every tool write and command of an item is journaled: a failed item is rolled back
        self.transactions = Transactions(
            config.data_dir / "journal", self.workspace.root, exclude=[config.data_dir, config.tasks_dir]
        )
        self.workspace.guard = self.transactions
        # what a rollback could not undo (a file the user edited after the agent wrote it), per
        # item: the runner adds it to the item's warning line
        self.restore_notes: dict[str, str] = {}
        self.stop = stop or threading.Event()
        self.today = today or date.today()
        self.conn = sqlite3.connect(state_path, check_same_thread=False, timeout=30.0)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA busy_timeout=30000")
        self.redact = ledger.redact
        self.checkpointer = SqliteSaver(self.conn, serde=RedactingSerializer(self.redact))
        self.checkpointer.setup()
        self.graph = self._build().compile(checkpointer=self.checkpointer)
        self._slug_lock = threading.Lock()
        self.events: list[Any] = []  # progress callbacks: fn(item_id, message)
        # calls are recorded under the current run, also when resuming an older run's item
        self.run_id: str = ""

    def close(self) -> None:
        self.conn.close()

    def check_stop(self) -> None:
        if self.stop.is_set():
            raise Interrupted("interrupted: state saved, run again to resume")

    def _emit(self, state: AgentState, message: str) -> None:
        for callback in self.events:
            callback(state["item"]["id"], message)

    # -- the graph -------------------------------------------------------------------------

    def _build(self) -> StateGraph:
        graph = StateGraph(AgentState)
        graph.add_node("plan", self.plan)
        graph.add_node("route", self.route)
        graph.add_node("act", self.act)
        graph.add_node("verify", self.verify)
        graph.add_node("escalate", self.escalate)
        graph.add_node("summarise", self.summarise)
        graph.add_edge(START, "plan")
        graph.add_conditional_edges("plan", lambda s: "route" if s.get("plan") else END, ["route", END])
        graph.add_edge("route", "act")
        graph.add_edge("act", "verify")
        graph.add_conditional_edges("verify", self._after_verify, ["route", "summarise", "escalate"])
        graph.add_conditional_edges("escalate", lambda s: "act" if s.get("decision") else END, ["act", END])
        graph.add_edge("summarise", END)
        return graph

    def _after_verify(self, state: AgentState) -> str:
        if not state.get("passed"):
            return "escalate"
        return "route" if state["step_index"] < len(state["plan"]) else "summarise"

    def _step(self, state: AgentState) -> StepSpec:
        return StepSpec.from_dict(state["plan"][state["step_index"]])

    def _route_step(self, state: AgentState, spec: StepSpec) -> Step:
        item = ItemInfo(**state["item"])
        size = sum(self._file_size(path) for path in spec.reads) + len(item.context)
        prompt_tokens = int((len(spec.instruction) + size) / 3.5) + 64
        return Step(
            instruction=spec.instruction,
            kind=spec.kind,
            tags=list(item.tags),
            files=[*spec.reads, *spec.writes],
            prompt_tokens=prompt_tokens,
            max_tokens=spec.max_tokens,
            needs_json=spec.needs_json,
            needs_tools=spec.needs_tools,
            cost_cap_usd=item.cost_cap_usd,
        )

    def _file_size(self, path: str) -> int:
        try:
            return min(self.workspace.resolve(path).stat().st_size, 20_000)
        except (OSError, ToolRefused):
            return 0

    def _spent(self, state: AgentState) -> float:
        return sum(c.get("cost_usd") or 0.0 for c in state.get("calls", []) if not c.get("reused"))

    def plan(self, state: AgentState) -> dict[str, Any]:
        item = ItemInfo(**state["item"])
        # the bug as the item shows it, before any work: the command it quotes, run as it is now
        # (agent/symptoms.py; the verification runs it again on the fixed code)
        symptom = capture_symptom(
            self.workspace, f"{item.title}\n{item.context}", task_id=item.id, timeout=self.config.agent.shell_timeout
        )
        if symptom is not None:
            self._emit(state, f"symptom: `{' '.join(symptom['words'])}` shows {len(symptom['lines']) or 'a crash'}")
        # the project's tests as they are before the work: the ones failing now are not the work's
        suite = suite_failures(self.workspace, task_id=item.id, timeout=self.config.agent.shell_timeout)
        before = {"symptom": symptom, "suite": suite}
        found = recipes.recipe_for(item, self.workspace.root)
        if found is not None:
            recipe, params = found
            steps = recipe.plan(item, params)
            self._emit(state, f"plan: {recipe.name} recipe, {len(steps)} step(s)")
            cap = self.config.agent.max_steps
            if len(steps) > cap:
                error = f"the {recipe.name} plan has {len(steps)} steps, more than agent.max_steps ({cap})"
                return {"recipe": recipe.name, "plan": [], "status": "failed", "error": error}
            return {"recipe": recipe.name, "plan": [s.as_dict() for s in steps], "step_index": 0, **before}
        # the general path is one step: the model works the item with tools until it is done (a
        # model-written plan is beyond a small model, and a capable one plans inside the loop)
        steps = [recipes.general_step(0, item.title, item, self.workspace.root)]
        self._emit(state, "plan: general loop, 1 step")
        return {"recipe": "general", "plan": [s.as_dict() for s in steps], "step_index": 0, **before}

    def route(self, state: AgentState) -> dict[str, Any]:
        spec = self._step(state)
        step = self._route_step(state, spec)
        decision = self.router.choose(
            step, RouteContext(run_id=self.run_id, exclude=frozenset(), item_spent_usd=self._spent(state))
        )
        return {"decision": _decision_to_dict(decision), "exclude": []}

    def _journal(self, state: AgentState) -> ItemJournal | None:
        return self.transactions.journals.get(state["item"]["id"])

    def act(self, state: AgentState) -> dict[str, Any]:
        spec = self._step(state)
        decision = _decision_from_dict(state["decision"] or {})
        journal = self._journal(state)
        if journal is not None:
            # a step that runs again (escalated to a stronger tier, or cut off by a kill) starts
            # from the files as they were before the step
            undone = journal.savepoint(f"s{spec.index}")
            if undone is not None and (undone.restored or undone.removed):
                self._emit(state, f"rolled back {len(undone.restored) + len(undone.removed)} path(s) of the step")
            if undone is not None and undone.note():
                self._add_note(state["item"]["id"], undone)
        recipe = recipes.BY_NAME[spec.recipe]
        context = _Act(self, state, spec, decision)
        try:
            result = recipe.act(context, spec)
        except ProviderError as exc:
            result = ActResult(writes=list(spec.writes), error=f"{decision.tier}: {exc}")
        finally:
            self.router.release(decision)
        marks = " ".join(f"{t['tool']}{'' if t['ok'] else '✗'}" for t in result.tool_results)
        self._emit(state, f"{spec.kind}({decision.tier}) {marks}".rstrip())
        return {
            "act": result.as_dict(),
            "calls": [*state.get("calls", []), *context.calls],
            "acts": state.get("acts", 0) + 1,
        }

    def verify(self, state: AgentState) -> dict[str, Any]:
        spec = self._step(state)
        data = dict(state["act"] or {})
        result = ActResult(**data)
        recipe = recipes.BY_NAME[spec.recipe]
        checks: list[Check] = run_validators(
            default_validators(recipe.validators(spec) if result.error is None else []), result, self.workspace.root
        )
        passed = all(check.ok for check in checks)
        if passed:
            tried = [
                str(r["arguments"].get("path"))
                for r in result.tool_results
                if r.get("ok") and r.get("tool") in CHANGING_TOOLS and isinstance(r.get("arguments"), dict)
            ]
            checks += self._honest_checks(state, spec, result.text, tried)
            passed = all(check.ok for check in checks)
        calls = list(state.get("calls", []))
        if passed and state.get("decision"):
            # Cascade: a classifier that reads answers may still send a passing cheap answer up.
            verdict = self.router.review_answer(
                self._route_step(state, spec),
                _decision_from_dict(state["decision"] or {}),
                result.text,
                RouteContext(run_id=self.run_id, exclude=frozenset(state.get("exclude", []))),
            )
            if verdict is not None:
                checks.append(Check("cascade", verdict.verdict == "accept", verdict.detail))
                passed = verdict.verdict == "accept"
        if passed and self.config.agent.self_check:
            check, call = self._self_check(state, spec, result)
            checks.append(check)
            calls += [call] if call else []
            passed = check.ok
        if passed and not self.config.agent.self_check:
            review = self._review_check(state, spec)
            if review is not None:
                checks.append(review)
                passed = False
        failed = next((c for c in checks if not c.ok), None)
        self._emit(
            state, "verify ✓" if passed else f"verify ✗ {failed.name}: {failed.detail}" if failed else "verify ✗"
        )
        update: dict[str, Any] = {"checks": [c.as_dict() for c in checks], "passed": passed, "calls": calls}
        if passed:
            decision = state["decision"] or {}
            outputs = [
                *state.get("outputs", []),
                {
                    "step": spec.index,
                    "instruction": spec.instruction,
                    "tier": decision.get("tier"),
                    "text": result.text[:2000],
                    "writes": result.writes,
                    "tools": [f"{t['tool']}({'ok' if t['ok'] else t['error']})" for t in result.tool_results],
                    "checks": [c.as_dict() for c in checks],
                },
            ]
            update.update({"outputs": outputs, "step_index": state["step_index"] + 1, "decision": None})
        else:
            update["error"] = f"{failed.name}: {failed.detail}" if failed else "verification failed"
        return update

    def _review_check(self, state: AgentState, spec: StepSpec) -> Check | None:
        """A failed ``review`` check when the item's work is what no deterministic check can tell is
        right — a page of prose, docstrings and nothing else, a table of records, or the general
        loop's .gitignore — and a tier which may not tick such work on the checks alone wrote it, in
        the general loop, the docstring or the data-table recipe (agent/review.py); the draft is kept
        in ``tasks/review/<day>/`` before the item's files are rolled back."""
        tier_name = str((state.get("decision") or {}).get("tier") or "")
        tier = self.config.tiers.get(tier_name)
        if spec.recipe not in {"general", "docstring", "data-table"} or tier is None or not tier.reviews_prose():
            return None
        if state["step_index"] < len(state["plan"]) - 1:
            return None
        if ((state.get("act") or {}).get("data") or {}).get(recipes.FROM_RUNS):
            return None  # a docstring of runs of the function, each example one (agent/example_docstrings.py)
        journal = self._journal(state)
        changes = journal.changes() if journal is not None else []
        kinds = [
            (prose_pages(changes), "a page of prose", "this page of prose"),
            (docstring_sources(changes), "docstrings", "these docstrings"),
            (table_pages(changes), "a table of records", "this table"),
            (
                ignore_files(changes) if spec.recipe == "general" else [],
                "ignore lines for an item no rule read",
                "this .gitignore",
            ),
        ]
        pages, what, this = next(((p, w, t) for p, w, t in kinds if p), ([], "", ""))
        if not pages:
            return None
        item = ItemInfo(**state["item"])
        header = (
            f"> Draft, not applied: tier `{tier_name}` wrote {this} and no check can tell "
            f"{'they are' if this.startswith('these') else 'it is'} right. "
            "Review it; `git apply` the diff below to keep it.\n\n"
        )
        draft = self._write_result("review", item, header + self._result_markdown(state, item))
        shown = draft.relative_to(self.config.base_dir) if draft.is_relative_to(self.config.base_dir) else draft
        named = ", ".join(pages)
        return Check(
            "review",
            False,
            f"draft in {shown}, not applied: {named} is {what} by tier `{tier_name}`, which no deterministic "
            "check can tell is right (a reviewer, agent.self_check, or a tier with review_prose = false may tick it)",
        )

    def _write_result(self, kind: str, item: ItemInfo, markdown: str) -> Path:
        """Writes ``tasks/<kind>/<day>/<slug>.md`` for the item (its own file if one is there, else a
        new name; under the lock, so two items of one title never share a file) and returns it."""
        folder = self.config.tasks_dir / kind / self.today.isoformat()
        follow_link(folder, [self.config.workspace, self.config.base_dir], what="results folder")  # no link out
        with self._slug_lock:
            base = slugify(self.redact(item.title) or "")
            path = folder / f"{base}.md"
            number = 2
            while path.exists() and f"<!-- item {item.id} -->" not in path.read_text("utf-8", "replace"):
                path = folder / f"{base}-{number}.md"
                number += 1
            atomic_write(path, self.redact(markdown) or "")
        return path

    def _honest_checks(self, state: AgentState, spec: StepSpec, answer: str, tried: list[str]) -> list[Check]:
        """What the step really changed (the journal's record): every file parses, none is a
        template echo, a stub or gutted; at the last step every named output changed and the
        tests the item names or touches pass (agent/verification.py). ``tried``: the files the
        step's tool calls wrote, kept or rolled back."""
        journal = self._journal(state)
        if journal is None:
            return []
        item = ItemInfo(**state["item"])
        item_text = f"{item.title}\n{item.context}"
        literals = {"expected output": spec.expected, "instruction": spec.instruction, "item text": item.title}
        checks = content_checks(
            journal.changes(since=f"s{spec.index}"), literals=literals, item_text=item_text, root=self.workspace.root
        )
        if not all(check.ok for check in checks) or state["step_index"] < len(state["plan"]) - 1:
            return checks
        outputs = list(dict.fromkeys(path for step in state["plan"] for path in step.get("writes", [])))
        checks.append(outputs_check(outputs, {path: journal.original(path) for path in outputs}, self.workspace.root))
        if not checks[-1].ok:
            return checks
        if spec.recipe == "general":  # a recipe's own validators check what it writes
            intent = item_intent(item.title, item.context, item.tags, outputs=bool(outputs))
            changed = [change.path for change in journal.changes()]
            problem = no_change_problem(intent, changed)
            checks.append(Check("intent", problem is None, problem or f"{intent.wants}: {intent.reason}"))
            if problem:
                return checks
            if not changed and tried:
                # the model changed files and a failed attempt rolled them back: the item wanted a
                # change its words did not say (held-out summary-fahrenheit, "`meteo summary` needs a
                # `--fahrenheit` flag", was ticked as an answer with cli.py restored)
                wrote = ", ".join(dict.fromkeys(tried))
                detail = f"no file changed; the step wrote {wrote}, and those changes were rolled back: not done"
                checks.append(Check("answer", False, detail))
                return checks
            if not changed:
                # with no file changed the answer is the work; the step's own content check skips the
                # answer when its tool results show a write, which a fresh start may have rolled back
                # (the answer "x" of an item naming no output was ticked)
                why = recipes.degenerate(answer)
                checks.append(
                    Check("answer", why is None, f"no file changed; the answer is {why}" if why else "an answer")
                )
                if why:
                    return checks
        tests = tests_for(
            recipes.mentioned_paths(item_text),
            journal.changes(),
            self.workspace.root,
            mentions_tests=bool(re.search(r"\btests?\b", item_text, re.IGNORECASE)),
        )
        checks.append(tests_check(self.workspace, tests, task_id=item.id, timeout=self.config.agent.shell_timeout))
        if checks[-1].ok:
            ran = option_run_check(
                self.workspace, journal.changes(), item_text, task_id=item.id, timeout=self.config.agent.shell_timeout
            )
            if ran is not None:
                checks.append(ran)
                if not ran.ok:
                    return checks
        if checks[-1].ok and state.get("suite") is not None and journal.changes():
            broke = suite_problem(
                self.workspace, state.get("suite") or [], task_id=item.id, timeout=self.config.agent.shell_timeout
            )
            checks.append(Check("suite", broke is None, broke or "the project's tests pass as they did before"))
            if broke:
                return checks
        if checks[-1].ok and state.get("symptom"):
            problem = symptom_problem(
                self.workspace, state["symptom"] or {}, task_id=item.id, timeout=self.config.agent.shell_timeout
            )
            shown = " ".join((state["symptom"] or {}).get("words", []))
            checks.append(Check("symptom", problem is None, problem or f"`{shown}` no longer shows the bug"))
            if problem:
                return checks
        if checks[-1].ok and asks_for_new_tests(item_text):
            checks.append(
                mutant_check(
                    self.workspace,
                    journal.changes(),
                    named_identifiers(item_text),
                    task_id=item.id,
                    timeout=self.config.agent.shell_timeout,
                )
            )
        return checks

    def _routed_call(
        self, state: AgentState, request: ChatRequest, *, kind: str, label: str, task_type: str | None
    ) -> _RoutedCall:
        """A step that is one model call (plan, self-check): route it, make the call — reused from the
        ledger when a killed run already paid for it (deterministic step id) — and release the
        reservation. A provider failure is returned, not raised: these steps have fallbacks."""
        item = ItemInfo(**state["item"])
        step = Step.for_request(request, kind=kind, tags=list(item.tags), cost_cap_usd=item.cost_cap_usd)
        decision = self.router.choose(step, RouteContext(run_id=self.run_id, item_spent_usd=self._spent(state)))
        step_id = f"{item.id}:a{state['attempt']}:{label}:{kind}:{decision.tier}:c0"
        try:
            self.check_stop()
            response = self.gateway.call(
                decision.tier,
                request,
                CallContext(
                    run_id=self.run_id,
                    task_id=item.id,
                    step_id=step_id,
                    step_kind=kind,
                    route_reason=decision.reason,
                    route_score=decision.score,
                    task_type=task_type,
                ),
                reuse=True,
            )
        except ProviderError as exc:
            return _RoutedCall(decision, None, exc, None)
        finally:
            self.router.release(decision)
        call = {
            "call_id": response.call_id,
            "tier": response.tier or decision.tier,
            "cost_usd": response.cost_usd,
            "reused": response.reused,
            "step_id": step_id,
        }
        return _RoutedCall(decision, response, None, call)

    SELF_CHECK_SCHEMA: ClassVar[dict[str, Any]] = {
        "type": "object",
        "properties": {"verdict": {"enum": ["pass", "fail"]}, "reason": {"type": "string"}},
        "required": ["verdict", "reason"],
    }

    def _self_check(self, state: AgentState, spec: StepSpec, result: ActResult) -> tuple[Check, dict[str, Any] | None]:
        """``agent.self_check``: a routed ``verify`` call asks a model whether the step's output does
        what the step asked (after the deterministic checks passed). Worth it with capable models
        only: a tiny model's verdict is noise, so it is off by default."""
        produced = result.text[:1500]
        journal = self._journal(state)
        diff = "".join(change.diff(limit=120) for change in journal.changes(since=f"s{spec.index}")) if journal else ""
        if diff:  # a reviewer reads the change itself, not only the files
            produced += f"\n\nDiff:\n{diff[:4000]}"
        for path in result.writes[:2] if not diff else []:
            with contextlib.suppress(OSError):
                produced += f"\n\nFile {path}:\n" + (self.workspace.root / path).read_text("utf-8", "replace")[:1500]
        request = ChatRequest(
            messages=[
                Message(
                    role="user",
                    content=f"Task: {spec.instruction}\n\nOutput:\n{produced}\n\n"
                    "Does the output do what the task asked? Answer pass or fail with a short reason.",
                )
            ],
            json_schema=self.SELF_CHECK_SCHEMA,
            max_tokens=64,
            temperature=0.0,
        )
        routed = self._routed_call(state, request, kind="verify", label=f"s{spec.index}", task_type=state.get("recipe"))
        decision, response, call = routed.decision, routed.response, routed.call
        if response is None:
            return Check("self-check", False, f"{decision.tier}: {routed.error}"), None
        try:
            data = json.loads(response.text)
            verdict, reason = data["verdict"], str(data.get("reason", ""))[:200]
        except (ValueError, KeyError, TypeError):
            return Check("self-check", False, f"unreadable verdict {response.text[:80]!r}"), call
        return Check("self-check", verdict == "pass", f"{decision.tier}: {reason}"), call

    def escalate(self, state: AgentState) -> dict[str, Any]:
        spec = self._step(state)
        failed = _decision_from_dict(state["decision"] or {})
        exclude = frozenset([*state.get("exclude", []), failed.tier])
        error = state.get("error") or "verification failed"
        later = len(state["plan"]) - state["step_index"] - 1  # steps still to act after this one
        cap = self.config.agent.max_steps
        if state.get("acts", 0) + 1 + later > cap:
            self._emit(state, "agent.max_steps spent: no retry on another tier")
            return {"decision": None, "status": "failed", "error": f"{error}; agent.max_steps ({cap}) spent"}
        step = self._route_step(state, spec)
        try:
            decision = self.router.escalate(
                step, failed, RouteContext(run_id=self.run_id, exclude=exclude, item_spent_usd=self._spent(state))
            )
        except ItemCapExceeded as exc:
            decision = None
            error = f"{error}; {exc}"
        if decision is None:
            self._emit(state, "no tier to escalate to")
            return {"decision": None, "status": "failed", "error": error}
        self._emit(state, f"escalate → {decision.tier}")
        return {"decision": _decision_to_dict(decision), "exclude": sorted(exclude)}

    def summarise(self, state: AgentState) -> dict[str, Any]:
        item = ItemInfo(**state["item"])
        path = self._write_result("done", item, self._result_markdown(state, item))
        self._emit(state, f"summarise → {path.name}")
        return {"status": "done", "result_path": str(path), "error": None}

    def _result_markdown(self, state: AgentState, item: ItemInfo) -> str:
        calls = state.get("calls", [])
        cost = sum(c.get("cost_usd") or 0.0 for c in calls)
        lines = [
            f"# {item.title}",
            "",
            f"<!-- item {item.id} -->",
            f"- from: `{item.file}`",
            f"- done: {self.today.isoformat()} · run `{state['run_id']}` · attempt {state['attempt']}",
            f"- recipe: {state.get('recipe')} · {len(calls)} calls · ${cost:.6f}",
            "",
            "## Steps",
            "",
        ]
        for output in state.get("outputs", []):
            lines.append(f"{output['step'] + 1}. {output['instruction']} — tier `{output['tier']}`")
            if output["tools"]:
                lines.append(f"   - tools: {', '.join(output['tools'])}")
            if output["writes"]:
                lines.append(f"   - wrote: {', '.join(f'`{w}`' for w in output['writes'])}")
            lines.append(f"   - checks: {', '.join(c['name'] + ('✓' if c['ok'] else '✗') for c in output['checks'])}")
            if output["text"].strip():
                lines += ["", "   ```", *[f"   {line}" for line in output["text"].strip().splitlines()[:40]], "   ```"]
        lines += ["", "## Checks", ""]
        for output in state.get("outputs", []):
            lines.append(f"Step {output['step'] + 1}:")
            lines.append("")
            for check in output["checks"]:
                detail = str(check.get("detail") or "").strip()
                first, _, rest = detail.partition("\n")
                lines.append(f"- {'✓' if check['ok'] else '✗'} **{check['name']}** {first}".rstrip())
                if rest.strip():
                    lines += ["", "  ```text", *[f"  {line}" for line in rest.strip().splitlines()[-30:]], "  ```"]
            lines.append("")
        journal = self._journal(state)
        changes = journal.changes() if journal is not None else []
        lines += ["## Changes", ""]
        if not changes:
            lines += ["No file changed.", ""]
        for change in changes:
            diff = change.diff().rstrip("\n")
            fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`{3,}", diff))])  # outlast fences inside
            lines += [f"### `{change.path}`", "", f"{fence}diff", diff, fence, ""]
        return "\n".join(lines)

    # -- running an item -------------------------------------------------------------------

    def thread(self, item_id: str) -> RunnableConfig:
        return {"configurable": {"thread_id": item_id}, "recursion_limit": RECURSION_LIMIT}

    def has_checkpoint(self, item_id: str) -> bool:
        """True when the item's graph stopped in the middle (killed, interrupted, budget stop)."""
        snapshot = self.graph.get_state(self.thread(item_id))
        return bool(snapshot.next)

    def forget(self, item_id: str) -> None:
        """The item's attempt is over (done and ticked, or failed and rolled back): drop its
        checkpoints (the next attempt starts from the plan) and its journal, release its paths."""
        self.checkpointer.delete_thread(item_id)
        self.transactions.end(item_id, discard=True)

    def _add_note(self, item_id: str, report: RestoreReport) -> None:
        note = report.note()
        if note:
            old = self.restore_notes.get(item_id)
            self.restore_notes[item_id] = f"{old}; {note}" if old and note not in old else note

    def work(self, item: ItemInfo, *, run_id: str, attempt: int, resume: bool) -> ItemOutcome:
        """Run (or resume) one item's graph to the end. Raises BudgetExhausted / Interrupted with
        the state checkpointed; returns done or failed otherwise."""
        config = self.thread(item.id)
        self.run_id = run_id
        finished = self._finished_outcome(config)
        if finished is not None and not self.transactions.journal(item.id).rolled_back:
            # The graph ended (result written, final checkpoint saved) but the run died before the
            # to-do file was ticked: the work and its journal stand. Re-running would roll the work
            # back and ask the model again with a prompt that now differs (the result file exists),
            # i.e. pay twice (tests/test_reliability_kill.py). Unless a run that did not work the
            # item rolled its files back meanwhile (roll_back_leftovers): then it is done again.
            return finished
        journal = self.transactions.begin(item.id)
        if resume and self.has_checkpoint(item.id) and not journal.rolled_back:
            # the finished steps' files are what the checkpoint describes: keep them (the step that
            # was cut off rolls back to its savepoint when it runs again)
            pass
        else:
            # a fresh start — also of an item a stopped or killed run left half-done: its files
            # are rolled back first, and its finished calls are answered from the ledger
            self._add_note(item.id, journal.restore_all())
            journal.clear_rolled_back()
            resume = False
        try:
            final = self._invoke(item, config, run_id=run_id, attempt=attempt, resume=resume)
        except BaseException:
            # interrupted, stopped by a budget, a tier that cannot take a step, …: every file as
            # it was; the checkpoint is stale now, so the next run starts the item afresh
            self._add_note(item.id, journal.restore_all())
            journal.mark_rolled_back()
            self.transactions.end(item.id, discard=False)
            raise
        status = final.get("status") or "failed"
        if status == "running":
            status = "failed"
        if status != "done":
            self._add_note(item.id, journal.restore_all())
            self.transactions.end(item.id, discard=True)
        return ItemOutcome(
            status=status,
            error=final.get("error"),
            result_path=final.get("result_path"),
            calls=list(final.get("calls", [])),
            recipe=final.get("recipe") or "",
        )

    def _finished_outcome(self, config: Any) -> ItemOutcome | None:
        """The outcome of an item whose graph already ended done (its checkpoint), else None."""
        snapshot = self.graph.get_state(config)
        values = snapshot.values or {}
        if snapshot.next or values.get("status") != "done":
            return None
        return ItemOutcome(
            status="done",
            error=None,
            result_path=values.get("result_path"),
            calls=[{**call, "reused": True} for call in values.get("calls", [])],
            recipe=values.get("recipe") or "",
        )

    def _invoke(self, item: ItemInfo, config: Any, *, run_id: str, attempt: int, resume: bool) -> dict[str, Any]:
        if resume:
            final = self.graph.invoke(None, config, durability="sync")
        else:
            self.checkpointer.delete_thread(item.id)
            initial: AgentState = {
                "item": item.as_dict(),
                "run_id": run_id,
                "attempt": attempt,
                "plan": [],
                "step_index": 0,
                "decision": None,
                "exclude": [],
                "act": None,
                "checks": [],
                "passed": False,
                "outputs": [],
                "calls": [],
                "status": "running",
                "error": None,
                "result_path": None,
            }
            final = self.graph.invoke(initial, config, durability="sync")
        return dict(final)


__all__ = ["RECURSION_LIMIT", "Agent", "AgentState", "ItemOutcome"]
