"""``agentrunner serve``: the HTTP gateway (OpenAI- and Anthropic-compatible) under uvicorn."""

from __future__ import annotations

import os
import tempfile
from typing import Annotated

import typer

from ..errors import UsageError
from ..ledger import Ledger
from ._app import app, config_path, err_console, get_config


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port).")] = 8765,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="Worker processes (each loads its own local model).")
    ] = 1,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Serve without API keys: loopback host and clients only.")
    ] = False,
    log_level: Annotated[
        str, typer.Option("--log-level", help="uvicorn log level: critical, error, warning, info, debug.")
    ] = "info",
) -> None:
    """Run the HTTP gateway: OpenAI/Anthropic APIs in front of the tiers; every call routed, budgeted, in the ledger."""
    import uvicorn

    from ..server.app import create_app, is_loopback
    from ..server.asgi import GATEWAY_SYNCHRONOUS, NO_AUTH_ENV
    from ..server.auth import default_authenticator
    from ..server.metrics import MULTIPROC_ENV

    if log_level not in ("critical", "error", "warning", "info", "debug"):
        raise UsageError(f"--log-level must be critical, error, warning, info or debug, not {log_level!r}")
    config = get_config()
    if no_auth:
        if not is_loopback(host):
            raise UsageError(f"--no-auth serves anyone who can connect: refused on the non-loopback host {host!r}")
        who = config.ledger.user or "(no user)"
        err_console.print(
            f"WARNING: --no-auth: every request from this machine is served WITHOUT a key, recorded as user {who}",
            markup=False,
        )
    ledger = Ledger.for_config(config, default_synchronous=GATEWAY_SYNCHRONOUS)
    auth = None if no_auth else default_authenticator(config, ledger)
    err_console.print(f"agentrunner gateway on http://{host}:{port} (tiers: {', '.join(config.tiers)})", markup=False)
    if workers == 1:
        uvicorn.run(create_app(config, ledger, auth=auth), host=host, port=port, log_level=log_level)
        return
    ledger.close()
    if config.source_path is not None:
        os.environ["AGENTRUNNER_CONFIG"] = str(config.source_path)
    elif config_path() is not None:
        os.environ["AGENTRUNNER_CONFIG"] = str(config_path())
    os.environ[NO_AUTH_ENV] = "1" if no_auth else "0"
    # GET /metrics adds up every worker's values (prometheus_client's multiprocess mode): the
    # workers write them to files in this directory, set before they start.
    with tempfile.TemporaryDirectory(prefix="agentrunner-metrics-") as metrics_dir:
        os.environ.setdefault(MULTIPROC_ENV, metrics_dir)
        uvicorn.run(
            "agentrunner.server.asgi:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
        )


__all__ = ["serve"]
