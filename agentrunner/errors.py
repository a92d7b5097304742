"""The one exception hierarchy of agentrunner.

Every error a user can cause or meet derives from :class:`AgentRunnerError`. The CLI catches it,
prints ``str(error)`` on one line and exits with ``error.exit_code`` — never a traceback.

AgentRunnerError (exit 1)
├── ConfigError (exit 2)            routes.toml problems: ``routes.toml:LINE: key: message``
├── UsageError (exit 2)             bad command-line input, bad files given on the command line
│   ├── OutcomeDataError            an outcome dataset is malformed (``FILE:LINE: message``)
│   └── RouterModelError            a saved router model is missing, unreadable or inconsistent
├── LedgerError (exit 1)            ledger/state database missing, corrupt, read-only, disk full
├── ProviderError (exit 1)          a model call failed
│   ├── ProviderUnavailable         the tier cannot be used now (no key, no model file, server down)
│   ├── ProviderAuthError           401/403: wrong or missing API key (never retried)
│   ├── ProviderRequestError        other 4xx: the request was refused (never retried)
│   ├── ProviderRateLimited         429 (retried, honouring Retry-After)
│   ├── ProviderServerError         5xx / overloaded (retried)
│   ├── ProviderConnectionError     refused / reset / timeout (retried)
│   └── ProviderResponseError       malformed or truncated response body (retried)
├── BudgetExhausted (exit 3)        a budget cap cannot cover the next call and on_exhausted = "stop"
│   └── OverBudget                  a gateway caller's cap (key/user/team/global): HTTP 429, retry-after
├── LockHeld (exit 75)              another ``agentrunner run`` holds the lock
└── Interrupted (exit 130)          SIGINT/SIGTERM: state saved, resumable
    └── CallAbandoned               an in-process model call stopped by the run's first signal
"""

from __future__ import annotations

import re
from datetime import datetime

_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks escaped (``\\n``): a TOML key may contain a newline, and the
    promise is one line per error."""
    return _LINE_BREAKS.sub(lambda match: repr(match.group())[1:-1], text)


class AgentRunnerError(Exception):
    """Base of every error agentrunner raises on purpose."""

    exit_code: int = 1


class ConfigError(AgentRunnerError):
    """routes.toml cannot be read or is invalid. ``str()`` is ``FILE:LINE: key: message``."""

    exit_code = 2

    def __init__(
        self, message: str, *, file: str = "routes.toml", line: int | None = None, key: str = ""
    ) -> None:
        self.file = file
        self.line = line
        self.key = key
        self.message = message
        where = f"{file}:{line}" if line else file
        text = f"{where}: {key}: {message}" if key else f"{where}: {message}"
        super().__init__(one_line(text))


class UsageError(AgentRunnerError):
    exit_code = 2


class OutcomeDataError(UsageError, ValueError):
    """An outcome dataset is malformed (bad JSON, missing field, score out of range, too few rows).

    Also a ValueError: it is bad input data, and numeric code may catch it as such."""


class RouterModelError(UsageError, ValueError):
    """A saved router model (``router train``) is missing, unreadable or inconsistent."""


class LedgerError(AgentRunnerError):
    pass


class ProviderError(AgentRunnerError):
    """A model call failed. ``retryable`` says whether trying again can help."""

    retryable: bool = False

    def __init__(self, message: str, *, tier: str = "", retry_after: float | None = None) -> None:
        self.tier = tier
        self.retry_after = retry_after
        self.message = message
        super().__init__(f"tier {tier!r}: {message}" if tier else message)


class ProviderUnavailable(ProviderError):
    pass


class ProviderAuthError(ProviderError):
    pass


class ProviderRequestError(ProviderError):
    pass


class ProviderRateLimited(ProviderError):
    retryable = True


class ProviderServerError(ProviderError):
    retryable = True


class ProviderConnectionError(ProviderError):
    retryable = True


class ProviderResponseError(ProviderError):
    retryable = True


class BudgetExhausted(AgentRunnerError):
    exit_code = 3


class OverBudget(BudgetExhausted):
    """A gateway request that no cap-respecting tier can take: the protocol modules answer 429 with
    ``retry-after: retry_after_s`` (whole seconds until the cap's window resets; None for a cap that
    never resets) and ``str(self)``, which names the cap, its holder and when it resets."""

    def __init__(
        self,
        message: str,
        *,
        cap: str,
        scope: str,
        cap_usd: float,
        resets_at: datetime | None,
        retry_after_s: int | None,
    ) -> None:
        super().__init__(message)
        self.cap = cap
        self.scope = scope
        self.cap_usd = cap_usd
        self.resets_at = resets_at
        self.retry_after_s = retry_after_s


class LockHeld(AgentRunnerError):
    exit_code = 75


class Interrupted(AgentRunnerError):
    exit_code = 130


class CallAbandoned(Interrupted):
    """An in-process model call abandoned because the run is stopping (providers/abandon.py):
    nothing was paid for it, so the first SIGINT/SIGTERM does not wait for it to finish."""


class PathBusy(AgentRunnerError):
    """An item wants to change a file another item of the same run is changing: the later item is
    rolled back and run again after the holder ends (``--jobs``), never both writing one file."""

    def __init__(self, path: str, holder: str) -> None:
        super().__init__(f"{path} is being changed by another item ({holder[:12]}): deferred until it ends")
        self.path = path
        self.holder = holder
