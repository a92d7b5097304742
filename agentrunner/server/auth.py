"""Where ``agentrunner serve`` gets its :class:`~.app.Authenticator` from: the key store
(:mod:`agentrunner.keys`, ``agentrunner keys create``)."""

from __future__ import annotations

from importlib import import_module

from ..config import Config
from ..errors import UsageError
from ..ledger import Ledger
from .callers import Authenticator


def default_authenticator(config: Config, ledger: Ledger) -> Authenticator:
    """The key store's authenticator. Until keys exist, serving needs ``--no-auth``."""
    try:
        # agentrunner/keys.py is being written alongside (issue 14); a plain import once it lands.
        keys = import_module("agentrunner.keys")
    except ImportError:
        raise UsageError("no key store in this build: run `agentrunner serve --no-auth` (loopback only)") from None
    authenticator: Authenticator = keys.authenticator(config, ledger)
    return authenticator
