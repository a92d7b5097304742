"""What the project's own tests pass to and get back from the functions of one module.

A 1.5B model asked to type-hint a module guesses the types (held-out report-type-hints:
``entries: list[dict]`` where the code passes ``Entry`` records — mypy errors in five of seven
suites). The types are answered by *observing* the code run, the way MonkeyType and pyannotate do:
the project's tests run once in the sandbox under a tracer that records, for each call of a
function defined in the module, the runtime types of its arguments, of what it returned (or the
exception it raised) and of its locals as it returned.

The tracer is a small script run with the project's Python (``python -c RUNNER``), so the project's
imports resolve as in its tests; it prints one JSON line after pytest finishes. Only frames of the
module's file are traced (``sys.settrace`` returns no local tracer elsewhere), so the cost is the
module's own calls. Nothing is written: a killed trace leaves every file as it was.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..tools import Workspace
from .verification import pytest_argv

MARKER = "AGENTRUNNER-TRACE "
MAX_CALLS = 40  # calls recorded per function (the first ones: enough kinds of input, a bounded output)
TRACE_OUTPUT_CAP = 4_000_000  # the trace is one JSON line at the end of pytest's output

# Run as ``python -c RUNNER module-file pytest-args...`` in the project folder.
RUNNER = r"""
import json, os, sys
sys.path[:0] = [p for p in ('src', '.') if os.path.isdir(p)]
TARGET = os.path.realpath(sys.argv[1])
MAX_CALLS = %(max_calls)d
calls = {}
active = {}

def name_of(cls):
    return [cls.__module__, cls.__qualname__]

def describe(value, depth=0):
    cls = type(value)
    if value is None:
        return {'k': 'none'}
    if depth > 3:
        return {'k': 'any'}
    if cls in (list, set, frozenset):
        return {'k': cls.__name__, 'of': [describe(v, depth + 1) for v in list(value)[:20]]}
    if isinstance(value, dict):  # a defaultdict or Counter too: `dict[str, int]` holds one
        items = list(value.items())[:20]
        return {'k': 'dict', 'key': [describe(k, depth + 1) for k, _ in items],
                'val': [describe(v, depth + 1) for _, v in items]}
    if cls is tuple:
        return {'k': 'tuple', 'items': [describe(v, depth + 1) for v in value[:8]], 'n': len(value)}
    if isinstance(value, type):
        return {'k': 'type', 'of': name_of(value)}
    if callable(value) and cls.__name__ in ('function', 'builtin_function_or_method', 'method', 'partial'):
        return {'k': 'callable'}
    if cls.__name__ == 'generator':
        return {'k': 'iterator', 'of': [describe(v, depth + 1) for v in peek(value)]}
    return {'k': 'class', 'name': name_of(cls)}

def peek(gen):
    # the first values of a generator expression not started yet, from a copy: its code run again
    # over a copy of the list (or tuple, range) it walks, the generator itself left as it was
    # (heldout39 usage-strict-types: `_total(day.main for day in group)` was `Iterator[Any]`)
    import inspect, types
    try:
        if inspect.getgeneratorstate(gen) != 'GEN_CREATED' or gen.gi_code.co_name != '<genexpr>':
            return []
        frame = gen.gi_frame
        rebuild, args, *state = frame.f_locals['.0'].__reduce__()
        if rebuild is not iter or not isinstance(args[0], (list, tuple, range)):
            return []
        items = list(args[0])[(state[0] if state else 0):][:20]
        code = gen.gi_code
        cells = tuple(types.CellType(frame.f_locals[n]) for n in code.co_freevars) or None
        again = types.FunctionType(code, frame.f_globals, None, None, cells)
        return list(again(iter(items)))[:20]
    except Exception:
        return []

def local(frame, event, arg):
    key = id(frame)
    record = active.get(key)
    if record is None:
        return None
    if event == 'exception':
        record['raised'] = name_of(arg[0])
        frame.f_trace_lines = True
    elif event == 'line' and 'raised' in record:
        del record['raised']  # caught inside the function
        frame.f_trace_lines = False
    elif event == 'return':
        del active[key]
        code = frame.f_code
        if 'raised' in record and arg is None:
            record['raises'] = record.pop('raised')
        else:
            record.pop('raised', None)
            record['returns'] = describe(arg)
            if code.co_flags & 0x20:
                record['generator'] = True
        record['locals'] = {n: describe(v) for n, v in frame.f_locals.items()
                            if n not in record['params'] and not n.startswith('__')}
        # a method's instance: what its containers hold (a dataclass's `climbs: list`)
        own = getattr(frame.f_locals.get('self'), '__dict__', None)
        if isinstance(own, dict):
            record['attrs'] = {n: describe(v) for n, v in own.items()
                               if isinstance(v, (list, dict, set, tuple)) and not n.startswith('_')}
    return local

