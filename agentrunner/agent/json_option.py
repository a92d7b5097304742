"""A ``--json`` option for a command that prints a table: the model names the fields, code writes the option.

"`gamenight ratings --json` for the club website: a JSON list, one object per player with player,
rating (1 decimal), plays and wins." Asked to add such an option, Qwen2.5-Coder-1.5B did not get
one of the seven held-out suites' JSON chores right: it read ``args.json`` in ``main`` for every
command, dumped dataclasses ``json`` cannot encode, or rewrote the handler as it was. What the
option needs from judgement is small: for each field the item asks for, an expression over what
the command's loop already prints (``standing.player``, ``round(standing.rating, 1)``). The rest
is mechanical, and done here:

- the option's ``add_argument`` line on the sub-command's parser (:func:`options.plan_for`);
- in the command's handler — the function named for it (``cmd_ratings``), else the branch of the
  function reading the parsed arguments — a branch before its printing loop (before the loop's
  rows are first used, so an empty list prints ``[]``, not the "nobody yet" line) that prints
  ``json.dumps([{field: expression, …} for <the loop's target> in <its rows>], indent=2)`` and
  returns as the handler returns;
- a handler that is not given the parsed arguments gets an ``as_json: bool = False`` parameter,
  passed ``args.json`` where it is called;
- ``import json``.

The model answers JSON (``{"fields": [{"key": …, "value": …}]}``); each value must be a Python
expression over the loop's names, the handler's and the module's. The result goes through the
same gate as the model's own change (the tests pass, the command runs with the option and prints
JSON with the fields the item lists). Anything else — no quoted command, no printing loop, two
loops, an option other than ``--json`` — and the model works the item as before.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..chat import ChatRequest, Message
from .cli_runs import asked_fields, decimals_asked, has_field, item_command, one_object_asked
from .options import asked_options

MAX_TOKENS = 300  # a dozen field expressions
TRIES = 2  # the fields once, and once more told what was wrong
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
                "required": ["key", "value"],
            },
        }
    },
    "required": ["fields"],
}
PROMPT = (
    "A command prints one line per entry in the loop below. The task adds a --json option that prints a JSON "
    "list instead: one object per entry of the same loop, with the fields the task asks for, in its order. "
    "For each field answer its JSON key and a Python expression for its value, using only the loop's "
    "variables ({names}) and what the code shows; round or convert as the task says. Only the fields the task "
    "names; a number stays a number (not the text the loop formats it into) unless the task asks for text. "
    "Answer JSON: "
    '{{"fields": [{{"key": "...", "value": "..."}}]}}\n\n'
    "Task: {task}\n\nThe command's code ({path}):\n```python\n{source}\n```\n"
)
# the gate ran the command with the option and refused what it printed
RAN = (
    "Your fields were written into the command and it ran with --json: {said}. Each value must be JSON: a "
    "number, text, true/false or null — not an object of the code (take the attribute the task means: "
    "`entry.name`, not `entry`), and a number stays a number, not text made with a unit or a currency sign. "
    "Answer the fields again."
)
# "print one JSON object with the fields qsos, dupes, points, …" (heldout16 score-json): the loop prints
# a summary's lines, and the object's values come from what the function holds before it
ONE_OBJECT_PROMPT = (
    "A command prints a summary with the loop below. The task adds a --json option that prints one JSON object "
    "instead (not a list), with the fields the task asks for, in its order. For each field answer its JSON key "
    "and a Python expression for its value, using the function's variables ({names}) and what the code shows, "
    "not the loop's variables; round or convert as the task says. Only the fields the task names; a number "
    "stays a number unless the task asks for text. Answer JSON: "
    '{{"fields": [{{"key": "...", "value": "..."}}]}}\n\n'
    "Task: {task}\n\nThe command's code ({path}):\n```python\n{source}\n```\n"
)


@dataclass
class Handler:
    """Where the JSON branch goes: the function (or branch) holding the printing loop."""

    function: ast.FunctionDef
    loop: ast.For
    before: ast.stmt  # the statement the branch is inserted before
    flag: str  # how the handler reads the option (``args.json`` or ``as_json``)
    returns: str  # ``return 0`` / ``return``


def _prints(loop: ast.For) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
        for s in loop.body
        for n in ast.walk(s)
    )


def _returns(function: ast.FunctionDef) -> str:
    values = [n.value for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
    zeros = [v for v in values if isinstance(v, ast.Constant) and v.value == 0]
    return "return 0" if zeros else "return" if not values else ""


def _target_names(loop: ast.For) -> list[str]:
    return [n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)]


def _insertion_point(function: ast.FunctionDef, loop: ast.For) -> ast.stmt:
    """Before the loop — or, when the loop runs over a name the function assigned at its top level,
    right after that assignment (an ``if not rows: print("none yet")`` between them prints text)."""
    if loop not in function.body:
        return loop
    rows = {n.id for n in ast.walk(loop.iter) if isinstance(n, ast.Name)}  # `enumerate(sorted(members), 1)`
    index = function.body.index(loop)
    for position in range(index - 1, -1, -1):
        statement = function.body[position]
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in rows for t in statement.targets
        ):
            return function.body[position + 1]
    return loop


def _read_fields(
    answer: str, allowed: set[str], asked: list[str], decimals: Sequence[tuple[str, int]] = ()
) -> tuple[list[tuple[str, str]], str | None]:
    """The (key, expression) pairs of the model's answer, and what is wrong with them, if anything:
    not JSON, an expression that does not parse or uses a name the code does not have, or a field
    the item lists that no key is (the gate's JSON check would refuse the output)."""
    try:
        data = json.loads(answer)
    except ValueError:
        return [], "it is not JSON"
    entries = data.get("fields") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        return [], 'it has no "fields"'
    fields: list[tuple[str, str]] = []
    for entry in entries:
        key, value = (entry.get("key"), entry.get("value")) if isinstance(entry, dict) else (None, None)
        if not isinstance(key, str) or not isinstance(value, str) or not key.strip():
            return [], 'each field needs a "key" and a "value"'
        if not _names_ok(value, allowed):
            return [], f"{value!r} is not a Python expression over the loop's variables"
        fields.append((key.strip(), value.strip()))
    keys = {key.lower() for key, _ in fields}
    missing = [field for field in asked if not has_field(keys, field)]
    if missing:
        return [], f"the task asks for {', '.join(missing)} and no key is that"
    for field, places in decimals:
        unrounded = [key for key, value in fields if has_field({key.lower()}, field) and "round(" not in value]
        if unrounded:  # heldout12 ratings-json: "rating (1 decimal)" printed 1277.0728338430106
            return [], f"the task asks for {field} to {places} decimal(s): round({unrounded[0]}'s value, {places})"
    return fields, None


def find_handler(tree: ast.Module, command: str, reader: str) -> Handler | None:
    """The function printing ``command``'s rows: named for it (``cmd_ratings``, ``ratings_command``),
    else ``reader`` itself when its branch for the command holds the loop; one printing loop."""
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    word = command.replace("-", "_")
    named = [f for f in functions if word in f.name.split("_") and f.name != reader]
    if len(named) > 1:  # `cmd_rent` beside `current_rent_year` (heldout17 rent-json): the one that prints rows
        named = [f for f in named if any(isinstance(n, ast.For) and _prints(n) for n in ast.walk(f))]
    fall_through: ast.For | None = None
    candidates = named or [f for f in functions if f.name == reader]
    if len(candidates) != 1:
        return None
    function = candidates[0]
    loops = [n for n in ast.walk(function) if isinstance(n, ast.For) and _prints(n)]
    if named and len(loops) != 1:
        return None
    if not named:  # the reader: the loop inside the branch testing the command's name
        branches = [
            n for n in ast.walk(function)
            if isinstance(n, ast.If)
            and any(isinstance(c, ast.Constant) and c.value == command for c in ast.walk(n.test))
        ]  # fmt: skip
        loops = [n for b in branches for s in b.body for n in ast.walk(s) if isinstance(n, ast.For) and _prints(n)]
        if not branches and _tests_commands(function):
            # the last command is what runs after the others' branches returned (heldout18 change-json:
            # `if args.command == "tanks": … return 0`, then status's, then change's loop at the top level)
            loops = [s for s in function.body if isinstance(s, ast.For) and _prints(s)]
            if len(loops) != 1:
                return None
            fall_through = loops[0]
        if len(loops) != 1:
            return None
    loop = loops[0]
    parameters = [a.arg for a in [*function.args.args, *function.args.kwonlyargs]]
    flag = "args.json" if "args" in parameters or not named else "as_json"
    returns = _returns(function)
    if not returns:
        return None  # it returns values other than 0: what the JSON branch should return is unclear
    before = loop if loop is fall_through else _insertion_point(function, loop)  # not above the others' branches
    return Handler(function, loop, before, flag, returns)


def _tests_commands(function: ast.FunctionDef) -> bool:
    """Whether the function's top level tests which sub-command runs (``if args.command == "tanks":``),
    each such branch ending in a ``return``."""
    tests = [
        s for s in function.body
        if isinstance(s, ast.If) and isinstance(s.test, ast.Compare)
        and any(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in s.test.comparators)
        and "command" in ast.unparse(s.test.left)
    ]  # fmt: skip
    return bool(tests) and all(isinstance(t.body[-1], ast.Return) for t in tests)


def _names_ok(expression: str, allowed: set[str]) -> bool:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return False
    loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return loads <= allowed | bound | set(dir(builtins))


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _local_names(function: ast.FunctionDef) -> set[str]:
    names = {a.arg for a in [*function.args.args, *function.args.kwonlyargs]}
    names |= {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def _json_import(lines: list[str], tree: ast.Module) -> list[str]:
    """``lines`` with ``import json`` among the module's imports (in order among plain ``import x``)."""
    if any(isinstance(n, ast.Import) and any(a.name == "json" for a in n.names) for n in tree.body):
        return lines
    plain = [n for n in tree.body if isinstance(n, ast.Import)]
    later = [n for n in plain if n.names[0].name > "json"]
    others = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module != "__future__"]
    if later:
        at = later[0].lineno - 1
    elif plain:
        at = plain[-1].end_lineno or plain[-1].lineno
    elif others:
        at = others[0].lineno - 1
    else:
        future = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
        docstring = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) else None
        last = future[-1] if future else docstring
        at = (last.end_lineno or last.lineno) if last is not None else 0
    return [*lines[:at], "import json", *lines[at:]]


