"""routes.toml: pydantic models for the whole file, loading with ``FILE:LINE: key: message`` errors.

The data is parsed with :mod:`tomllib`; positions for validation errors come from a small scan of
the source text (tomllib keeps none), which is enough for the table/key layout routes.toml uses.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError
from .redaction import DEFAULT_RULES, SecretRule, empty_match_problem

CONFIG_FILENAME = "routes.toml"
DATA_DIR_ENV = "AGENTRUNNER_DIR"
CONFIG_ENV = "AGENTRUNNER_CONFIG"

#: The provider names routes.toml accepts; :func:`agentrunner.providers.register_provider` adds more
#: (plug-ins, the tests' fake provider).
PROVIDER_NAMES: list[str] = ["llama-cpp", "ollama", "openai", "anthropic"]
ToolName = Literal["read_file", "write_file", "edit_file", "list_files", "grep", "glob", "run", "shell"]
DEFAULT_TOOLS: tuple[ToolName, ...] = ("read_file", "write_file", "edit_file", "list_files", "grep", "glob", "run")
StepKind = Literal["plan", "act", "verify", "summarise", "judge", "replay"]

# Default redaction: the secret rules of agentrunner/redaction.py (API keys, tokens, private keys,
# passwords, credentials in URLs). Users add their own patterns with `[ledger] redact`.
DEFAULT_REDACT: list[SecretRule] = list(DEFAULT_RULES)


class _Model(BaseModel):
    # strict: `n_ctx = true` is not 1 and `max_steps = "8"` is not 8 — TOML has types, a wrong one
    # is a mistake to report (an int is still a valid float: `threshold = 1`).
    model_config = ConfigDict(extra="forbid", frozen=False, strict=True)


class Price(_Model):
    """Per-million-token prices (USD). Overrides genai-prices for a tier."""

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)
    cache_read_per_mtok: float | None = Field(default=None, ge=0)
    cache_write_per_mtok: float | None = Field(default=None, ge=0)


REPLAY_PACING_KEYS = ("max_concurrency", "requests_per_minute", "tokens_per_minute")


class TierConfig(_Model):
    provider: str
    model: str
    model_path: str | None = None
    n_ctx: int = Field(default=4096, gt=0)
    n_threads: int | None = Field(default=None, gt=0)
    max_tokens: int = Field(default=512, gt=0)
    temperature: float = Field(default=0.0, ge=0, le=2)
    cost_per_hour: float | None = Field(default=None, ge=0)
    price: Price | None = None
    api_key_env: str | None = None
    base_url: str | None = None
    host: str | None = None
    timeout: float = Field(default=120.0, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    # Replays (compare/tune): parallel requests to this tier, and the provider's rate limits.
    max_concurrency: int = Field(default=1, ge=1, le=1024)
    requests_per_minute: int | None = Field(default=None, gt=0)
    tokens_per_minute: int | None = Field(default=None, gt=0)
    prompt_cache: bool = False
    tools: bool = True
    # the general loop offers its tools as the API's own tool list (Anthropic `tools`/tool_use,
    # OpenAI `tools`/tool_calls) instead of only the text protocol; None: the premium APIs —
    # provider "anthropic", or "openai" without a base_url (api.openai.com)
    native_tools: bool | None = None
    json_output: bool = True
    # a page of prose about the code this tier writes is left for review, not ticked on the
    # deterministic checks alone (agent/review.py); None: yes for the local providers and
    # OpenAI-compatible servers on a base_url, no for the premium APIs
    review_prose: bool | None = None
    options: dict[str, Any] = Field(default_factory=dict)

    def reviews_prose(self) -> bool:
        if self.review_prose is not None:
            return self.review_prose
        return not (self.provider == "anthropic" or (self.provider == "openai" and not self.base_url))

    def offers_native_tools(self) -> bool:
        if self.native_tools is not None:
            return self.native_tools and self.tools
        return self.tools and (self.provider == "anthropic" or (self.provider == "openai" and not self.base_url))

    @field_validator("provider")
    @classmethod
    def _known_provider(cls, value: str) -> str:
        if value not in PROVIDER_NAMES:
            names = [repr(name) for name in PROVIDER_NAMES]
            raise ValueError(f"must be one of {', '.join(names[:-1])} or {names[-1]}, got {value!r}")
        return value


class RuleMatch(_Model):
    tag: str | None = None
    kind: StepKind | None = None
    regex: str | None = None
    files: str | None = None
    min_chars: int | None = Field(default=None, ge=0)
    max_chars: int | None = Field(default=None, ge=0)

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class Rule(_Model):
    when: RuleMatch
    tier: str


class RouterConfig(_Model):
    classifier: Literal["heuristic", "learned"] = "heuristic"
    # learned: "semantic" also reads the prompt's embedding when the model was trained with one
    # (`router train --embed`); "fast" never embeds (TF-IDF and dense features only, < 5 ms).
    features: Literal["semantic", "fast"] = "semantic"
    threshold: float = Field(default=0.5, ge=0, le=1)
    escalate_on_fail: bool = True
    max_escalations: int = Field(default=1, ge=0)
    model_dir: str = "router"


class PersonBudget(_Model):
    """``[budgets.users.NAME]`` / ``[budgets.teams.NAME]``: caps for one user or team (gateway keys
    and ``[ledger] user``/``team``), replacing the ``per_user_*``/``per_team_*`` defaults for them."""

    daily_usd: float | None = Field(default=None, ge=0)
    monthly_usd: float | None = Field(default=None, ge=0)


class BudgetsConfig(_Model):
    per_run_usd: float | None = Field(default=None, ge=0)
    daily_usd: float | None = Field(default=None, ge=0)
    monthly_usd: float | None = Field(default=None, ge=0)
    per_user_daily_usd: float | None = Field(default=None, ge=0)
    per_team_monthly_usd: float | None = Field(default=None, ge=0)
    on_exhausted: Literal["downgrade", "stop"] = "downgrade"
    downgrade_to: str | None = None  # the gateway's downgrade tier (default: the cheapest tier)
    users: dict[str, PersonBudget] = Field(default_factory=dict)
    teams: dict[str, PersonBudget] = Field(default_factory=dict)
    warn_at: float = Field(default=0.8, gt=0, le=1)


class AgentConfig(_Model):
    workspace: str = "."
    tasks_dir: str = "tasks"
    max_steps: int = Field(default=8, ge=1, le=50)
    max_tool_calls: int = Field(default=6, ge=0)
    # type hints and tests from a traced run of the project's tests, before the model is asked
    first_moves: bool = True
    max_attempts: int = Field(default=3, ge=1)
    self_check: bool = False
    tools: list[ToolName] = Field(default_factory=lambda: list(DEFAULT_TOOLS))
    shell_allow: list[str] = Field(default_factory=list)
    shell_timeout: float = Field(default=60.0, gt=0)
    shell_output_cap: int = Field(default=20_000, gt=0)


class LedgerConfig(_Model):
    redact: list[str] = Field(default_factory=list)
    default_redact: bool = True
    user: str = ""
    team: str = ""
    project: str = ""
    url: str = ""  # postgresql://… : a team's shared ledger instead of .agentrunner/ledger.db
    # SQLite only: "full" fsyncs every commit (a row survives a power cut); "normal" (WAL) survives a
    # killed process but not an OS crash — docs/ledger.md "Durability". Unset: "full" for runs and
    # replays, "normal" for the gateway (`serve`), where the fsync is most of the added latency.
    synchronous: Literal["full", "normal"] | None = None

    @field_validator("url")
    @classmethod
    def _url_is_postgres(cls, url: str) -> str:
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"expected a postgresql:// URL, got {url.split(':', 1)[0]!r}")
        return url

    @field_validator("redact")
    @classmethod
    def _patterns_are_usable(cls, patterns: list[str]) -> list[str]:
        for index, pattern in enumerate(patterns):
            problem = empty_match_problem(pattern)
            if problem:
                raise _KeyedError(("ledger", "redact", index), problem)
        return patterns

    def patterns(self) -> list[str | SecretRule]:
        """The default secret rules (unless ``default_redact = false``), then the user's patterns."""
        return [*(DEFAULT_RULES if self.default_redact else ()), *self.redact]


