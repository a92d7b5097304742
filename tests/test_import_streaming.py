"""A 50 MB Claude Code transcript imports with flat memory (slow: run with -m slow).

The transcript is generated (scripts/bench_import.py) and imported in fresh interpreters, one per
size; flat memory means the 50 MB import peaks at about the same RSS as a 5 MB one.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_import.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_import", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_50_mb_transcript_imports_with_flat_memory(tmp_path: Path) -> None:
    bench = _bench()
    peaks = {}
    for megabytes in (5, 50):
        transcript = tmp_path / f"t{megabytes}.jsonl"
        calls = bench.write_claude_transcript(transcript, megabytes)
        assert transcript.stat().st_size >= megabytes * 1024 * 1024
        ledger = tmp_path / f"ledger{megabytes}.db"
        peaks[megabytes] = bench.subprocess_peak_rss_kb(transcript, ledger) / 1024
        conn = sqlite3.connect(ledger)
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == calls
        conn.close()
    # Ten times the data, (almost) the same peak: nothing grows with the file but the dedup keys.
    assert peaks[50] - peaks[5] < 40, peaks
    assert peaks[50] < 2 * peaks[5], peaks


def test_the_transcript_generator_makes_what_the_importer_reads(tmp_path: Path) -> None:
    """The fast twin of the slow test: a small generated transcript imports every call once."""
    bench = _bench()
    transcript = tmp_path / "small.jsonl"
    calls = bench.write_claude_transcript(transcript, 0.2)
    rows, _ = bench.import_once(transcript, tmp_path / "ledger.db")
    assert rows == calls > 0