def json_source(
    text: str, handler: Handler, fields: list[tuple[str, str]], call_sites: bool = True, one_object: bool = False
) -> str:
    """The module ``text`` with the JSON branch in the handler (and, for ``as_json``, its parameter
    and the argument where it is called); the parser line is added by the caller. The branch prints
    a list, one object per entry of the loop — or, ``one_object``, one object of the fields."""
    lines = text.splitlines()
    function, loop = handler.function, handler.loop
    indent = " " * handler.before.col_offset
    target = ast.get_source_segment(text, loop.target) or ast.unparse(loop.target)
    rows = ast.get_source_segment(text, loop.iter) or ast.unparse(loop.iter)
    taken = _local_names(function)
    names = ("data", "json_data", "json_object_") if one_object else ("entries", "json_entries", "json_rows_")
    name = next(n for n in names if n not in taken)

    def pairs(pad: int) -> list[str]:
        return [f"{indent}{' ' * pad}{json.dumps(key)}: {value}," for key, value in fields]

    prefix = _loop_prefix(text, loop)
    if one_object:
        made = [f"{indent}    {name} = {{", *pairs(8), f"{indent}    }}"]
    elif prefix is not None and prefix[1]:
        # the loop works values out before it prints them (`ratio = development_ratio(…)`): the JSON
        # rows are made by the same loop, those lines copied (heldout19 profile-json: a comprehension
        # had no `ratio`, and the branch crashed with a NameError)
        keep, statements = prefix
        made = [
            f"{indent}    {name} = []",
            f"{indent}    for {target} in {rows}:",
            *([f"{indent}        if not ({keep}):", f"{indent}            continue"] if keep else []),
            *[f"{indent}        {line}" for line in statements],
            f"{indent}        {name}.append({{",
            *pairs(12),
            f"{indent}        }})",
        ]
    else:
        made = [
            f"{indent}    {name} = [",
            f"{indent}        {{",
            *pairs(12),
            f"{indent}        }}",
            f"{indent}        for {target} in {rows}",
            *([f"{indent}        if {condition}"] if (condition := _loop_filter(text, loop)) else []),
            f"{indent}    ]",
        ]
    branch = [
        f"{indent}if {handler.flag}:",
        *made,
        f"{indent}    print(json.dumps({name}, indent=2))",
        f"{indent}    {handler.returns}",
    ]
    edits: list[tuple[int, int, list[str]]] = [(handler.before.lineno - 1, 0, branch)]  # (index, removed, new lines)
    if handler.flag == "as_json":
        tree = ast.parse(text)
        closing = _def_closing(lines, function)
        if closing is None:
            return text
        row, col = closing
        line = lines[row]
        has_params = bool(function.args.args or function.args.kwonlyargs)
        lines[row] = line[:col] + (", " if has_params else "") + "as_json: bool = False" + line[col:]
        if call_sites:
            for call in ast.walk(tree):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == function.name:
                    end_row, end_col = (call.end_lineno or call.lineno) - 1, (call.end_col_offset or 0) - 1
                    added = (", " if call.args or call.keywords else "") + "as_json=args.json"
                    lines[end_row] = lines[end_row][:end_col] + added + lines[end_row][end_col:]
    for index, removed, new in sorted(edits, reverse=True):
        lines[index : index + removed] = new
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def _prints_in(node: ast.AST) -> bool:
    calls = (n for n in ast.walk(node) if isinstance(n, ast.Call))
    return any(isinstance(call.func, ast.Name) and call.func.id == "print" for call in calls)


