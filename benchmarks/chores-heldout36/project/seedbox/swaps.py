"""What to take to the next seed swap: the seed beyond what we will sow ourselves, by variety."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from seedbox.parse import variety_key
from seedbox.viability import Verdict

# Rough seeds in a gram, for packets that were weighed rather than counted.
SEEDS_PER_GRAM = {
    "tomato": 300,
    "tomatillo": 600,
    "chilli": 160,
    "lettuce": 800,
    "carrot": 700,
    "parsnip": 220,
    "leek": 350,
    "onion": 250,
    "kale": 300,
    "beetroot": 50,
    "cucumber": 35,
    "squash": 7,
    "sweetcorn": 4,
    "pea": 4,
    "french bean": 3,
    "runner bean": 1,
}
# Seeds of a crop to keep back for two years' sowing before any is offered.
KEEP = {"tomato": 20, "chilli": 12, "squash": 8, "runner bean": 30, "french bean": 40, "pea": 150}
DEFAULT_KEEP = 50
SWAP_PACKET = 10  # seeds in one swap packet: smaller than that is not worth an envelope
WORTH_SWAPPING = ("good", "fair", "untested")


@dataclass(frozen=True)
class Offer:
    variety: str
    crop: str
    seeds: int

    @property
    def packets(self) -> int:
        return self.seeds // SWAP_PACKET


def seed_count(verdict: Verdict) -> int | None:
    """The seeds in a packet: its count, or its weight times the crop's seeds per gram."""
    quantity = verdict.packet.quantity
    if quantity is None:
        return None
    if quantity.unit == "seeds":
        return int(quantity.amount)
    per_gram = SEEDS_PER_GRAM.get(verdict.packet.crop)
    return None if per_gram is None else round(quantity.amount * per_gram)


def surplus(verdicts: Iterable[Verdict]) -> list[Offer]:
    """One offer per variety with enough good seed to spare, most packets first. F1 seed is never offered."""
    totals: dict[tuple[str, str], int] = {}
    names: dict[tuple[str, str], str] = {}
    for verdict in verdicts:
        packet = verdict.packet
        if verdict.rating not in WORTH_SWAPPING or packet.hybrid:
            continue
        count = seed_count(verdict)
        if count is None:
            continue
        key = (packet.crop, variety_key(packet.variety))
        totals[key] = totals.get(key, 0) + count
        names.setdefault(key, packet.variety)
    offers = []
    for key, total in totals.items():
        crop = key[0]
        spare = total - KEEP.get(crop, DEFAULT_KEEP)
        if spare >= SWAP_PACKET:
            offers.append(Offer(names[key], crop, spare))
    return sorted(offers, key=lambda offer: (-offer.packets, offer.crop, offer.variety))
