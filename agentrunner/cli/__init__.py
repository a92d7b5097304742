"""The ``agentrunner`` command: a thin typer layer over the Python API.

Each ``agentrunner/cli/*.py`` module registers its commands on :data:`app` when imported; this
package imports them all, so a new command group is a new module and nothing else.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from ._app import app, main

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")):
    import_module(f"{__name__}.{_module}")

__all__ = ["app", "main"]
