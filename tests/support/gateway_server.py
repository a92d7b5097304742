"""The gateway (``agentrunner serve``'s app) under a real uvicorn on 127.0.0.1, in a thread.

    with GatewayServer(create_app(config, ledger, auth=None)) as server:
        client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused")

An ephemeral port, the same uvicorn and protocol stack as ``serve``; stopped (and its lifespan
shutdown run) on exit.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn


class GatewayServer:
    def __init__(self, app: Any, *, timeout: float = 10.0) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, name="gateway-uvicorn", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        sockets = self.server.servers[0].sockets
        self.port = int(sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=15)

    def __enter__(self) -> GatewayServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
