"""How likely a packet is to come up: its last germination test and its age against the crop's seed life."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from seedbox.packets import Packet

# Years a crop's seed keeps in a cool, dry tin (the seed library's handout).
SEED_LIFE = {
    "parsnip": 1,
    "onion": 1,
    "leek": 2,
    "sweetcorn": 2,
    "carrot": 3,
    "pea": 3,
    "runner bean": 3,
    "french bean": 3,
    "chilli": 3,
    "lettuce": 4,
    "beetroot": 5,
    "kale": 5,
    "squash": 5,
    "tomato": 5,
    "tomatillo": 5,
    "cucumber": 6,
}
DEFAULT_LIFE = 3  # TODO: a default per crop family (brassicas keep longer than umbellifers)

GOOD = 0.80  # germination from which a packet is good
FAIR = 0.60  # from which it is fair: sow a little thicker
POOR = 0.30  # from which it is poor: sow twice as thick; below it, compost the packet

RATINGS = ("compost", "retest", "poor", "fair", "untested", "good")  # worst first


@dataclass(frozen=True)
class Verdict:
    packet: Packet
    rating: str
    sow_by: date | None
    expired: bool = False

    @property
    def note(self) -> str:
        if self.sow_by is None:
            return "no sow-by date"
        return f"{'was due' if self.expired else 'sow by'} {self.sow_by.isoformat()}"


def seed_life(crop):
    """Years the crop's seed keeps; DEFAULT_LIFE for a crop not in the table."""
    return SEED_LIFE.get(crop, DEFAULT_LIFE)


def sow_by(packet):
    """The packet's own sow-by date, else the end of the year it was packed plus the crop's seed life."""
    if packet.sow_by is not None:
        return packet.sow_by
    if packet.packed is None:
        return None
    return date(packet.packed + seed_life(packet.crop), 12, 31)


def is_past(packet, today):
    last_day = sow_by(packet)
    return last_day is not None and today > last_day


def rate(packet, today=None):
    """good, fair, poor or compost by the germination test; untested or retest without one."""
    today = today or date.today()
    expired = is_past(packet, today)
    germination = packet.germination
    if germination is None:
        return "retest" if expired else "untested"
    if germination < POOR:
        return "compost"
    if germination < FAIR:
        return "poor"
    if germination < GOOD or expired:
        return "fair"
    return "good"


def judge(packet, today=None):
    today = today or date.today()
    return Verdict(packet, rate(packet, today), sow_by(packet), is_past(packet, today))


def worst_first(verdicts):
    """Verdicts from the worst rating to the best, and by crop and variety within a rating."""
    return sorted(verdicts, key=lambda v: (RATINGS.index(v.rating), v.packet.crop, v.packet.variety.lower()))


def judge_all(packets, today=None):
    return worst_first(judge(packet, today) for packet in packets)


def count_ratings(verdicts):
    """How many packets have each rating, in the order of RATINGS (ratings nobody has left out)."""
    counts = defaultdict(int)
    for verdict in verdicts:
        counts[verdict.rating] += 1
    return {rating: counts[rating] for rating in RATINGS if counts[rating]}
