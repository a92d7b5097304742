"""The gateway's ASGI app: :func:`create_app`, callers, authentication, the request context, and
how a protocol module plugs in.

A protocol module (``openai_api``, ``anthropic_api``) exposes ``PROTOCOL``, a
:class:`ProtocolModule`: its routes (built from the :class:`GatewayServer`) and how it renders an
:class:`~.errors.ApiError` in its own error shape. Errors raised outside its handlers (an unknown
path, a method not allowed, a bug) are rendered by the protocol owning the path's prefix, so a
client never sees HTML or a traceback.

Authentication: every protocol endpoint calls :meth:`GatewayServer.context` first. The token comes
from ``Authorization: Bearer …`` or ``x-api-key``; an :class:`Authenticator` turns it into a
:class:`Caller` (or None: 401). Without one (``--no-auth``) every request is an anonymous caller
and only loopback peers are served.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Config
from ..errors import AgentRunnerError
from ..ledger import Ledger, new_id
from ..providers.base import LOOPBACK_HOSTS
from .callers import Authenticator, Caller, RequestContext
from .errors import ApiError, ErrorKind, api_error_for
from .metrics import GatewayMetrics, MetricsMiddleware, metrics_endpoint

log = logging.getLogger(__name__)

#: The protocol modules served, in order; each exposes ``PROTOCOL``.
PROTOCOL_MODULES: list[str] = [
    "agentrunner.server.openai_api",
    "agentrunner.server.anthropic_api",
    "agentrunner.server.responses_api",
]


ErrorRenderer = Callable[[ApiError, str], Response]  # (error, request id) → the protocol's response


@dataclass(frozen=True)
class ProtocolModule:
    name: str
    routes: Callable[[GatewayServer], Sequence[BaseRoute]]
    render_error: ErrorRenderer
    prefixes: tuple[str, ...] = ()  # paths whose stray errors (404, 405, 500) this protocol renders


def token_from(headers: Any) -> str | None:
    """The presented key: ``Authorization: Bearer X`` or ``x-api-key: X``."""
    authorization = headers.get("authorization") or ""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    key = headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


def is_loopback(host: str | None) -> bool:
    """A loopback address or name. Not 0.0.0.0 / ``::``: as a listening address that is every
    interface (LOOPBACK_HOSTS has it because, as a URL to connect to, it reaches this machine)."""
    host = (host or "").lower().strip("[]")
    if host in ("0.0.0.0", "::", ""):
        return False
    return host in LOOPBACK_HOSTS or host.startswith("127.") or host.startswith("::ffff:127.")


class GatewayServer:
    """What every endpoint needs: the configuration, the ledger, the call path, authentication."""

    def __init__(self, config: Config, ledger: Ledger, auth: Authenticator | None, **call_options: Any) -> None:
        from .calls import CallService

        self.config = config
        self.ledger = ledger
        self.auth = auth
        self.calls = CallService(config, ledger, **call_options)

    def context(self, request: Request, protocol: str) -> RequestContext:
        """Authenticate a request (raises ApiError 401/403) and describe it."""
        if self.auth is None:
            peer = request.client.host if request.client else None
            if not is_loopback(peer):
                raise ApiError(403, "permission", "this gateway runs with --no-auth and serves loopback clients only")
            caller = Caller(user=self.config.ledger.user or None, team=self.config.ledger.team or None, anonymous=True)
        else:
            token = token_from(request.headers)
            if token is None:
                raise ApiError(401, "authentication", "no API key: send Authorization: Bearer KEY or x-api-key: KEY")
            found = self.auth.authenticate(token)
            if found is None:
                raise ApiError(401, "authentication", "invalid API key (unknown or revoked)")
            caller = found
        if self.calls.metrics is not None:
            self.calls.metrics.note_caller(request_id_of(request), caller.user)
        return RequestContext(
            caller=caller,
            request_id=request_id_of(request),
            client=request.headers.get("user-agent"),
            protocol=protocol,
            headers={key.lower(): value for key, value in request.headers.items()},
        )

    def close(self) -> None:
        self.calls.close()


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id") or new_id())


class RequestIdMiddleware:
    """Gives every request an id (the client's ``x-request-id`` when sane, else a new ULID) in
    ``scope["state"]["request_id"]``, and returns it in the ``x-request-id`` response header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = given if _REQUEST_ID.match(given) else new_id()
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


def load_protocols(names: Sequence[str] = ()) -> list[ProtocolModule]:
    return [import_module(name).PROTOCOL for name in (names or PROTOCOL_MODULES)]


def create_app(
    config: Config,
    ledger: Ledger,
    *,
    auth: Authenticator | None,
    protocols: Sequence[ProtocolModule] | None = None,
    **call_options: Any,
) -> Starlette:
    """The gateway app. ``auth`` None serves anonymous loopback callers only (``--no-auth``).
    ``call_options`` go to :class:`~.calls.CallService` (e.g. ``gateway=`` a prepared Gateway)."""
    server = GatewayServer(config, ledger, auth, **call_options)
    modules = list(protocols) if protocols is not None else load_protocols()
    default = modules[0].render_error if modules else _plain_error

    def renderer_for(path: str) -> ErrorRenderer:
        best: tuple[int, ErrorRenderer] = (-1, default)
        for module in modules:
            for prefix in module.prefixes:
                if path.startswith(prefix) and len(prefix) > best[0]:
                    best = (len(prefix), module.render_error)
        return best[1]

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return renderer_for(request.url.path)(exc, request_id_of(request))

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        kind: ErrorKind = "not_found" if exc.status_code == 404 else "invalid_request"
        detail = exc.detail if exc.status_code != 404 else f"no such endpoint: {request.method} {request.url.path}"
        error = ApiError(exc.status_code, kind, str(detail), headers=dict(exc.headers or {}))
        return renderer_for(request.url.path)(error, request_id_of(request))

    async def on_agentrunner_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AgentRunnerError)
        return renderer_for(request.url.path)(api_error_for(exc), request_id_of(request))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.error("request %s failed: %s: %s", request_id_of(request), type(exc).__name__, exc, exc_info=exc)
        error = ApiError(500, "internal", f"internal error ({type(exc).__name__}); request id {request_id_of(request)}")
        return renderer_for(request.url.path)(error, request_id_of(request))

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "tiers": list(config.tiers), "auth": auth is not None})

    def may_read_metrics(request: Request) -> bool:  # loopback, or any valid key (metrics name users)
        if is_loopback(request.client.host if request.client else None):
            return True
        token = token_from(request.headers)
        return auth is not None and token is not None and auth.authenticate(token) is not None

    metrics = server.calls.metrics = GatewayMetrics()
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint(metrics, may_read_metrics), methods=["GET"]),
    ]
    for module in modules:
        routes.extend(module.routes(server))
    app = Starlette(
        routes=routes,
        exception_handlers={
            ApiError: on_api_error,
            HTTPException: on_http_error,
            AgentRunnerError: on_agentrunner_error,
            Exception: on_crash,
        },
        lifespan=_lifespan(server),
    )
    app.add_middleware(MetricsMiddleware, metrics=metrics, request_id=lambda scope: scope["state"]["request_id"])
    app.add_middleware(RequestIdMiddleware)  # outside MetricsMiddleware: it reads the request id
    app.state.gateway = server
    return app


def _lifespan(server: GatewayServer) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            server.close()

    return lifespan


__all__ = [
    "Authenticator",
    "Caller",
    "GatewayServer",
    "ProtocolModule",
    "RequestContext",
    "create_app",
    "token_from",
]


def _plain_error(error: ApiError, request_id: str) -> Response:
    return JSONResponse(
        {"error": {"message": error.message, "type": error.kind}}, status_code=error.status,
        headers=error.response_headers(),
    )
