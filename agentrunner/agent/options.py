"""A command-line option an item asks for, said as the concrete steps an argparse CLI needs.

Asked to "add `--limit N` to `stockroom reorder`", Qwen2.5-Coder-1.5B never added the option to
the parser and read it in ``main`` (sessions 4-6): it wrote a new function, or changed the helper
the command calls, or copied the worked example. A developer (and aider's repo map) starts from
where the parts are: the function that builds the parser, the line to add there, the function that
reads the parsed arguments, the branch that runs the command and what that branch calls. This
module finds those in the file shown to the model and writes them as a short plan. It decides
nothing: the write guards and the verification judge what the model then writes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .journal import FileChange
from .sources import python_modules

# `--json`, `--limit N`, `--dry-run`: an option the item quotes, with its value's name if it has one;
# also inside a quoted command ("`plantcare due --json` please": heldout9 due-json-flag)
_ASKED = re.compile(r"`(?:[^`\n]*?\s)?(--[a-z][\w-]*)(?:[ =]([A-Za-z_][\w-]*))?(?:\s[^`\n]*)?`")
# value names that stand for a whole number
_NUMBER_VALUES = {"n", "num", "number", "count", "limit", "size", "k", "int", "max", "min", "days", "weeks"}
MAX_CALLEE_LINES = 14  # a called helper shorter than this is shown whole; longer ones by signature
MAX_CALLEES = 2  # helpers shown per option (each costs prompt tokens: seconds for a local model)


@dataclass
class OptionPlan:
    """Where one option goes and where it is read, in one module."""

    option: str  # --limit
    value: str | None  # N (None: a flag)
    choices: list[str]  # the values the item names for it (`--sort name`, `--sort percent`), if several
    dest: str  # limit (args.limit)
    exists: bool  # the parser has it already (the item is about its behaviour)
    builder: str  # the function that adds the arguments (build_parser)
    parser_var: str  # the parser the option belongs to (reorder)
    command: str | None  # its sub-command (reorder), None for a parser without sub-commands
    after_line: int  # the line to add it after
    argument_line: str  # the add_argument line to add
    new_builder: str  # the builder's source with that line added
    reader: str  # the function that reads the parsed arguments (main)
    branch: list[tuple[int, str]]  # the numbered lines of the command's branch in reader
    callees: list[str]  # project functions that branch calls


# "give `clubrides leaderboard` a --json flag … together with --month" (heldout15 leaderboard-json): an
# option written without backticks; only a capitalised placeholder after it is its value ("--limit N")
_UNQUOTED = re.compile(r"(?<![\w`-])(--[a-z][\w-]*)(?:[ =]([A-Z][A-Z_-]*)(?![\w-]))?")


def asked_options(item_text: str) -> list[tuple[str, str | None]]:
    """The options an item quotes, in order, each once, with the value the first quote that has
    one gives it ("add `--sort` … `--sort name` lists …": ``--sort`` takes a value); then those it
    writes without quotes."""
    found: dict[str, str | None] = {}
    for option, value in _ASKED.findall(item_text):
        if found.get(option) is None:
            found[option] = value or None
    unquoted = re.sub(r"`[^`\n]*`", " ", item_text)
    for option, value in _UNQUOTED.findall(unquoted):
        if found.get(option) is None:
            found[option] = value or None
    return list(found.items())


def option_choices(item_text: str, option: str) -> list[str]:
    """The literal values an item quotes an option with, when it quotes two or more ("`--sort
    name` …, `--sort percent` …": the option's choices); empty otherwise. A value written as a
    placeholder (`--limit N`, `--out PATH`) is no choice."""
    values = [value for quoted, value in _ASKED.findall(item_text) if quoted == option and value]
    literal = list(dict.fromkeys(v for v in values if not v.isupper() and v.lower() not in _NUMBER_VALUES))
    return literal if len(literal) >= 2 else []


def _calls(node: ast.AST, attribute: str) -> list[ast.Call]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == attribute
    ]


def _receiver(call: ast.Call) -> str | None:
    func = call.func
    return func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None


def _first_string(call: ast.Call) -> str | None:
    first = call.args[0] if call.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _commands(builder: ast.FunctionDef) -> dict[str, str]:
    """Sub-command name → the variable holding its parser (``reorder = commands.add_parser("reorder")``)."""
    found: dict[str, str] = {}
    for node in ast.walk(builder):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "add_parser"
        ):
            name = _first_string(node.value)
            if name:
                found[name] = node.targets[0].id
    return found


def _top_parser(builder: ast.FunctionDef) -> str | None:
    for node in ast.walk(builder):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.targets[0], ast.Name):
            func = node.value.func
            if (isinstance(func, ast.Attribute) and func.attr == "ArgumentParser") or (
                isinstance(func, ast.Name) and func.id == "ArgumentParser"
            ):
                return node.targets[0].id
    return None


def _mentions(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def _command_of(commands: dict[str, str], title: str, item_text: str) -> str | None:
    """The sub-command the item is about: the one its title names, else its context (one only)."""
    for text in (title, item_text):
        named = [name for name in commands if _mentions(text, name)]
        if len(named) == 1:
            return named[0]
    return None


def _argument_line(parser_var: str, option: str, value: str | None, help_text: str, choices: list[str]) -> str:
    if choices:
        # held-out report-sort-option ("`--sort name` … `--sort percent`"): shown a store_true
        # line for the title's bare `--sort`, Qwen kept it and `--sort name` exited 2
        kind = "choices=[{}], default=None".format(", ".join(f'"{choice}"' for choice in choices))
    elif value is None:
        kind = 'action="store_true"'
    elif value.lower() in _NUMBER_VALUES:
        kind = f'type=int, default=None, metavar="{value}"'
    else:
        kind = f'default=None, metavar="{value}"'
    return f'{parser_var}.add_argument("{option}", {kind}, help="{help_text}")'


def _help(title: str, option: str) -> str:
    """The option's help text: what the title says after a colon, else the option's words."""
    _, colon, after = title.partition(":")
    text = after.strip() if colon and after.strip() else option.lstrip("-").replace("-", " ")
    return re.sub(r"[`\"\\]", "", text).rstrip(".")[:70]


