"""Parsers for the fields of the seed log, which is typed in by hand and never the same way twice."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import NamedTuple

GRAMS_PER_OUNCE = 28.35

# Every crop name the log has used, and the crop it means.
CROP_ALIASES = {
    "tom": "tomato",
    "toms": "tomato",
    "cherry tomato": "tomato",
    "runner": "runner bean",
    "runners": "runner bean",
    "french": "french bean",
    "dwarf bean": "french bean",
    "climbing french bean": "french bean",
    "beet": "beetroot",
    "beets": "beetroot",
    "chili": "chilli",
    "chile": "chilli",
    "chile pepper": "chilli",
    "chilli pepper": "chilli",
    "hot pepper": "chilli",
    "winter squash": "squash",
    "pumpkin": "squash",
    "corn": "sweetcorn",
    "sweet corn": "sweetcorn",
    "cavolo nero": "kale",
}
CROPS = (
    "tomato", "tomatillo", "runner bean", "french bean", "pea", "beetroot", "lettuce", "leek",
    "parsnip", "carrot", "squash", "chilli", "onion", "sweetcorn", "cucumber", "kale",
)  # fmt: skip

SOURCES = {
    "saved": "saved",
    "own": "saved",
    "home saved": "saved",
    "swap": "swap",
    "swapped": "swap",
    "swop": "swap",
    "seed swap": "swap",
    "bought": "bought",
    "shop": "bought",
    "purchased": "bought",
    "gift": "gift",
    "given": "gift",
}


class Quantity(NamedTuple):
    """How much seed a packet holds: grams ("g") or a count of seeds ("seeds")."""

    amount: float
    unit: str

    def __str__(self) -> str:
        if self.unit == "seeds":
            return f"{self.amount:.0f} seeds"
        return f"{self.amount:g} g"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month(name: str, text: str) -> int:
    """The month a name stands for: "Mar", "march", "Sept"; at least three letters of it."""
    name = name.lower()
    for number in range(1, 13):
        if len(name) >= 3 and calendar.month_name[number].lower().startswith(name):
            return number
    raise ValueError(f"not a sow-by date: {text!r}")


def parse_sow_by(text: str) -> date | None:
    """The last day a packet should be sown by; None when the packet gives no date."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return _month_end(int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        return date(int(match[3]), int(match[2]), int(match[1]))
    if match := re.fullmatch(r"(\d{1,2})/(\d{4})", text):
        return _month_end(int(match[2]), int(match[1]))
    if match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{4})", text):
        return _month_end(int(match[2]), _month(match[1], text))
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 12, 31)
    raise ValueError(f"not a sow-by date: {text!r}")


def parse_quantity(text: str) -> Quantity | None:
    """The seed in a packet, as grams or a count of seeds; None when nobody weighed or counted it."""
    text = text.strip().lower()
    if not text:
        return None
    # TODO: read "½ oz" and the other vulgar fractions people write on packets
    match = re.fullmatch(r"(?:~|c\.|approx\.?|about)?\s*(\d+(?:[.,]\d+)?)\s*(g|grams?|oz|ounces?|seeds?)?", text)
    if not match:
        raise ValueError(f"not a quantity of seed: {text!r}")
    amount = float(match[1].replace(",", "."))
    unit = match[2] or "seeds"
    if unit.startswith("o"):
        return Quantity(round(amount * GRAMS_PER_OUNCE, 2), "g")
    if unit.startswith("g"):
        return Quantity(amount, "g")
    if amount != int(amount):
        raise ValueError(f"not a whole number of seeds: {text!r}")
    return Quantity(amount, "seeds")


def parse_germination(text: str) -> float | None:
    text = text.strip().lower()
    if text in ("", "-", "n/a", "na", "untested", "not tested"):
        return None
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", text):
        percent = float(match[1])
        if percent > 100:
            raise ValueError(f"more than 100% germination: {text!r}")
        return percent / 100
    match = re.fullmatch(r"(\d+)\s*(?:/|of|out of)\s*(\d+)", text)
    if not match:
        raise ValueError(f"not a germination test: {text!r}")
    sprouted, sown = int(match[1]), int(match[2])
    if sown == 0 or sprouted > sown:
        raise ValueError(f"not a germination test: {text!r}")
    return sprouted / sown


def normalise_crop(text: str) -> str:
    """The crop a name in the log means: 'Tomatoes', 'toms' and 'TOMATO ' are all 'tomato'."""
    name = " ".join(text.lower().split())
    if name in CROP_ALIASES:
        return CROP_ALIASES[name]
    for plural in ("es", "s"):
        if name.endswith(plural) and name[: -len(plural)] in CROPS:
            return name[: -len(plural)]
    if name.endswith("s") and CROP_ALIASES.get(name[:-1]):
        return CROP_ALIASES[name[:-1]]
    return name


def normalise_source(text: str) -> str:
    """Where a packet came from, as one of saved, swap, bought or gift."""
    name = " ".join(text.lower().split())
    if name not in SOURCES:
        raise ValueError(f"unknown source of seed: {text!r}")
    return SOURCES[name]


SMALL_WORDS = ("and", "of", "the", "de", "du")


def tidy_variety(text: str) -> str:
    """A variety's name as it is shown: spaces collapsed, curly quotes straightened, and a name
    typed all in lower case capitalised ("black krim" -> "Black Krim", "ring of fire" -> "Ring of Fire")."""
    words = text.replace("\u2019", "'").replace("\u2018", "'").split()
    if any(char.isupper() for char in text):
        return " ".join(words)
    return " ".join(
        word if i and word in SMALL_WORDS else word[:1].upper() + word[1:] for i, word in enumerate(words)
    )


def variety_key(text: str) -> str:
    """The name two spellings of one variety share ("Gardener's Delight" and "gardeners delight")."""
    return " ".join(re.sub(r"[^a-z0-9 ]", "", tidy_variety(text).lower()).split())
