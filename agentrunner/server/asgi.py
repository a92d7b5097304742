"""The app for uvicorn's worker processes (``agentrunner serve --workers N``): each worker
builds its own from the environment the ``serve`` command set (a ledger connection and a loaded
model cannot cross a fork)."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from ..config import load_config
from ..ledger import Ledger
from .app import create_app

NO_AUTH_ENV = "AGENTRUNNER_SERVE_NO_AUTH"
# A gateway's rows are committed without an fsync unless [ledger] synchronous says otherwise: the
# fsync was 2.4 ms of its ~3.8 ms added latency (p50) and most of its p99 (docs/ledger.md).
GATEWAY_SYNCHRONOUS = "normal"


def app_from_env() -> Starlette:
    """The gateway for routes.toml at ``$AGENTRUNNER_CONFIG`` (set by ``serve``)."""
    from .auth import default_authenticator

    config = load_config(os.environ.get("AGENTRUNNER_CONFIG") or None)
    ledger = Ledger.for_config(config, default_synchronous=GATEWAY_SYNCHRONOUS)
    no_auth = os.environ.get(NO_AUTH_ENV) == "1"
    return create_app(config, ledger, auth=None if no_auth else default_authenticator(config, ledger))
