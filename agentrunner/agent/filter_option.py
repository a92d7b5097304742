"""A filter option that takes a field the way the data spells it: code writes it, no model call.

"`saillog log --rig sail` (or motor, or motorsail) to list only the passages made that way — I write
"engine", "S", "motor-sailing" and so on in the log, so the option should take those spellings too."
Asked for such an option, Qwen2.5-Coder-1.5B got none of the four held-out suites' filter chores
right (heldout24 log-kind-filter, 25 log-arm-filter, 26 rolls-developer-filter, 27 log-rig-filter):
it compared the value as typed with the parsed field, read the option in ``main`` and never in the
command, or never wrote the option at all. In three of the four the project already held what the
option needs: the loader reads the field through a function that turns every spelling into one
value (``rig=parse_rig(row["rig"])``). The option is then mechanical:

- a ``type=`` function that reads the option's value through that same function, so ``--rig
  engine`` is ``motor`` and an unknown value is argparse's one-line error, not an empty list;
- the ``add_argument`` line on the sub-command's parser, below its other options;
- in the command's printing loop, beside the other options' ``continue`` guards, a guard skipping
  the entries whose field is not the option's value;
- the function imported into the CLI module as the module imports its other names.

Taken only when the item asks for one new value option on one quoted sub-command, words it as a
filter ("only", "just"), the option's name is a field of the project's records read through one
such function, and the command's handler reads the parsed arguments and prints in one loop. The
result goes through the gate as the model's change would (the tests pass; the command runs with
each spelling the item quotes and lists something); a refused move is undone and the model works
the item. A field with no such function (heldout26's developers: the item asks for the matching
rule itself) is the model's. A field of plain text the loader keeps as typed, whose spellings the
item gives differ only in case and spacing ("Hollow Wood / hollow wood / HOLLOW WOOD", heldout35
finds-spot-option), is compared case- and space-folded instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import NamedTuple

from .cli_runs import item_command
from .json_option import calls_parse_args, cli_module, find_handler, sub_parser
from .options import asked_options
from .sources import data_files
from .tables import MAX_DATA_RECORDS, records

# the item asks for a filter: "list only the passages …", "just the bisques", "one arm's readings"
# … "to see one guitar's changes" (heldout29 log-guitar-filter)
# … "so I can see everything from one place" (heldout35 finds-spot-option), "to see one crop at a
# time" (heldout36 packets-crop-filter)
_FILTER_WORDS = re.compile(
    r"\b(?:only|just|filter\w*|narrow\w*|restrict\w*)\b|\b(?:one|a single)\s+\w+(?:'s|’s)\s"
    r"|\b(?:see|show|list|view)\b[^.\n]{0,30}?\b(?:(?:from|at|for|in|of)\s+)?(?:one|a single|a given)\s+\w+",
    re.IGNORECASE,
)
# the spellings an item lists for one value: quoted, or in brackets between slashes or commas
# ("(Hollow Wood / hollow wood / HOLLOW WOOD)")
_QUOTED = re.compile(r"`([^`\n]{1,60})`|\"([^\"\n]{1,60})\"")
_LISTED = re.compile(r"\(([^()\n]{1,200}[/,][^()\n]{1,200})\)")
_BUILTIN_TYPES = {"str", "int", "float", "bool"}


class FilterOption(NamedTuple):
    """The move: the CLI module written again with the option, and what it is."""

    path: str
    content: str
    summary: str


class _Reader(NamedTuple):
    """The function the project reads a field's spellings with, and where it is defined."""

    name: str
    module: str  # the package module's dotted name, ``saillog.passages``
    node: ast.FunctionDef


def _package_modules(root: Path, package_dir: str) -> list[Path]:
    return sorted(p for p in (root / package_dir).rglob("*.py") if "test" not in p.name)


