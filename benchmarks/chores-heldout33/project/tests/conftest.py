from pathlib import Path

import pytest

from fairway.courses import load_courses

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def courses():
    return load_courses(DATA / "courses.toml")