#: What a ``[[gateway.routes]]`` entry may send a request to besides a tier name.
GATEWAY_TARGETS = ("auto", "passthrough")


class GatewayMatch(_Model):
    """Conditions of a gateway route (all must hold): how small a request is."""

    max_tokens: int | None = Field(default=None, gt=0)  # the request's max_tokens ≤ this
    no_tools: bool | None = None  # true: the request offers no tools
    max_prompt_chars: int | None = Field(default=None, gt=0)  # prompt (messages + tools) shorter


class GatewayRoute(_Model):
    """``[[gateway.routes]]``: a requested model (a glob: ``claude-*``) → a tier, ``auto`` or
    ``passthrough``, when the conditions of ``when`` hold."""

    model: str = Field(min_length=1)
    to: str = Field(min_length=1)
    when: GatewayMatch = Field(default_factory=GatewayMatch)


class GatewayConfig(_Model):
    """``[gateway]``: how ``agentrunner serve`` maps requested models (docs/gateway.md)."""

    routes: list[GatewayRoute] = Field(default_factory=list)
    max_request_bytes: int = Field(default=8_000_000, gt=0)


class UserConfig(_Model):
    """``[users.NAME]``: what an engineer's seat costs besides metered calls (reports' fully loaded),
    and the team it counts in (``report --by team``)."""

    subscriptions: dict[str, float] = Field(default_factory=dict)  # "Claude Max" = 200.0 (USD/month)
    team: str | None = Field(default=None, min_length=1)


