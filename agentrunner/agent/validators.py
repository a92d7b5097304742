"""Deterministic checks of a step's result: they decide pass/fail, and a fail escalates.

A validator takes the step's :class:`ActResult` (what the model answered, the tool calls made, the
files the step says it writes) and returns a :class:`Check`. Recipes add task-specific ones (the
label is one of the allowed ones, every email of the source was extracted, the renamed file still
compiles, …). None of them asks a model; the optional self-check in the graph does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass
class ActResult:
    """What one act attempt produced."""

    text: str = ""
    data: Any = None  # parsed JSON answer, when the step asked for JSON
    tool_results: list[dict[str, Any]] = field(default_factory=list)  # {tool, arguments, ok, output, error}
    writes: list[str] = field(default_factory=list)  # workspace paths the step must leave behind
    error: str | None = None  # set when the act itself could not finish (bad JSON, tool refused)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "data": self.data,
            "tool_results": self.tool_results,
            "writes": self.writes,
            "error": self.error,
        }


Validator = Callable[[ActResult, Path], Check]


def no_act_error(result: ActResult, root: Path) -> Check:
    return Check("act", result.error is None, result.error or "")


def non_empty(result: ActResult, root: Path) -> Check:
    has = bool(result.text.strip()) or result.data not in (None, "", [], {}) or bool(result.tool_results)
    return Check("non-empty", has, "" if has else "the answer is empty")


def tool_results_ok(result: ActResult, root: Path) -> Check:
    """The step's last tool call succeeded (a model that recovered from a refused call passes;
    one whose final action failed does not)."""
    if result.tool_results and not result.tool_results[-1].get("ok"):
        last = result.tool_results[-1]
        return Check("tools", False, f"{last.get('tool')}: {last.get('error')}")
    refused = sum(1 for r in result.tool_results if not r.get("ok"))
    return Check("tools", True, f"{len(result.tool_results)} tool call(s), {refused} refused")


def files_exist(result: ActResult, root: Path) -> Check:
    missing = [path for path in result.writes if not (root / path).is_file()]
    if missing:
        return Check("files", False, f"not written: {', '.join(missing)}")
    return Check("files", True, ", ".join(result.writes))


def json_matches(schema: dict[str, Any]) -> Validator:
    """The parsed answer has the schema's required keys, enum values and array bounds (the subset
    of JSON schema the recipes use: constrained decoding makes it hold; a premium tier without
    grammar might not)."""

    def check(result: ActResult, root: Path) -> Check:
        problem = _schema_problem(result.data, schema, "$")
        return Check("json-schema", problem is None, problem or "")

    return check


def _schema_problem(value: Any, schema: dict[str, Any], where: str) -> str | None:
    if "const" in schema and value != schema["const"]:
        return f"{where}: expected {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: {value!r} is not one of {schema['enum']}"
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            return f"{where}: expected an object"
        for key in schema.get("required", []):
            if key not in value:
                return f"{where}: missing {key!r}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problem = _schema_problem(value[key], sub, f"{where}.{key}")
                if problem:
                    return problem
    elif kind == "array":
        if not isinstance(value, list):
            return f"{where}: expected an array"
        if len(value) < schema.get("minItems", 0):
            return f"{where}: fewer than {schema['minItems']} items"
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return f"{where}: more than {schema['maxItems']} items"
        items = schema.get("items")
        if isinstance(items, dict):
            for index, element in enumerate(value):
                problem = _schema_problem(element, items, f"{where}[{index}]")
                if problem:
                    return problem
    elif kind == "string":
        if not isinstance(value, str):
            return f"{where}: expected a string"
        if len(value) < schema.get("minLength", 0):
            return f"{where}: shorter than {schema['minLength']}"
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, value):
            return f"{where}: {value!r} does not match {pattern}"
    return None


def run_validators(validators: list[Validator], result: ActResult, root: Path) -> list[Check]:
    """Every check, in order; stop at the first failure (later checks assume earlier ones)."""
    checks: list[Check] = []
    for validator in validators:
        check = validator(result, root)
        checks.append(check)
        if not check.ok:
            break
    return checks


def default_validators(extra: list[Validator] | None = None) -> list[Validator]:
    return [no_act_error, non_empty, tool_results_ok, files_exist, *(extra or [])]


__all__ = [
    "EMAIL",
    "ActResult",
    "Check",
    "Validator",
    "default_validators",
    "files_exist",
    "json_matches",
    "no_act_error",
    "non_empty",
    "run_validators",
    "tool_results_ok",
]
