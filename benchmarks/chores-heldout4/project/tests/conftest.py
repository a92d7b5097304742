from pathlib import Path

import pytest

from hits.parse import parse_line

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample.log"


@pytest.fixture
def sample_log() -> Path:
    return SAMPLE


def make_line(path="/", status=200, size="512", latency="0.010", method="GET", when="10/Oct/2026:13:55:36 +0000"):
    tail = f" {latency}" if latency is not None else ""
    return f'203.0.113.7 - - [{when}] "{method} {path} HTTP/1.1" {status} {size}{tail}'


def entry(**kwargs):
    parsed = parse_line(make_line(**kwargs))
    assert parsed is not None
    return parsed
