from __future__ import annotations

from pathlib import Path

import pytest

from gradebook.config import parse_config

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def small_config():
    return parse_config(
        {
            "course": {"name": "Test course"},
            "categories": {
                "homework": {"weight": 40, "columns": ["hw1", "hw2", "hw3"], "drop_lowest": 1},
                "exams": {"weight": 60, "columns": ["exam"]},
            },
        }
    )
