"""``[[rules]]`` matching: the first rule whose every condition holds decides the tier.

A rule's ``when`` table may combine (all must hold):

- ``tag = "critical"``: the step's item carries ``#critical`` (case-insensitive);
- ``kind = "plan"``: the step kind;
- ``regex = "(?i)migrat"``: :func:`re.search` on the instruction (case-sensitive unless ``(?i)``);
- ``files = "src/**/*.py"``: any of the step's files matches the glob (:func:`fnmatch.fnmatchcase`,
  where ``*`` also crosses ``/``; a pattern without ``/`` is also tried against the base name);
- ``min_chars = 2000`` / ``max_chars = 200``: bounds on the instruction's length.

An empty ``when`` matches every step.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from posixpath import basename

from ..config import Rule, RuleMatch
from .types import Step


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _file_matches(pattern: str, path: str) -> bool:
    path = path.replace("\\", "/").removeprefix("./")
    if fnmatchcase(path, pattern):
        return True
    # "**/" may stand for no directory at all: "src/**/*.py" should match "src/a.py".
    if "**/" in pattern and fnmatchcase(path, pattern.replace("**/", "")):
        return True
    return "/" not in pattern and fnmatchcase(basename(path), pattern)


def rule_matches(when: RuleMatch, step: Step) -> bool:
    if when.tag is not None and when.tag.lower().lstrip("#") not in {t.lower() for t in step.tags}:
        return False
    if when.kind is not None and when.kind != step.kind:
        return False
    if when.regex is not None and not _compiled(when.regex).search(step.instruction):
        return False
    if when.files is not None and not any(_file_matches(when.files, f) for f in step.files):
        return False
    if when.min_chars is not None and len(step.instruction) < when.min_chars:
        return False
    return not (when.max_chars is not None and len(step.instruction) > when.max_chars)


def describe(when: RuleMatch) -> str:
    """``tag=critical, kind=plan``: the conditions of a rule, for decision reasons."""
    parts = [f"{key}={value}" for key, value in when.model_dump(exclude_none=True).items()]
    return ", ".join(parts) or "always"


def first_match(rules: list[Rule], step: Step) -> tuple[int, Rule] | None:
    """The first matching rule and its 1-based number, or None."""
    for number, rule in enumerate(rules, start=1):
        if rule_matches(rule.when, step):
            return number, rule
    return None


__all__ = ["describe", "first_match", "rule_matches"]
