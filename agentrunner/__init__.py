"""agentrunner: a local agent runner with tiered model routing.

The public Python API; the ``agentrunner`` CLI is a thin layer over it::

    from agentrunner import load_config, Ledger, Gateway, ChatRequest, Message

    config = load_config("routes.toml")
    with_ledger = Ledger.for_config(config)
    gateway = Gateway(config, with_ledger)
    answer = gateway.call("local", ChatRequest(messages=[Message(role="user", content="Hi")]))
"""

from __future__ import annotations

__version__ = "0.1.0"

from .chat import ChatRequest, ChatResponse, Message, ToolCall, ToolSpec, Usage
from .config import Config, TierConfig, load_config, parse_config
from .errors import (
    AgentRunnerError,
    BudgetExhausted,
    CallAbandoned,
    ConfigError,
    Interrupted,
    LedgerError,
    LockHeld,
    ProviderAuthError,
    ProviderConnectionError,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestError,
    ProviderResponseError,
    ProviderServerError,
    ProviderUnavailable,
    UsageError,
)
from .gateway import CallContext, Gateway
from .ledger import CallRecord, Ledger

__all__ = [
    "AgentRunnerError",
    "BudgetExhausted",
    "CallAbandoned",
    "CallContext",
    "CallRecord",
    "ChatRequest",
    "ChatResponse",
    "Config",
    "ConfigError",
    "Gateway",
    "Interrupted",
    "Ledger",
    "LedgerError",
    "LockHeld",
    "Message",
    "ProviderAuthError",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderRequestError",
    "ProviderResponseError",
    "ProviderServerError",
    "ProviderUnavailable",
    "TierConfig",
    "ToolCall",
    "ToolSpec",
    "Usage",
    "UsageError",
    "__version__",
    "load_config",
    "parse_config",
]
