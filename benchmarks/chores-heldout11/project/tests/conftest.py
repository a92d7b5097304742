from datetime import date, time

import pytest
from birdlog.sightings import Sighting


def sighting(day: str, site: str, code: str, count: int | None = 1, at: str | None = None) -> Sighting:
    moment = time.fromisoformat(at) if at else None
    return Sighting(date.fromisoformat(day), site, code, count, moment)


@pytest.fixture
def outings() -> list[Sighting]:
    return [
        sighting("2025-12-30", "Pond", "ROBI", 2),
        sighting("2026-01-02", "Pond", "ROBI", 1),
        sighting("2026-01-02", "Pond", "GRHE", None),
        sighting("2026-01-02", "Pond", "GRHE", 2),
        sighting("2026-01-05", "Wood", "ROBI", 4),
        sighting("2026-01-05", "Wood", "TAOW", None),
        sighting("2026-02-01", "Pond", "KING", 1),
    ]
