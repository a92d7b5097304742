"""Is there enough of a yarn in the stash for a pattern?"""

from __future__ import annotations

import math
from dataclasses import dataclass

from yarnstash.stash import Yarn

SPARE = 0.10  # knit a swatch, weave in ends, the odd mistake: 10% on top of the pattern's figure


def skeins_needed(pattern_metres: float, metres_per_skein: float, spare: float = SPARE) -> int:
    if metres_per_skein <= 0:
        raise ValueError("metres_per_skein must be positive")
    if pattern_metres <= 0:
        return 0
    return math.ceil(round(pattern_metres * (1 + spare) / metres_per_skein, 6))


@dataclass(frozen=True)
class Verdict:
    yarn: Yarn
    needed: int
    have: float

    @property
    def enough(self) -> bool:
        return self.have >= self.needed

    @property
    def short(self) -> int:
        """Whole skeins to buy; a part-used skein in the stash does not count towards them."""
        return max(0, self.needed - math.floor(self.have))


def check_yarn(yarn: Yarn, pattern_metres: float) -> Verdict:
    # TODO: allow holding two yarns together (double the metres)
    return Verdict(yarn, skeins_needed(pattern_metres, yarn.metres_per_skein), yarn.skeins)


def find_yarn(yarns: list[Yarn], name: str) -> list[Yarn]:
    """Yarns whose name or brand contains ``name`` (case-insensitive)."""
    wanted = name.strip().lower()
    return [y for y in yarns if wanted in y.name.lower() or wanted in y.brand.lower()]