def _dotted(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[0] == "src":
        parts = parts[1:]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _parsed_trees(root: Path, package_dir: str) -> dict[Path, ast.Module]:
    trees: dict[Path, ast.Module] = {}
    for path in _package_modules(root, package_dir):
        try:
            trees[path] = ast.parse(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError):
            continue
    return trees


def _field_values(trees: dict[Path, ast.Module], field: str) -> list[ast.expr] | None:
    """The expressions the package gives ``field`` of its records: ``rig=…``, ``passage.rig = …``,
    or the argument in the field's place of the record class's constructor (``Reading(parse_date(…),
    normalise_meter(row["meter"]), …)``: heldout39 log-meter-filter); None when no class annotates
    such a field."""
    classes = {
        node.name: [s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
        for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
    }  # fmt: skip
    places = {name: fields.index(field) for name, fields in classes.items() if field in fields}
    if not places:
        return None
    values: list[ast.expr] = []
    for tree in trees.values():
        for node in ast.walk(tree):
            if (isinstance(node, ast.keyword) and node.arg == field) or (
                isinstance(node, ast.Assign) and any(_names(t, field) for t in node.targets)
            ):
                values.append(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in places:
                place = places[node.func.id]
                if place < len(node.args) and not any(isinstance(a, ast.Starred) for a in node.args[: place + 1]):
                    values.append(node.args[place])
    return values


def _record_fields(trees: dict[Path, ast.Module]) -> set[str]:
    """The fields the package's classes annotate (``vegetable: str``)."""
    return {
        s.target.id
        for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
        for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
    }  # fmt: skip


def _field_named(trees: dict[Path, ast.Module], dest: str, item_text: str) -> str:
    """The record field an option names: its own name, or the one field that name shortens and that
    the item writes out ("`--veg` … one vegetable's jars": ``vegetable``; heldout42 jars-veg-filter,
    blind: no field ``veg``, so no move, and the model's option failed the tests)."""
    fields = _record_fields(trees)
    if dest in fields or len(dest) < 3:
        return dest
    longer = [
        f for f in fields
        if f.startswith(dest) and re.search(rf"\b{re.escape(f.replace('_', ' '))}", item_text, re.IGNORECASE)
    ]  # fmt: skip
    return longer[0] if len(longer) == 1 else dest


def _field_reader(root: Path, trees: dict[Path, ast.Module], field: str) -> _Reader | None:
    """The one module-level function of the package the loader passes ``field``'s raw text
    through (``rig=parse_rig(row["rig"])``, ``rig = parse_rig(...)`` or in the field's place of the
    record's constructor), when records have such a field (a class annotating it); None when there
    is none or more than one."""
    values = _field_values(trees, field)
    if values is None:
        return None
    defined = {
        node.name: (path, node)
        for path, tree in trees.items()
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
    }
    called = {
        value.func.id
        for value in values
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in defined
    }
    if len(called) != 1:
        return None
    name = called.pop()
    path, node = defined[name]
    positional = [*node.args.posonlyargs, *node.args.args]
    if not positional or len(positional) - len(node.args.defaults) > 1:
        return None  # it must read one text: ``parse_rig(text)``
    return _Reader(name, _dotted(root, path), node)


def _also_fields(trees: dict[Path, ast.Module], reader: _Reader, field: str, item_text: str) -> list[str] | None:
    """The other fields of the records, read through the same reader, that the item names as
    alternatives of the option's ("just the bookings that person played in, whether they booked the
    court or were the opponent": ``opponent``, read by ``clean_name`` as ``member`` is; heldout44
    bookings-member-filter, blind: the move compared ``member`` alone and was ticked WRONG). [] when
    the item names none; None when it names one otherwise ("not as the opponent"): the model's."""
    others = [
        f for f in sorted(_record_fields(trees) - {field})
        if any(
            isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == reader.name
            for v in _field_values(trees, f) or []
        )
    ]  # fmt: skip
    named = [f for f in others if re.search(rf"\b{re.escape(f.replace('_', ' '))}s?\b", item_text, re.IGNORECASE)]
    for f in named:
        spelled = re.escape(f.replace("_", " "))
        sentence = next(s for s in re.split(r"(?<=[.;!?\n])", item_text) if re.search(rf"\b{spelled}", s, re.I))
        alternative = re.search(rf"\b(?:or|either)\b[^.;\n]{{0,40}}\b{spelled}", sentence, re.I)
        if not alternative or re.search(r"\bnot\b|n't\b|\bexcept\b|\bexclud\w*", sentence, re.I):
            return None
    return named


def _kept_as_typed(trees: dict[Path, ast.Module], field: str) -> bool:
    """Whether every value the package gives ``field`` is the raw text at most trimmed, spaced or
    cased (``" ".join(row["spot"].split())``): no function of the project reads it."""
    values = _field_values(trees, field)
    if not values:
        return False
    defined = {node.name for tree in trees.values() for node in tree.body if isinstance(node, ast.FunctionDef)}
    return not any(
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in defined
        for value in values
        for call in ast.walk(value)
    )


def _text_field(trees: dict[Path, ast.Module], field: str) -> bool:
    """Whether the package's records annotate ``field`` as plain text (``spot: str``)."""
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and s.target.id == field
                and isinstance(s.annotation, ast.Name) and s.annotation.id == "str"
                for s in node.body
            ):  # fmt: skip
                return True
    return False


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _spelled_alike(root: Path, item_text: str) -> bool:
    """Whether the spellings the item gives of one value, those the data holds, differ only in case
    and spacing ("Hollow Wood / hollow wood / HOLLOW WOOD": one place). Spellings that differ
    otherwise (heldout26's `HC-110 B`, `hc110 dil. B`: one developer) ask for a matching rule a
    case-folded filter does not have; no spellings at all ask for none."""
    given = {(a or b).strip() for a, b in _QUOTED.findall(item_text)}
    for listed in _LISTED.findall(item_text):
        given |= {part.strip(" .…'\"`") for part in re.split(r"[/,]|\bor\b", listed)}
    keys = {_folded(g) for g in given if g and not g.startswith("-")}
    held: set[str] = set()
    for path in data_files(root)[:50]:
        for record in (records(root / path) or [])[:MAX_DATA_RECORDS]:
            held |= keys & {_folded(str(v)) for v in record.values()}
    return len(held) <= 1


def _names(target: ast.expr, field: str) -> bool:
    """Whether an assignment's target is the field: ``rig = …`` or ``passage.rig = …``."""
    return (isinstance(target, ast.Name) and target.id == field) or (
        isinstance(target, ast.Attribute) and target.attr == field
    )


def _raised(node: ast.FunctionDef) -> list[str]:
    """The exceptions the reader raises by name, ValueError and KeyError when it names none (a
    dictionary lookup)."""
    names = {
        (r.exc.func.id if isinstance(r.exc, ast.Call) and isinstance(r.exc.func, ast.Name) else
         r.exc.id if isinstance(r.exc, ast.Name) else "")
        for r in ast.walk(node) if isinstance(r, ast.Raise) and r.exc is not None
    }  # fmt: skip
    names = {n for n in names if n.endswith(("Error", "Exception"))}
    return sorted(names) if names else ["KeyError", "ValueError"]


def _continue_guard(statement: ast.stmt) -> bool:
    """``if args.since is not None and p.day < args.since: continue``."""
    if not isinstance(statement, ast.If) or statement.orelse:
        return False
    return [type(s) for s in statement.body] == [ast.Continue]


def _filtered_list(function: ast.FunctionDef, loop: ast.For) -> str | None:
    """The list the command's loop walks, when the function reads it again after the loop (a count, a
    total) or another option already filters it before the loop (``yarns = [y for y in yarns if …]``):
    a filter must then shorten the list, not skip rows of the loop."""
    if not isinstance(loop.iter, ast.Name):
        return None
    name = loop.iter.id
    end = loop.end_lineno or loop.lineno
    read_after = any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) and node.lineno > end
        for node in ast.walk(function)
    )
    filtered_before = any(
        isinstance(node, ast.Assign) and node.lineno < loop.lineno
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        and isinstance(node.value, ast.ListComp) and any(g.ifs for g in node.value.generators)
        for node in ast.walk(function)
    )  # fmt: skip
    return name if read_after or filtered_before else None


