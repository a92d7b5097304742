"""What the model is told: the action guide, one worked example, and the task as its first turn."""

from __future__ import annotations

import re

from .actions import Action

SYSTEM = """You are a careful coding agent. You work in a project folder by writing actions.

To add or change a Python function, method, class or constant, write the file's path, then the
complete new definition (every line of it) in a python block. It replaces the definition of the
same name in the file, or is added to the file (a method to its class, an import to the imports).

To change other lines, write the file's path, then an edit block
(SEARCH copies the current lines exactly, without line numbers):
{edit_path}
<<<<<<< SEARCH
lines to replace
=======
new lines
>>>>>>> REPLACE

To create a new file, or to rewrite a short file completely,
write its path, then its full content in a fenced block:
{new_path}
```
full content
```

Other actions, each on its own line:
READ {read_path}
GREP regex
RUN pytest -q
DONE one-line summary

Do all the changes the task asks for, then write DONE. Never use "..." to skip lines."""
# the guide's example paths are the step's own files: a small model copies an example path
# ("path/to/file.py") literally
EXAMPLE_EDIT, EXAMPLE_NEW = "src/module.py", "docs/notes.md"
# ... and the guide's placeholder lines: an edit whose SEARCH is one of these is refused with a hint
PLACEHOLDERS = {"lines to replace", "new lines", "full content"}
# one worked example before the real task (a small model follows a demonstration far better than
# a description); its file does not exist, and an action that copies its code into a real file is
# refused, never applied
EXAMPLE_TASK = (
    "Task: Make `greet` in `hello.py` say Hi, and document it\n\nhello.py (line numbers are not part of the file):\n"
    '   1\tdef greet(name):\n   2\t    return "Hello " + name\n\nWrite your actions now.'
)
EXAMPLE_ANSWER = (
    'hello.py\n```python\ndef greet(name):\n    """Say hi to name."""\n    return "Hi " + name\n```\nDONE greet says Hi'
)
# lines only the worked example has: an action holding one was copied from it
EXAMPLE_LINES = ('return "Hi " + name', 'return "Hello " + name', '"""Say hi to name."""')


def system_prompt(existing: list[str], missing: list[str]) -> str:
    edit_path = existing[0] if existing else EXAMPLE_EDIT
    new_path = missing[0] if missing else EXAMPLE_NEW
    return SYSTEM.format(edit_path=edit_path, new_path=new_path, read_path=edit_path)


MARKERS = re.compile(r"\b(?:TODO|FIXME|XXX|HACK)\b")


def first_prompt(
    title: str,
    context: str,
    files: dict[str, str],
    listing: list[str],
    tests: str = "",
    markers: str = "",
    note: str = "",
    steps: str = "",
) -> str:
    parts = [f"Task: {title}"]
    if context.strip():
        parts.append(f"Context:\n{context.strip()}")
    for path, text in files.items():
        parts.append(f"{path} (line numbers are not part of the file):\n{text}")
    if listing:
        parts.append("Project files: " + ", ".join(listing))
    if tests:
        parts.append(f"The tests fail now:\n{tests}")
    if markers:
        parts.append(f"GREP {MARKERS.pattern} found:\n{markers}")
    if steps:
        parts.append(steps)  # the concrete steps of an option item (agent/options.py)
    if note:
        parts.append(note)
    parts.append("Write your actions now.")
    return "\n\n".join(parts)


def copied_example(action: Action) -> str | None:
    """Why an action is the worked example's code copied, not this task's (None if it is not)."""
    if action.tool not in ("edit_file", "write_file"):
        return None
    written = "\n".join(str(action.arguments.get(key) or "") for key in ("old", "new", "content"))
    if any(line in written for line in EXAMPLE_LINES):
        return "that is the worked example's code (hello.py), not this task's: nothing was written"
    added = "\n".join(str(action.arguments.get(key) or "") for key in ("new", "content"))
    if "hello.py" in added and re.search(r"\bgreet\b", added):
        # heldout24 release-1-0 (blind): "- Added `greet` function in `hello.py`." into CHANGELOG.md
        return "that is the worked example's task (greet in hello.py), not this one: nothing was written"
    return None


def copied_placeholder(action: Action) -> str | None:
    """Why an action is the guide's placeholder copied, not a real change (None if it is real)."""
    if action.tool not in ("edit_file", "write_file"):
        return None
    text = str(action.arguments.get("old") or action.arguments.get("content") or "").strip()
    if text in PLACEHOLDERS:
        return (
            f"{text!r} is the guide's placeholder: SEARCH must be real lines copied from the file, and the "
            "part after ======= the lines you want instead"
        )
    return None