class Config(_Model):
    tiers: dict[str, TierConfig]
    rules: list[Rule] = Field(default_factory=list)
    router: RouterConfig = Field(default_factory=RouterConfig)
    budgets: BudgetsConfig = Field(default_factory=BudgetsConfig)
    agent: AgentConfig = Field(default_factory=AgentConfig)
    ledger: LedgerConfig = Field(default_factory=LedgerConfig)
    subscriptions: dict[str, float] = Field(default_factory=dict)
    users: dict[str, UserConfig] = Field(default_factory=dict)
    scorers: dict[str, str] = Field(default_factory=dict)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)

    # Not part of the file: where it came from, filled by load_config.
    source_path: Path | None = Field(default=None, exclude=True)
    source_text: str = Field(default="", exclude=True, repr=False)

    @model_validator(mode="after")
    def _references_exist(self) -> Config:
        if not self.tiers:
            raise ValueError("at least one tier is needed")
        for name, tier in self.tiers.items():
            if tier.provider == "llama-cpp" and tier.max_concurrency != 1:
                raise _KeyedError(
                    ("tiers", name, "max_concurrency"),
                    "must be 1 for provider 'llama-cpp' (the in-process model answers one request at a time)",
                )
        for index, rule in enumerate(self.rules):
            if rule.tier not in self.tiers:
                raise _KeyedError(
                    ("rules", index, "tier"),
                    f"unknown tier {rule.tier!r}{_suggest(rule.tier, self.tiers)}",
                )
        for index, route in enumerate(self.gateway.routes):
            if route.to not in self.tiers and route.to not in GATEWAY_TARGETS:
                targets = [*self.tiers, *GATEWAY_TARGETS]
                raise _KeyedError(
                    ("gateway", "routes", index, "to"),
                    f"must be a tier ({', '.join(self.tiers)}), 'auto' or 'passthrough', got {route.to!r}"
                    f"{_suggest(route.to, targets)}",
                )
        target = self.budgets.downgrade_to
        if target is not None and target not in self.tiers:
            raise _KeyedError(("budgets", "downgrade_to"), f"unknown tier {target!r}{_suggest(target, self.tiers)}")
        return self

    @property
    def tier_names(self) -> list[str]:
        """Tiers cheapest first: the order of the ``[tiers.*]`` tables is the escalation order."""
        return list(self.tiers)

    @property
    def base_dir(self) -> Path:
        return self.source_path.parent if self.source_path else Path.cwd()

    @property
    def data_dir(self) -> Path:
        """``.agentrunner/`` next to routes.toml, or ``$AGENTRUNNER_DIR``."""
        override = os.environ.get(DATA_DIR_ENV)
        return Path(override) if override else self.base_dir / ".agentrunner"

    @property
    def ledger_path(self) -> Path:
        return self.data_dir / "ledger.db"

    @property
    def state_path(self) -> Path:
        return self.data_dir / "state.db"

    @property
    def workspace(self) -> Path:
        return (self.base_dir / self.agent.workspace).resolve()

    @property
    def tasks_dir(self) -> Path:
        return (self.base_dir / self.agent.tasks_dir).resolve()

    @property
    def premium_tier(self) -> str:
        """The most expensive tier: the last one in escalation order."""
        return self.tier_names[-1]

    def config_hash(self) -> str:
        # How fast a replay may call a tier changes no answer: not part of the configuration's identity.
        data = self.model_dump(mode="json", exclude={"tiers": {"__all__": set(REPLAY_PACING_KEYS)}})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