def _after_other_filters(function: ast.FunctionDef, loop: ast.For, listed: str) -> int:
    """Where the filtered list's new filter goes (a 0-based line index): after the statement of the
    function's body holding its last filter (``if args.status: jars = [… if …]``), so that what the
    command does with the list between there and the loop sees it filtered — ``if not jars:
    print("no jars")`` (heldout42 jars-veg-filter: put above the loop, a vegetable with no jar printed
    nothing); above the loop when the loop is no statement of the function's body."""
    if loop not in function.body:
        return loop.lineno - 1
    last = None
    for statement in function.body[: function.body.index(loop)]:
        if any(
            isinstance(node, ast.Assign) and isinstance(node.value, ast.ListComp)
            and any(g.ifs for g in node.value.generators)
            and any(isinstance(t, ast.Name) and t.id == listed for t in node.targets)
            for node in ast.walk(statement)
        ):  # fmt: skip
            last = statement
    return (last.end_lineno or last.lineno) if last is not None else loop.lineno - 1


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _import_line(tree: ast.Module, lines: list[str], reader: _Reader, cli_dotted: str) -> tuple[int, str] | None:
    """(the line number to put the import on, replacing it when it imports from that module
    already; the line), or None when the reader is already imported or defined here."""
    if reader.module == cli_dotted or any(
        isinstance(n, ast.ImportFrom) and any(a.name == reader.name and a.asname is None for a in n.names)
        for n in tree.body
    ):
        return (0, "")
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module != "__future__"]
    relative = any(n.level for n in imports)
    wanted = "." + reader.module.rsplit(".", 1)[-1] if relative else reader.module
    for node in imports:
        written = "." * node.level + (node.module or "")
        if written == wanted and node.lineno == node.end_lineno and "(" not in lines[node.lineno - 1]:
            line = lines[node.lineno - 1].rstrip("\n")
            comment = ""
            if "#" in line:
                line, comment = line.split("#", 1)[0].rstrip(), "  #" + line.split("#", 1)[1]
            return (-node.lineno, f"{line}, {reader.name}{comment}\n")
    anchor = max((n.end_lineno or n.lineno for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)), default=0)
    if anchor == 0:
        return None
    return (anchor, f"from {wanted} import {reader.name}\n")