ours = {}

def tracer(frame, event, arg):
    code = frame.f_code
    filename = code.co_filename
    mine = ours.get(filename)
    if mine is None:
        mine = ours[filename] = os.path.realpath(filename) == TARGET
    if not mine or event != 'call':
        return None
    qualname = getattr(code, 'co_qualname', code.co_name)
    seen = calls.setdefault(qualname, [])
    if len(seen) >= MAX_CALLS or frame.f_back is not None and frame.f_back.f_code is code:
        return None
    count = code.co_argcount + code.co_kwonlyargcount
    names = list(code.co_varnames[:count])
    if code.co_flags & 0x04:
        names.append(code.co_varnames[count])
        count += 1
    if code.co_flags & 0x08:
        names.append(code.co_varnames[count])
    values = frame.f_locals
    record = {'params': {n: describe(values.get(n)) for n in names}}
    seen.append(record)
    active[id(frame)] = record
    frame.f_trace_lines = False
    return local

import pytest
sys.settrace(tracer)
import threading
threading.settrace(tracer)
try:
    status = pytest.main(['-q', '-p', 'no:cacheprovider', *sys.argv[2:]])
finally:
    sys.settrace(None)
print(%(marker)r + json.dumps({'status': int(status), 'calls': calls}, default=str))
""" % {"max_calls": MAX_CALLS, "marker": MARKER}  # noqa: UP031 (the script has braces)


@dataclass
class Call:
    """One observed call: each parameter's runtime type (a descriptor, see RUNNER's ``describe``)
    and what came out."""

    params: dict[str, Any]
    returns: dict[str, Any] | None = None  # None when it raised
    raises: tuple[str, str] | None = None  # (module, qualname) of the exception
    generator: bool = False
    locals: dict[str, Any] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)  # a method's `self`: its container attributes


@dataclass
class Trace:
    """The calls observed per function (qualified name as Python gives it: ``f``, ``Cls.m``,
    ``outer.<locals>.inner``), and whether the traced tests passed."""

    calls: dict[str, list[Call]]
    tests_passed: bool

    def of(self, qualname: str) -> list[Call]:
        return self.calls.get(qualname, [])


def _call(record: dict[str, Any]) -> Call:
    raises = record.get("raises")
    return Call(
        params=record.get("params", {}),
        returns=record.get("returns"),
        raises=(raises[0], raises[1]) if isinstance(raises, list) and len(raises) == 2 else None,
        generator=bool(record.get("generator")),
        locals=record.get("locals", {}),
        attrs=record.get("attrs", {}),
    )


def parse_output(output: str) -> Trace | None:
    """The trace the runner printed (its last marker line), or None."""
    for line in reversed(output.splitlines()):
        if line.startswith(MARKER):
            try:
                data = json.loads(line[len(MARKER) :])
            except json.JSONDecodeError:
                return None
            calls = {name: [_call(r) for r in records] for name, records in data.get("calls", {}).items()}
            return Trace(calls=calls, tests_passed=data.get("status") == 0)
    return None


def _test_folders(root: Path) -> list[str]:
    """What pytest is pointed at: the project's tests folder when there is one (its
    configuration's testpaths apply otherwise)."""
    for folder in ("tests", "test"):
        if (root / folder).is_dir():
            return [folder]
    return []


def trace_module(workspace: Workspace, module: str, *, task_id: str, timeout: float = 240.0) -> Trace | None:
    """Run the project's tests in the sandbox, tracing the calls of the functions defined in
    ``module`` (a path relative to the workspace). None when it cannot run (no Python with
    pytest for the project, no sandbox, a timeout) or printed no trace."""
    root = workspace.root
    base = pytest_argv(root)
    if base is None or not re.search(r"python[\d.]*$", PurePosixPath(base[0]).name):
        return None
    path = (root / module).resolve()
    argv = [base[0], "-c", RUNNER, str(path), *_test_folders(root)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        # read-only: tracing changes nothing (tests write to their tmp_path, the sandbox's /tmp)
        done = workspace.run_argv(
            argv, timeout=timeout, task_id=task_id, env=env, writable=False, output_cap=TRACE_OUTPUT_CAP
        )
    except subprocess.TimeoutExpired:
        return None
    except OSError:
        return None
    return parse_output(done.stdout.decode("utf-8", "replace"))


__all__ = ["MARKER", "RUNNER", "Call", "Trace", "parse_output", "trace_module"]
