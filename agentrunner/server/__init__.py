"""The HTTP gateway (``agentrunner serve``): OpenAI- and Anthropic-compatible endpoints in front of
the tiers, so other tools' calls are routed, budgeted and recorded in the ledger like runs.

- :mod:`.app` — the ASGI app (:func:`create_app`), callers and authentication, request context,
  how protocol modules plug in;
- :mod:`.errors` — :class:`ApiError`, agentrunner's errors as HTTP statuses;
- :mod:`.routing` — requested model → tier (``[gateway]`` in routes.toml);
- :mod:`.calls` — the call path: budget reservation → route → Gateway.call/stream → ledger row;
- :mod:`.streaming` — streaming responses (SSE) fed from the gateway's deltas;
- :mod:`.openai_api` — ``/v1/chat/completions`` and ``/v1/models``.
"""