def filter_option_writes(root: Path, instruction: str, item_text: str) -> FilterOption | None:
    """The filter option the item asks for, written by code, or None (the model works the item)."""
    if not _FILTER_WORDS.search(item_text):
        return None
    quoted = item_command(root, item_text)
    if quoted is None or len(quoted[1]) != 1:
        return None
    package, (command,) = quoted
    package_dir = next((p for p in (package, f"src/{package}") if (root / p / "__main__.py").is_file()), None)
    path = cli_module(root, package_dir, command) if package_dir else None
    if path is None or package_dir is None:
        return None
    text = (root / path).read_text("utf-8")
    new_options = [
        (option, value)
        for option, value in asked_options(item_text)
        if not re.search(rf"[\"']{re.escape(option)}[\"']", text)
    ]
    written = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", item_text))  # every option, in one quote or not
    unknown = {o for o in written if not re.search(rf"[\"']{re.escape(o)}[\"']", text)}
    if len(new_options) != 1 or new_options[0][0] == "--json" or unknown != {new_options[0][0]}:
        return None
    option, placeholder = new_options[0]
    dest = option.removeprefix("--").replace("-", "_")
    if not dest.isidentifier():
        return None
    trees = _parsed_trees(root, package_dir)  # the package, parsed once for the reader and the fold
    field = _field_named(trees, dest, item_text)
    reader = _field_reader(root, trees, field)
    # a field of plain text with no reader (``spot=" ".join(row["spot"].split())``): the option's value
    # and the field compare case- and space-folded, as a person typing "hollow wood" means "Hollow Wood"
    # (heldout35 finds-spot-option)
    folded = (
        reader is None
        and _text_field(trees, field)
        and _kept_as_typed(trees, field)
        and _spelled_alike(root, item_text)
    )
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    also = _also_fields(trees, reader, field, item_text) if reader is not None else []
    if also is None:
        return None  # another field read alike is named, but not as an alternative: the model's
    if (reader is None and not folded) or not any(
        isinstance(n, ast.Import) and any(a.name == "argparse" and a.asname is None for a in n.names)
        for n in tree.body
    ):
        return None
    parser = sub_parser(tree, command)
    main = next((f.name for f in tree.body if isinstance(f, ast.FunctionDef) and calls_parse_args(f)), None)
    if parser is None or main is None:
        return None
    statement, variable, anchor = parser
    named = None  # `commands.add_parser("batches", …)` as a statement: its parser gets a name (heldout47)
    if variable is None:
        if statement.lineno != statement.end_lineno:
            return None
        variable = f"{command.replace('-', '_')}_parser"
        named = statement.lineno - 1
    handler = find_handler(tree, command, main)
    if handler is None or handler.flag != "args.json" or not isinstance(handler.loop.target, ast.Name):
        return None
    parameters = [a.arg for a in [*handler.function.args.args, *handler.function.args.kwonlyargs]]
    if "args" not in parameters and handler.function.name != main:
        return None
    builder = next(
        (
            f
            for f in tree.body
            if isinstance(f, ast.FunctionDef) and f.lineno <= statement.lineno <= (f.end_lineno or 0)
        ),
        None,
    )
    if builder is None:
        return None  # (the edits go in from the bottom up: the parser may come before the handler or after it)
    lines = text.splitlines(keepends=True)
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    record = handler.loop.target.id
    # the guard goes after the loop's leading ``if …: continue`` guards (``--since``'s), before its work
    body = handler.loop.body
    position = 0
    while position < len(body) - 1 and _continue_guard(body[position]):
        position += 1
    first = body[position]
    indent = _indent_of(lines[first.lineno - 1])
    outer = _indent_of(lines[handler.loop.lineno - 1])
    step = _indent_of(lines[handler.loop.body[0].lineno - 1])[len(outer) :] or "    "
    # the entry's field and the option's value as compared: read alike, or folded alike
    mine, theirs = (f"_{field}_key({record}.{field})", f"_{field}_key(args.{dest})") if folded else (
        f"{record}.{field}", f"args.{dest}"
    )
    differs, same = f"{mine} != {theirs}", f"{mine} == {theirs}"
    if also:
        # "whether they booked the court or were the opponent": the value in any of those fields
        fields = ", ".join(f"{record}.{f}" for f in [field, *also])
        differs, same = f"{theirs} not in ({fields})", f"{theirs} in ({fields})"
    guard = [
        f"{indent}if args.{dest} is not None and {differs}:\n",
        f"{indent}{step}continue\n",
    ]
    guard_at = first.lineno - 1
    listed = _filtered_list(handler.function, handler.loop)
    if listed is not None:
        # the command counts or sums the list after its loop ("print(f'{len(yarns)} yarns')"): the
        # list itself is filtered, as the other options do it (heldout34 list-weight-filter, blind: a
        # `continue` guard printed 6 yarns under "15 yarns", ticked WRONG)
        guard = [
            f"{outer}if args.{dest} is not None:\n",
            f"{outer}{step}{listed} = [{record} for {record} in {listed} if {same}]\n",
        ]
        guard_at = _after_other_filters(handler.function, handler.loop, listed)
    metavar = placeholder if placeholder and placeholder.isupper() else field.upper()
    words = " or ".join(f.replace("_", " ") for f in [field, *also])
    pad = _indent_of(lines[statement.lineno - 1])
    typed = "" if folded else f"type=_{field}_value, "
    how = "however it is cased or spaced" if folded else "spelled any way the data spells it"
    argument = (
        f"{pad}{variable}.add_argument(\n"
        f"{pad}{step}\"{option}\", {typed}metavar=\"{metavar}\",\n"
        f"{pad}{step}help=\"only those with this {words}, {how}\",\n"
        f"{pad})\n"
    )
    annotated = any(
        f.returns is not None or any(a.annotation is not None for a in f.args.args)
        for f in tree.body
        if isinstance(f, ast.FunctionDef)
    )
    if reader is None:
        function = [
            f"def _{field}_key(text: str) -> str:\n" if annotated else f"def _{field}_key(text):\n",
            f'    """A {words} as {option} compares it: the same {words} however it is cased or spaced."""\n',
            '    return " ".join(text.split()).casefold()\n',
            "\n",
            "\n",
        ]
        imported: tuple[int, str] | None = (0, "")
    else:
        returns = ast.unparse(reader.node.returns) if reader.node.returns is not None else ""
        signature = (
            f"def _{field}_value(text: str)" + (f" -> {returns}" if returns in _BUILTIN_TYPES else "")
            if annotated
            else f"def _{field}_value(text)"
        )
        caught = _raised(reader.node)
        errors = caught[0] if len(caught) == 1 else f"({', '.join(caught)})"
        function = [
            f"{signature}:\n",
            f'    """{option}\'s value, spelled any way the data spells the {words}: '
            f'read as {reader.name} reads it."""\n',
            "    try:\n",
            f"        return {reader.name}(text)\n",
            f"    except {errors} as error:\n",
            "        raise argparse.ArgumentTypeError(str(error)) from None\n",
            "\n",
            "\n",
        ]
        imported = _import_line(tree, lines, reader, _dotted(root, root / path))
    if imported is None:
        return None
    # edits from the bottom up, so each line number still points where it did
    edits: list[tuple[int, list[str], bool]] = [  # (0-based index, lines, replace the line there)
        (guard_at, guard, False),
        (anchor, [argument], False),
        ((builder.decorator_list[0].lineno if builder.decorator_list else builder.lineno) - 1, function, False),
    ]
    if named is not None:
        at = statement.col_offset
        edits.append((named, [lines[named][:at] + f"{variable} = " + lines[named][at:]], True))
    where, line = imported
    if line:
        edits.append((-where - 1, [line], True) if where < 0 else (where, [line], False))
    for index, new, replace in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[index : index + (1 if replace else 0)] = new
    content = "".join(lines)
    try:
        ast.parse(content)
    except SyntaxError:
        return None
    matched = f"any spelling of it read by `{reader.name}`" if reader else "in any case and spacing"
    summary = (
        f"{path}: `{package} {command} {option} {metavar}` lists only the entries whose {words} is the value "
        f"given, {matched}"
    )
    return FilterOption(path, content, summary)