class _KeyedError(ValueError):
    """A cross-field error that knows which key it is about."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc = loc
        super().__init__(message)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


_ENV_PATTERN = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_env(value: Any) -> Any:
    """Expand ``${VAR}`` and ``${VAR:-default}`` in every string of a parsed TOML document."""
    if isinstance(value, str):
        return _ENV_PATTERN.sub(lambda m: os.environ.get(m.group(1)) or (m.group(2) or ""), value)
    if isinstance(value, dict):
        return {key: expand_env(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand_env(item) for item in value]
    return value


def find_config(start: Path | None = None) -> Path:
    """routes.toml from ``$AGENTRUNNER_CONFIG``, else the current directory or its parents."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    try:
        here = (start or Path.cwd()).resolve()
    except FileNotFoundError:
        raise ConfigError("the current directory no longer exists; cd somewhere else", file=CONFIG_FILENAME) from None
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_FILENAME
        if candidate.exists():
            return candidate
    return here / CONFIG_FILENAME


# routes.toml is a few KB; anything much larger is not one (`--config /dev/urandom`, a log file).
MAX_CONFIG_BYTES = 1_000_000


def load_config(path: str | Path | None = None) -> Config:
    """Read, expand and validate routes.toml. Raises :class:`ConfigError` with file and line."""
    config_path = Path(path) if path is not None else find_config()
    label = str(config_path) if path is not None else config_path.name
    if not config_path.exists():
        raise ConfigError(
            "not found; create one with `agentrunner init` (or pass --config PATH)", file=label
        )
    try:
        if not config_path.is_file():
            kind = "a directory" if config_path.is_dir() else "not a regular file"
            raise ConfigError(f"{kind}; --config needs a routes.toml file", file=label)
        with config_path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", file=label) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"larger than {MAX_CONFIG_BYTES:,} bytes: not a routes.toml", file=label)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start}: {exc.reason})", file=label) from None
    return parse_config(text, file=label, source_path=config_path)


def parse_config(text: str, *, file: str = CONFIG_FILENAME, source_path: Path | None = None) -> Config:
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark (Windows editors): not part of the TOML
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message).rstrip(".")
        raise ConfigError(f"invalid TOML: {message}", file=file, line=line) from None
    data = expand_env(raw)
    if "tiers" not in data:
        raise ConfigError("no [tiers.*] table: at least one tier is needed", file=file, line=1)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, text, file) from None
    config.source_path = source_path.resolve() if source_path else None
    config.source_text = text
    return config


