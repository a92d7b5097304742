"""The ``agentrunner`` command: a thin typer layer over the Python API.

Each ``agentrunner/cli/*.py`` module registers its commands on :data:`app` when imported; this
package imports them all, so a new command group is a new module and nothing else.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from ._app import app, main

# The order of `agentrunner --help`: the user's day first; any other module after these.
_HELP_ORDER = ["init", "models", "ask", "run", "route", "router", "compare", "report", "importers", "ledger", "doctor"]


def _help_position(name: str) -> tuple[int, str]:
    return (_HELP_ORDER.index(name) if name in _HELP_ORDER else len(_HELP_ORDER), name)


_MODULES = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
for _module in sorted(_MODULES, key=_help_position):
    import_module(f"{__name__}.{_module}")

__all__ = ["app", "main"]