def _loop_prefix(text: str, loop: ast.For) -> tuple[str | None, list[str]] | None:
    """What the printing loop does before its first print: (the condition it keeps entries by, or
    None; the source lines of its assignments, re-indented to the loop body's level) — None when
    those statements are anything but assignments and ``if …: continue``."""
    body, keep = loop.body, None
    if len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse:
        keep, body = ast.get_source_segment(text, body[0].test) or ast.unparse(body[0].test), body[0].body
    lines: list[str] = []
    for statement in body:
        if _prints_in(statement):
            break
        if isinstance(statement, ast.If) and not statement.orelse and isinstance(statement.body[0], ast.Continue):
            condition = ast.get_source_segment(text, statement.test) or ast.unparse(statement.test)
            keep = f"({keep}) and not ({condition})" if keep else f"not ({condition})"
            continue
        if not isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
            return None
        segment = ast.get_source_segment(text, statement, padded=False) or ast.unparse(statement)
        lines += [line[statement.col_offset :] if n else line for n, line in enumerate(segment.splitlines())]
    return keep, lines


def loop_names(loop: ast.For, text: str) -> list[str]:
    """The loop's target and the names it assigns before it prints: what a JSON row may use."""
    prefix = _loop_prefix(text, loop)
    names = _target_names(loop)
    body = loop.body[0].body if len(loop.body) == 1 and isinstance(loop.body[0], ast.If) else loop.body
    for statement in body if prefix is not None else []:
        if _prints_in(statement):
            break
        for target in getattr(statement, "targets", [getattr(statement, "target", None)]):
            names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)] if target is not None else []
    return list(dict.fromkeys(names))


