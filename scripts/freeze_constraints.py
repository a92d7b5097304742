"""Write constraints.txt: the exact versions of the venv the tests passed in (``pip freeze``).

    .venv/bin/python scripts/freeze_constraints.py          # after `make test` passed

scripts/setup.sh installs with ``-c constraints.txt``, so a fresh machine gets the versions that
passed, while pyproject.toml keeps the ranges (floors that were tested) for people who install
agentrunner into their own environment. agentrunner itself is left out; a package installed from
a local wheel file (``name @ file:///…/name-1.0-….whl``) is pinned by its version.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# What `make test` passed with: `pip freeze` of the working venv, minus agentrunner itself.
# scripts/setup.sh installs with `-c constraints.txt`. Regenerate after changing dependencies:
#   .venv/bin/python scripts/freeze_constraints.py
"""
_LOCAL_WHEEL = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+) @ file://\S*?/[^/]+?-(?P<version>[0-9][^-]*)-[^/]*\.whl\S*$")


def constraint(line: str) -> str | None:
    """One constraint line for a line of ``pip freeze`` (None: leave it out)."""
    line = line.strip()
    if not line or line.startswith(("#", "-e ")) or line.lower().startswith("agentrunner"):
        return None
    local = _LOCAL_WHEEL.match(line)
    if local:
        return f"{local['name']}=={local['version']}"
    if " @ " in line:  # another direct reference (VCS, a local folder): not reproducible elsewhere
        return None
    return line


def main() -> int:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--disable-pip-version-check"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = sorted({c for c in map(constraint, frozen.splitlines()) if c}, key=str.lower)
    (ROOT / "constraints.txt").write_text(HEADER + "\n".join(lines) + "\n", "utf-8")
    print(f"constraints.txt: {len(lines)} packages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
