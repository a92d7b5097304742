"""Semantic prompt features: a mean-pooled embedding of the prompt from a local GGUF model.

Words alone say little about how hard a prompt is; a language model's hidden states say more. The
:class:`PromptEmbedder` runs a local GGUF through llama.cpp with ``embedding=True`` and mean pooling,
over the prompt's first ``max_tokens`` tokens (so the cost of a decision is bounded whatever the
prompt's length), and returns one vector per prompt.

Which model: the embedded Gemma 3 270M by default (every install has it; ~0.25 GB), the other
embedded alias (``qwen2.5-coder-1.5b``, the local tier's own model), or any GGUF file by path.
:class:`EmbeddingSpec` names the choice; a trained router model records it and embeds with the same
model at prediction time (another model's vectors would be meaningless to it).

Vectors are cached on disk by the hash of (model, truncation, prompt) in one SQLite file under the
user cache directory (``$XDG_CACHE_HOME/agentrunner/router-embeddings/``, or
``$AGENTRUNNER_EMBEDDING_CACHE``): training, cross-validation
and repeated prompts pay for an embedding once. The model is loaded once per process, on first use.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import RouterModelError

#: The default embedding model: the embedded Gemma 3 270M.
DEFAULT_EMBEDDING_MODEL = "gemma3-270m"
#: Tokens of the prompt's head that are embedded (bounds the cost of one decision).
DEFAULT_EMBEDDING_TOKENS = 128
#: Threads for the embedding pass (the project pins model threads to 2 on shared machines).
DEFAULT_EMBEDDING_THREADS = 2
#: Texts longer than this are cut before tokenising: the head holds far more than max_tokens tokens.
_MAX_CHARS_PER_TOKEN = 16
#: How token vectors become one prompt vector: their mean, or the last token's (which in a causal
#: model has read the whole prompt).
POOLINGS = ("mean", "last")


@dataclass(frozen=True)
class EmbeddingSpec:
    """Which model embeds prompts, and how much of each prompt it reads.

    ``model`` is an embedded alias (``gemma3-270m``, ``qwen2.5-coder-1.5b``) or a path to a GGUF
    file (cached vectors are keyed by the alias's sha256, or the path's size and mtime)."""

    model: str = DEFAULT_EMBEDDING_MODEL
    max_tokens: int = DEFAULT_EMBEDDING_TOKENS
    pooling: str = "mean"

    def __post_init__(self) -> None:
        if self.pooling not in POOLINGS:
            raise RouterModelError(f"embedding pooling {self.pooling!r}: expected one of {', '.join(POOLINGS)}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EmbeddingSpec:
        return cls(model=str(data["model"]), max_tokens=int(data["max_tokens"]), pooling=str(data["pooling"]))

    def describe(self) -> str:
        return f"{self.model}, first {self.max_tokens} tokens, {self.pooling}-pooled"


#: Overrides where cached vectors live (tests; a shared cache on a build machine).
CACHE_ENV = "AGENTRUNNER_EMBEDDING_CACHE"


def embedding_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from ..providers.embedded import cache_root

    return cache_root() / "agentrunner" / "router-embeddings"


def resolve_model_path(model: str) -> Path:
    """The GGUF file of an embedded alias (assembled into the cache if needed) or of a path."""
    from ..providers.embedded import EMBEDDED_MODELS, model_file

    if model in EMBEDDED_MODELS:
        return model_file(EMBEDDED_MODELS[model])
    path = Path(model).expanduser()
    if not path.is_file():
        known = ", ".join(sorted(EMBEDDED_MODELS))
        raise RouterModelError(f"embedding model {model!r}: no such embedded model ({known}) or GGUF file")
    return path


class _VectorCache:
    """Embeddings by key in one SQLite file; concurrent processes share it safely (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            self._connection = connection
        return self._connection

    def get_many(self, keys: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        found: dict[str, NDArray[np.float32]] = {}
        with self._lock:
            connection = self._connect()
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for key, blob in connection.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, key: str, vector: NDArray[np.float32]) -> None:
        with self._lock:
            connection = self._connect()
            with connection:
                connection.execute(
                    "INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                    (key, np.asarray(vector, dtype=np.float32).tobytes()),
                )


class PromptEmbedder:
    """Pooled prompt embeddings from a local GGUF, cached on disk by prompt hash."""

    def __init__(
        self,
        spec: EmbeddingSpec | None = None,
        *,
        cache_dir: Path | None = None,
        threads: int = DEFAULT_EMBEDDING_THREADS,
    ) -> None:
        self.spec = spec or EmbeddingSpec()
        self.threads = threads
        self._cache = _VectorCache((cache_dir or embedding_cache_dir()) / "vectors.sqlite3")
        self._model: Any = None
        self._model_lock = threading.Lock()
        self._model_id: str | None = None
        #: Seconds spent computing (not reading cached) embeddings, and how many: for benchmarks.
        self.computed = 0
        self.compute_seconds = 0.0

    def model_id(self) -> str:
        """What the cache key says about the model: the alias, or a path's content hash."""
        if self._model_id is None:
            from ..providers.embedded import EMBEDDED_MODELS

            if self.spec.model in EMBEDDED_MODELS:
                self._model_id = EMBEDDED_MODELS[self.spec.model].sha256
            else:
                path = resolve_model_path(self.spec.model)
                stat = path.stat()
                identity = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"  # a replaced file is a new model
                self._model_id = hashlib.sha256(identity.encode()).hexdigest()
        return self._model_id

    def key(self, prompt: str) -> str:
        digest = hashlib.sha256()
        digest.update(f"{self.model_id()}\0{self.spec.max_tokens}\0{self.spec.pooling}\0".encode())
        digest.update(prompt.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _load(self) -> Any:
        with self._model_lock:
            if self._model is None:
                import llama_cpp
                from llama_cpp import Llama

                path = resolve_model_path(self.spec.model)
                atexit.register(self.close)  # before interpreter teardown, or llama.cpp's __del__ fails
                n_ctx = self.spec.max_tokens  # embed() keeps the first n_batch tokens (BOS included)
                self._model = Llama(
                    model_path=str(path),
                    embedding=True,
                    pooling_type=(
                        llama_cpp.LLAMA_POOLING_TYPE_LAST
                        if self.spec.pooling == "last"
                        else llama_cpp.LLAMA_POOLING_TYPE_MEAN
                    ),
                    n_ctx=n_ctx,
                    n_batch=n_ctx,
                    n_ubatch=n_ctx,
                    n_threads=self.threads,
                    n_threads_batch=self.threads,
                    verbose=False,
                )
            return self._model

    def close(self) -> None:
        with self._model_lock:
            if self._model is not None:
                self._model.close()
                self._model = None

    def compute(self, prompt: str) -> NDArray[np.float32]:
        """One embedding, without the cache (what a decision on a new prompt costs)."""
        model = self._load()
        text = prompt[: self.spec.max_tokens * _MAX_CHARS_PER_TOKEN]
        started = time.perf_counter()
        with self._model_lock:
            vector = np.asarray(model.embed(text or " ", truncate=True), dtype=np.float32)
        self.compute_seconds += time.perf_counter() - started
        self.computed += 1
        return vector.reshape(-1)

    def embed_many(self, prompts: Sequence[str]) -> NDArray[np.float64]:
        """One row per prompt; cached vectors are read, the others computed and cached."""
        keys = [self.key(prompt) for prompt in prompts]
        found = self._cache.get_many(sorted(set(keys)))
        for prompt, key in zip(prompts, keys, strict=True):
            if key not in found:
                found[key] = self.compute(prompt)
                self._cache.put(key, found[key])
        if not prompts:
            return np.zeros((0, 0))
        stacked: NDArray[np.float64] = np.vstack([found[key] for key in keys]).astype(np.float64)
        return stacked

    def embed(self, prompt: str) -> NDArray[np.float64]:
        row: NDArray[np.float64] = self.embed_many([prompt])[0]
        return row


_embedders: dict[EmbeddingSpec, PromptEmbedder] = {}
_embedders_lock = threading.Lock()


def shared_embedder(spec: EmbeddingSpec) -> PromptEmbedder:
    """The process-wide embedder of a spec (one loaded model per spec)."""
    with _embedders_lock:
        if spec not in _embedders:
            _embedders[spec] = PromptEmbedder(spec)
        return _embedders[spec]


__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "DEFAULT_EMBEDDING_TOKENS",
    "POOLINGS",
    "EmbeddingSpec",
    "PromptEmbedder",
    "embedding_cache_dir",
    "shared_embedder",
]
