"""A log message says what the item asks it to say (issue 12).

Asked "`load_fuelups` drops broken CSV rows without a word — log a warning for each row it skips
(which line of the file, and why), with the `logging` module rather than prints", Qwen2.5-Coder-1.5B
added ``warning(f"Skipping row {row} due to missing fields.")``: no line number, and the same reason
whatever went wrong. It was ticked — the checks saw a parsed module, passing tests and logging used.
A reviewer reads the message against the item; so does this.

What the message must carry is read from the item's words about it: a parenthesis after "log" or
"warn" ("(which line of the file, and why)"), or what follows "saying", "naming" or "including". Each
"which X" / "what X" asks for X: the word (or its stem) must be in one of the logging calls the change
added — its format string or the names it passes (``reader.line_num`` says "line"). "why" asks for
the reason: the call passes the exception it caught, or a name that holds a reason (``reason``,
``error``, ``exc``, ``problem``…), not one fixed text. A clause without "which", "what" or "why" is
not read (its words may name anything), and a change that adds no logging call is left to the others
(``verification.prints_problem`` refuses prints where the item says "rather than prints").
"""

from __future__ import annotations

import ast
import re

from .evidence import stem
from .journal import FileChange

_LOG_ASKED = re.compile(r"\b(?:log|logs|logged|logging|warn|warns|warning|warnings)\b", re.IGNORECASE)
_CLAUSE = re.compile(
    r"\((?P<paren>[^()]{3,160})\)|\b(?:saying|naming|including|that says|that names)\b\s+(?P<rest>[^.;:—()\n]{3,160})",
    re.IGNORECASE,
)
_WH = re.compile(r"\b(?:which|what)\s+(?:the\s+)?([a-z]{3,})", re.IGNORECASE)
_WHY = re.compile(r"\bwhy\b", re.IGNORECASE)
_LEVELS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
_REASON_NAME = re.compile(r"(?:reason|error|err|exc|exception|problem|why|cause|message|msg|detail)", re.IGNORECASE)
_WH_SKIP = {"is", "are", "was", "were", "has", "had", "one", "ones", "it", "they"}


def asked_contents(item_text: str) -> tuple[list[str], bool] | None:
    """What the item asks a log message to say: the "which/what" nouns and whether "why" is asked,
    or None when it asks for no message or says neither of one."""
    asked = _LOG_ASKED.search(item_text)
    if asked is None:
        return None
    clause_match = _CLAUSE.search(item_text, asked.start())
    if clause_match is None:
        return None
    clause = clause_match.group("paren") or clause_match.group("rest") or ""
    nouns = [noun.lower() for noun in _WH.findall(clause) if noun.lower() not in _WH_SKIP]
    why = bool(_WHY.search(clause))
    if not nouns and not why:
        return None
    return nouns, why


def _logging_calls(tree: ast.Module) -> list[ast.Call]:
    calls: list[ast.Call] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr in _LEVELS) or (
            isinstance(func, ast.Name) and func.id in _LEVELS - {"log", "error"}
        ):
            calls.append(node)
    return calls


def _caught_names(tree: ast.Module) -> set[str]:
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler) and node.name}


def _says(text: str, word: str) -> bool:
    found = {stem(token) for token in re.findall(r"[a-z]+", re.sub(r"[_.]", " ", text.lower()))}
    return stem(word) in found or any(token.startswith(word[:4]) for token in found if len(word) >= 4)


def log_message_problem(changes: list[FileChange], item_text: str) -> str | None:
    """The first thing the item asks a log message to say that no logging call the change added
    says (see the module's docstring), or None."""
    asked = asked_contents(item_text)
    if asked is None:
        return None
    nouns, why = asked
    added: list[tuple[str, str, set[str], set[str]]] = []
    for change in changes:
        if change.after is None or not change.path.endswith(".py"):
            continue
        source = change.after.decode("utf-8", "replace")
        before = (change.before or b"").decode("utf-8", "replace")
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        caught = _caught_names(tree)
        for call in _logging_calls(tree):
            text = ast.get_source_segment(source, call) or ""
            if text and text not in before:
                names = {node.id for node in ast.walk(call) if isinstance(node, ast.Name)}
                names |= {node.attr for node in ast.walk(call) if isinstance(node, ast.Attribute)}
                added.append((change.path, text, names, caught))
    if not added:
        return None
    shown = added[0][1].splitlines()[0][:120]
    for noun in nouns:
        if not any(_says(text, noun) for _, text, _, _ in added):
            return f"the log message the change added ({shown}) does not say which {noun}, which the item asks it to"
    reasoned = any(names & caught or any(_REASON_NAME.search(name) for name in names) for *_, names, caught in added)
    if why and not reasoned:
        return (
            f"the log message the change added ({shown}) gives no reason of its own, and the item asks it "
            "to say why: pass the exception caught (`except ValueError as exc:` … `exc`) or the reason"
        )
    return None


__all__ = ["asked_contents", "log_message_problem"]