def _branch(reader: ast.FunctionDef, command: str | None, others: list[str]) -> ast.stmt | list[ast.stmt] | None:
    """The statements of ``reader`` that run for ``command``: the body of an ``if`` testing its
    name, or the ``else`` of an ``if`` testing the other command's name."""
    for node in ast.walk(reader):
        if not isinstance(node, ast.If) or command is None:
            continue
        tested = {c.value for c in ast.walk(node.test) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
        if command in tested:
            return node.body
        if tested and tested <= set(others) and node.orelse and not isinstance(node.orelse[0], ast.If):
            return node.orelse
    return None


def _project_imports(tree: ast.Module) -> dict[str, str]:
    """Name → the relative module it is imported from (``from .report import summary_lines``)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = "." * node.level + node.module
    return found


def plan_for(path: str, text: str, title: str, item_text: str) -> list[OptionPlan]:
    """A plan per option the item quotes, when ``text`` (the module at ``path``) builds an argparse
    parser; empty when it does not, or when the item quotes no option."""
    asked = asked_options(item_text)
    if not asked or "add_argument" not in text:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    builder = next((f for f in functions if _calls(f, "add_argument")), None)
    reader = next((f for f in functions if _calls(f, "parse_args")), None)
    if builder is None or reader is None:
        return []
    commands = _commands(builder)
    command = _command_of(commands, title, item_text) if commands else None
    having = {_receiver(c) for c in _calls(builder, "add_argument") if _first_string(c) in dict(asked)} - {None}
    if command is None and len(having) == 1:
        # an option the parser has already: the command is the one whose parser has it
        parser_var = having.pop()
        command = next((name for name, var in commands.items() if var == parser_var), None)
    else:
        parser_var = commands[command] if command else _top_parser(builder)
    if parser_var is None:
        return []
    lines = text.splitlines()
    adds = [c for c in _calls(builder, "add_argument") if _receiver(c) == parser_var]
    creation = [c for c in _calls(builder, "add_parser") if _first_string(c) == command] if command else []
    anchor = max((c.end_lineno or c.lineno for c in [*adds, *creation]), default=0)
    if not anchor:
        return []
    branch = _branch(reader, command, [name for name in commands if name != command])
    numbered: list[tuple[int, str]] = []
    callees: list[str] = []
    imports = _project_imports(tree)
    if isinstance(branch, list):
        start, end = branch[0].lineno, max(s.end_lineno or s.lineno for s in branch)
        while start > 1 and lines[start - 2].strip().startswith("#") and any(
            _mentions(lines[start - 2], option) for option, _ in asked
        ):
            start -= 1  # a comment above the branch about the option (a TODO about it)
        numbered = [(n, lines[n - 1]) for n in range(start, end + 1) if lines[n - 1].strip()]
        for statement in branch:
            for call in ast.walk(statement):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in imports:
                    callees.append(call.func.id)
    existing = {_first_string(c) for c in adds}
    indent = lines[anchor - 1][: len(lines[anchor - 1]) - len(lines[anchor - 1].lstrip())]
    builder_lines = lines[builder.lineno - 1 : builder.end_lineno or builder.lineno]
    cut = anchor - builder.lineno + 1  # the new line's index in builder_lines
    plans = []
    for option, value in asked:
        choices = option_choices(item_text, option)
        plans.append(
            OptionPlan(
                option=option,
                value=value,
                choices=choices,
                dest=option.lstrip("-").replace("-", "_"),
                exists=option in existing,
                builder=builder.name,
                parser_var=parser_var,
                command=command,
                after_line=anchor,
                argument_line=(argument := _argument_line(parser_var, option, value, _help(title, option), choices)),
                new_builder="\n".join([*builder_lines[:cut], indent + argument, *builder_lines[cut:]]),
                reader=reader.name,
                branch=numbered,
                callees=list(dict.fromkeys(callees)),
            )
        )
    return plans


def _definition(root: Path, module_path: str, name: str) -> str | None:
    """The source of ``name`` in a project module: whole when short, else its signature and
    docstring (what a repo map shows)."""
    try:
        text = (root / module_path).read_text("utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            source = ast.get_source_segment(text, node) or ""
            if len(source.splitlines()) <= MAX_CALLEE_LINES:
                return source
            head = source.splitlines()[: node.body[0].lineno - node.lineno]
            doc = ast.get_docstring(node)
            return "\n".join([*head, *([f'    """{doc.splitlines()[0]}"""'] if doc else []), "    ..."])
    return None


def _module_file(path: str, module: str) -> str:
    """``.report`` imported by ``stockroom/cli.py`` → ``stockroom/report.py``."""
    level = len(module) - len(module.lstrip("."))
    base = PurePosixPath(path).parent
    for _ in range(level - 1):
        base = base.parent
    return str(base / (module.lstrip(".").replace(".", "/") + ".py"))


def option_steps(root: Path, path: str, text: str, title: str, item_text: str) -> str:
    """The plan shown with the task (empty when the item adds no option to this module's parser)."""
    parts: list[str] = []
    try:
        imports = _project_imports(ast.parse(text))
    except (SyntaxError, ValueError):
        imports = {}
    for plan in plan_for(path, text, title, item_text):
        branch = "\n".join(f"{n:4}\t{line}" for n, line in plan.branch)
        if plan.exists:
            # the item is about what the option does: where it is read, no new option
            where = f", here:\n{branch}" if branch else ""
            parts.append(
                f"`{plan.option}` is read in `{plan.reader}` ({path}) as `args.{plan.dest}`{where}\n"
                f"Write the complete new `{plan.reader}` in a python block after the path. Add no new function."
            )
            continue
        only = f" (`args.{plan.dest}` exists only for `{plan.command}`)" if plan.command else ""
        where = f" in these lines, which make the `{plan.command}` output{only}:\n{branch}" if branch else "."
        for name in plan.callees[:MAX_CALLEES]:
            module_path = _module_file(path, imports.get(name, ""))
            source = _definition(root, module_path, name)
            if source and source not in "\n".join(parts):
                parts.append(f"`{name}` ({module_path}), which `{plan.reader}` calls for this command:\n{source}")
        parts.append(
            f"Steps for `{plan.option}` in {path}:\n"
            f"1. Add the option in `{plan.builder}` (the line after line {plan.after_line}):\n"
            f"{path}\n```python\n{plan.new_builder}\n```\n"
            f"2. In `{plan.reader}`, use `args.{plan.dest}`{where}\n"
            f"Write both: the complete new `{plan.builder}` and the complete new `{plan.reader}`, each in a python "
            "block after the path. Add no new function."
        )
    return "\n\n".join(parts)


def missing_option_problem(changes: list[FileChange], item_text: str, root: Path | None) -> str | None:
    """An option the item quotes that no parser of the project has, after a change of its code
    (heldout18 change-json, ticked WRONG: "`tanklog change --json` for the dashboard script" got an
    unused `Change` class; `--json` was in no parser, and no check ran it)."""
    code = [c for c in changes if c.after is not None and c.path.endswith(".py")]
    if root is None or not code or not any([*root.glob("*/__main__.py"), *root.glob("src/*/__main__.py")]):
        return None  # no command line of the project's to add an option to
    texts = [c.after.decode("utf-8", "replace") for c in code if c.after is not None]
    changed = {c.path for c in code}
    for path in python_modules(root, limit=2_000):
        if path not in changed:
            try:
                texts.append((root / path).read_text("utf-8", errors="replace"))
            except OSError:
                continue
    foreign = _foreign_options(root, item_text)
    for option, _ in asked_options(item_text):
        if option in foreign:
            continue
        if not any(re.search(rf"[\"']{re.escape(option)}[\"']", text) for text in texts):
            return f"the item asks for `{option}`, and no parser has it: add it where the command's options are"
    return None


_TOOLS = "mypy|pytest|ruff|pip|pip3|git|black|flake8|pylint|pyright|uv|npm|tox|nox|coverage|isort|pre-commit|make"


def _foreign_options(root: Path, item_text: str) -> set[str]:
    """Options of another program's command the item quotes (`` `mypy --strict pkg/m.py` ``): not the
    project's to add."""
    found: set[str] = set()
    # "mypy --strict clean", "run pytest -x": an option after another tool's name, quoted or not
    for match in re.finditer(rf"\b(?:{_TOOLS})\b[^.,;:\n`]*", item_text):
        found.update(re.findall(r"(?<![\w-])--[a-z][\w-]*", match.group(0)))
    for quote in re.findall(r"`([^`\n]+)`", item_text):
        words = quote.split()
        if words[:2] in (["python", "-m"], ["python3", "-m"]):
            words = words[2:]
        if not words or words[0].startswith("-"):
            continue
        ours = any((root / base / words[0] / "__main__.py").is_file() for base in (".", "src"))
        if not ours:
            found.update(word.split("=")[0] for word in words[1:] if word.startswith("--"))
    return found


def unread_option_problem(changes: list[FileChange], item_text: str) -> str | None:
    """Why an option the item asks for, newly added to a parser, does nothing yet: no changed file
    reads its value (``args.limit``). Shown the line that adds it, a small model may write only
    that; the tests still pass and the item would be ticked with the behaviour missing."""
    for option, _ in asked_options(item_text):
        dest = option.lstrip("-").replace("-", "_")
        added = newly_added(changes, option)
        if not added:
            continue
        texts = [c.after.decode("utf-8", "replace") for c in changes if c.after is not None]
        # `args.flour`, `getattr(args, "flour")`, `vars(args)["flour"]` — not a sub-command of that
        # name, `add_parser("flour")`, nor another object's `feed.flour` (heldout21 feeds-flour-filter:
        # `--flour` parsed, never read, ticked twice)
        holders = _parsed_names(texts, dest)
        owner = rf"\b(?:{'|'.join(map(re.escape, holders))})" if holders else ""
        read = re.compile(rf"{owner}\.{dest}\b|(?:getattr\(\s*[\w.]+\s*,\s*|\[\s*|\.get\(\s*)[\"']{dest}[\"']")
        if not any(read.search(_without_option_lines(text, option)) for text in texts):
            return (
                f"`{option}` is added to the parser in {added[0].path}, but nothing reads `args.{dest}`: "
                f"change the code that runs the command so that it uses `args.{dest}` as the task asks"
            )
        if all(_reads_only_to_do_the_same(text, dest) for text in texts if read.search(text)):
            return (
                f"`args.{dest}` is read, but both ways do the same thing: with `{option}` the command must "
                "do what the task asks, without it what it did before"
            )
    return None


def _parsed_names(texts: list[str], dest: str) -> list[str]:
    """The names the parsed arguments go by (``args``, ``options``): those read for another option
    the parsers have (``args.since``, ``args.command``); none when no other option is read."""
    others = set()
    for text in texts:
        others |= {m.replace("-", "_") for m in re.findall(r"add_argument\(\s*[\"']--?([\w-]+)[\"']", text)}
        others |= set(re.findall(r"\bdest\s*=\s*[\"'](\w+)[\"']", text))
    others.discard(dest)
    if not others:
        return []
    pattern = re.compile(rf"\b([A-Za-z_]\w*)\.(?:{'|'.join(map(re.escape, sorted(others)))})\b")
    found = {name for text in texts for name in pattern.findall(text)} - {"self", "parser"}
    # of those, the parsed arguments themselves, not a record with a field of an option's name
    # (heldout36 packets-crop-filter, blind, ticked WRONG: `packet.source` made `packet` a holder,
    # so `packet.crop` in the printing line read as `--crop` read)
    parsed = {name for text in texts for names in _PARSED.findall(text) for name in names if name} | _USUAL_NAMES
    return sorted(found & parsed or found)


# ``args = parser.parse_args(argv)``, ``def cmd(args: argparse.Namespace, …)``
_PARSED = re.compile(r"\b(\w+)\s*=\s*[\w.()]*?parse_(?:known_)?args\(|\b(\w+)\s*:\s*(?:argparse\.)?Namespace\b")
_USUAL_NAMES = {"args", "options", "opts", "ns", "arguments", "parsed"}


def _reads_only_to_do_the_same(text: str, dest: str) -> bool:
    """Whether every read of ``<x>.dest`` in a module is the test of an ``if`` (or ``… if … else``)
    whose two branches are the same code (held-out cli-billable-only: Qwen wrote ``if
    args.billable_only:`` with the unchanged call on both branches, and it was ticked)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    reads = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == dest]
    if not reads:
        return False
    same: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.If | ast.IfExp):
            continue
        if isinstance(node, ast.If):
            body, orelse = [ast.dump(n) for n in node.body], [ast.dump(n) for n in node.orelse]
            no_op = body == orelse or (not orelse and all(isinstance(n, ast.Pass) for n in node.body))
        else:
            no_op = ast.dump(node.body) == ast.dump(node.orelse)
        if no_op:
            same |= {id(n) for n in ast.walk(node.test)}
    return all(id(n) in same for n in reads)


def newly_added(changes: list[FileChange], option: str) -> list[FileChange]:
    """The changed Python files whose parser gains ``option`` (an ``add_argument`` it had not)."""
    return [
        c
        for c in changes
        if c.after is not None
        and c.path.endswith(".py")
        and _adds(c.after.decode("utf-8", "replace"), option)
        and not (c.before is not None and _adds(c.before.decode("utf-8", "replace"), option))
    ]


def _adds(text: str, option: str) -> bool:
    return re.search(rf"add_argument\([^)]*[\"']{re.escape(option)}[\"']", text) is not None


def _without_option_lines(text: str, option: str) -> str:
    return "\n".join(line for line in text.splitlines() if option not in line)


def shown_option_steps(root: Path, files: list[str], title: str, item_text: str) -> str:
    """The plan for the first shown module that builds a parser (empty when none needs one)."""
    for path in files:
        try:
            text = (root / path).read_text("utf-8") if path.endswith(".py") else ""
        except (OSError, UnicodeDecodeError):
            continue
        steps = option_steps(root, path, text, title, item_text)
        if steps:
            return steps
    return ""