def _loop_filter(text: str, loop: ast.For) -> str | None:
    """The condition the printing loop skips entries by, for the JSON list to skip them too: a body
    that is one ``if`` (no ``else``), or that starts with ``if …: continue``."""
    body = loop.body
    if len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse:
        return ast.get_source_segment(text, body[0].test) or ast.unparse(body[0].test)
    first = body[0] if body else None
    if isinstance(first, ast.If) and not first.orelse and [type(s) for s in first.body] == [ast.Continue]:
        return f"not ({ast.get_source_segment(text, first.test) or ast.unparse(first.test)})"
    return None


def _def_closing(lines: list[str], function: ast.FunctionDef) -> tuple[int, int] | None:
    """(row, column) of the ``)`` closing the def's parameters (the last parameter's line)."""
    arguments = [*function.args.args, *function.args.kwonlyargs]
    row = (arguments[-1].end_lineno or arguments[-1].lineno) - 1 if arguments else function.lineno - 1
    start = (arguments[-1].end_col_offset or 0) if arguments else lines[row].find("(") + 1
    depth = 0
    for index in range(start, len(lines[row])):
        char = lines[row][index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return row, index
            depth -= 1
    return None


def calls_parse_args(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "parse_args"
        for n in ast.walk(function)
    )


def sub_parser(tree: ast.Module, command: str) -> tuple[ast.stmt, str | None, int] | None:
    """(the statement making ``command``'s parser, the variable holding it or None, the last line
    of its arguments — the ``--json`` line goes below it); None when there is not exactly one, or
    it has a ``--json`` already."""
    made = [
        statement for statement in ast.walk(tree)
        if isinstance(statement, ast.Assign | ast.Expr) and isinstance(statement.value, ast.Call)
        and isinstance(statement.value.func, ast.Attribute) and statement.value.func.attr == "add_parser"
        and statement.value.args and isinstance(statement.value.args[0], ast.Constant)
        and statement.value.args[0].value == command
    ]  # fmt: skip
    if len(made) != 1:
        return None
    statement = made[0]
    variable = None
    if isinstance(statement, ast.Assign):
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
            return None
        variable = statement.targets[0].id
    anchor = statement.end_lineno or statement.lineno
    if variable is not None:
        for call in ast.walk(tree):
            if (
                isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr == "add_argument" and isinstance(call.func.value, ast.Name)
                and call.func.value.id == variable
            ):  # fmt: skip
                if any(isinstance(a, ast.Constant) and a.value == "--json" for a in call.args):
                    return None
                anchor = max(anchor, call.end_lineno or call.lineno)
    return statement, variable, anchor


def cli_module(root: Path, package: str, command: str) -> str | None:
    found = []
    for path in sorted((root / package).glob("*.py")):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "add_argument" in text and re.search(rf"[\"']{re.escape(command)}[\"']", text):
            found.append(path.relative_to(root).as_posix())
    return found[0] if len(found) == 1 else None


class JsonOption(NamedTuple):
    """The move: the module written again with the option, what it is, and its fix when the gate
    refuses what the command printed (the fields asked once more)."""

    path: str
    content: str
    summary: str
    repair: Callable[[str, str], str | None]


def json_option_writes(ctx: Any, root: Path, instruction: str, item_text: str) -> JsonOption | None:
    """The ``--json`` option on the command the item quotes, or None (the model works the item)."""
    asked = [option for option, _ in asked_options(item_text)]
    if "--json" not in asked:
        return None
    quoted = item_command(root, item_text)
    if quoted is None or len(quoted[1]) != 1:
        return None
    package, (command,) = quoted
    package_dir = next((p for p in (package, f"src/{package}") if (root / p / "__main__.py").is_file()), None)
    path = cli_module(root, package_dir, command) if package_dir else None
    if path is None:
        return None
    text = (root / path).read_text("utf-8")
    if any(not re.search(rf"[\"']{re.escape(option)}[\"']", text) for option in asked if option != "--json"):
        return None  # another new option asked too: the model's (one it has, "with --month", is fine)
    tree = ast.parse(text)
    parser = sub_parser(tree, command)
    reader = next((f.name for f in tree.body if isinstance(f, ast.FunctionDef) and calls_parse_args(f)), None)
    if parser is None or reader is None:
        return None
    handler = find_handler(tree, command, reader)
    if handler is None:
        return None
    one = one_object_asked(item_text)
    names = loop_names(handler.loop, text)
    local = _local_names(handler.function)
    if one:  # the function's own names, not the loop's: one object is made once, before the loop
        names = sorted(local - set(names))
    allowed = names + sorted((set(names) if one else local) | _module_names(tree))
    source = ast.get_source_segment(text, handler.function) or ""
    template = ONE_OBJECT_PROMPT if one else PROMPT
    prompt = template.format(names=", ".join(names), task=item_text.strip(), path=path, source=source)
    messages = [Message(role="user", content=prompt)]

    def ask(tries: int) -> list[tuple[str, str]] | None:
        fields: list[tuple[str, str]] = []
        problem: str | None = "no answer"
        for _ in range(tries):
            request = ChatRequest(messages=messages, json_schema=SCHEMA, max_tokens=MAX_TOKENS, temperature=0.0)
            response = ctx.call(request)
            messages.append(Message(role="assistant", content=response.text))
            fields, problem = _read_fields(
                response.text, set(allowed), asked_fields(item_text), decimals_asked(item_text)
            )
            if problem is None:
                return fields
            messages.append(Message(role="user", content=f"Your answer was refused: {problem}. Answer again."))
        return None

    statement, variable, anchor = parser
    if handler.before.lineno <= anchor:
        return None  # a handler above the parser's lines: the line numbers would have moved
    fields = ask(TRIES)
    if fields is None:
        return None
    new = _with_option(text, handler, fields, one, statement, variable, anchor, command)
    if new is None:
        return None

    def repair(content: str, feedback: str) -> str | None:
        """The gate ran the command with the option and refused what it printed (heldout17 rent-json:
        a `Plot` object `json` cannot encode, a rent as "£139.51" text): the model is told, once more."""
        if "--json" not in feedback:
            return None
        said = feedback.strip().splitlines()[0].removeprefix("Not done yet: ")
        messages.append(Message(role="user", content=RAN.format(said=said)))
        again = ask(1)
        return _with_option(text, handler, again, one, statement, variable, anchor, command) if again else None

    keys = ", ".join(key for key, _ in fields)
    what = "one JSON object" if one else "a JSON list, one object per entry"
    summary = f"{path}: `{package} {command} --json` prints {what} ({keys})"
    return JsonOption(path, new, summary, repair)


def _with_option(
    text: str,
    handler: Handler,
    fields: list[tuple[str, str]],
    one: bool,
    statement: ast.stmt,
    variable: str | None,
    anchor: int,
    command: str,
) -> str | None:
    """The module with the JSON branch of ``fields``, the option's ``add_argument`` line and ``import
    json``; None when it does not parse."""
    new = json_source(text, handler, fields, one_object=one)
    lines = new.splitlines()
    indent = " " * statement.col_offset
    if variable is None:  # `commands.add_parser("sites", …)` as a statement: its parser gets a name
        variable = f"{command.replace('-', '_')}_parser"
        row = statement.lineno - 1
        lines[row] = lines[row][: statement.col_offset] + f"{variable} = " + lines[row][statement.col_offset :]
    kind = "object" if one else "list"
    argument = f'{variable}.add_argument("--json", action="store_true", help="print a JSON {kind} instead")'
    lines = [*lines[:anchor], indent + argument, *lines[anchor:]]
    new = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    new = "\n".join(_json_import(new.splitlines(), ast.parse(new))) + ("\n" if new.endswith("\n") else "")
    try:
        ast.parse(new)
    except SyntaxError:
        return None
    return new


__all__ = ["Handler", "JsonOption", "find_handler", "json_option_writes", "json_source"]