def _config_error(exc: ValidationError, text: str, file: str) -> ConfigError:
    errors = exc.errors()
    # An unknown key first: `modle = "x"` also makes `model` missing, and the typo is the cause.
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc: tuple[str | int, ...] = tuple(error["loc"])
    message = error["msg"]
    ctx_error = (error.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _KeyedError):
        loc, message = ctx_error.loc, str(ctx_error)
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        parent_model = _model_at(loc[:-1])
        fields = parent_model.model_fields if parent_model else {}
        message = f"unknown key{_suggest(str(loc[-1]), fields)}"
    elif error["type"] == "literal_error":
        message = f"must be one of {error['ctx']['expected']}, got {error['input']!r}"
    elif error["type"] in _TYPE_NAMES:
        message = f"must be {_TYPE_NAMES[error['type']]}, got {_toml_repr(error['input'])}"
    key = ".".join(str(part) for part in loc)
    return ConfigError(message, file=file, line=locate_key(text, loc), key=key)


_TYPE_NAMES = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
}


def _toml_repr(value: Any) -> str:
    """A value as it was written in TOML (``true``, ``"8"``, ``1.5``), for type errors."""
    if isinstance(value, bool):
        return "true (a boolean)" if value else "false (a boolean)"
    if isinstance(value, str):
        return f"{json.dumps(value, ensure_ascii=False)} (a string)"
    if isinstance(value, float):
        return f"{value!r} (a number)"
    if isinstance(value, int):
        return f"{value} (an integer)"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model a location points into (for did-you-mean suggestions)."""
    model: type[BaseModel] | None = Config
    index = 0
    while model is not None and index < len(loc):
        part = loc[index]
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        annotation = field.annotation
        if part in ("tiers",):
            index += 2
            model = TierConfig
            continue
        if part == "rules":
            index += 2
            model = Rule
            continue
        if part == "routes" and model is GatewayConfig:
            index += 2
            model = GatewayRoute
            continue
        if getattr(annotation, "__origin__", None) is dict:  # a table of named tables: skip the name
            value = getattr(annotation, "__args__")[1]  # noqa: B009 - mypy cannot narrow on __origin__
            index += 2
            model = value if isinstance(value, type) and issubclass(value, BaseModel) else None
            continue
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        if model is None:
            for arg in getattr(annotation, "__args__", ()):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    model = arg
        index += 1
    return model


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_PART = r"(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+)"  # bare, "basic" (escapes) or 'literal'
_KEY = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")


def _split_dotted(name: str) -> list[str]:
    return [_unquote(part.strip()) for part in re.findall(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^.]+", name)]


def _unquote(part: str) -> str:
    """A key as TOML reads it: a basic string's escapes decoded (``"a\\nb"`` is a, newline, b)."""
    if part.startswith('"') and part.endswith('"') and len(part) >= 2:
        try:
            return str(tomllib.loads(f"k = {part}")["k"])
        except tomllib.TOMLDecodeError:
            return part[1:-1]
    return part.strip("'")


def locate_key(text: str, loc: tuple[str | int, ...]) -> int | None:
    """Best-effort line number of a key path in TOML source (1-based)."""
    want = [str(part) for part in loc]
    best_line: int | None = None
    best_depth = -1
    table: list[str] = []
    array_counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            parts = _split_dotted(header.group(2))
            if header.group(1) == "[[":
                name = ".".join(parts)
                array_counts[name] = array_counts.get(name, -1) + 1
                parts = [*parts, str(array_counts[name])]
            table = parts
            path = table
        else:
            key = _KEY.match(line)
            if not key:
                continue
            path = [*table, *_split_dotted(key.group(1))]
        depth = _common_prefix(path, want)
        if depth > best_depth:
            best_depth, best_line = depth, number
    return best_line if best_depth > 0 else None


def _common_prefix(path: list[str], want: list[str]) -> int:
    """How deep ``path`` matches ``want``: ``len(path)`` if it is a prefix of ``want``, ``len(want)``
    if ``want`` is a prefix of it (a dotted key ``router.x = 1`` defines the table ``router``),
    else 0."""
    if path and len(path) > len(want) and path[: len(want)] == want:
        return len(want)
    if not path or len(path) > len(want) or path != want[: len(path)]:
        return 0
    return len(path)
