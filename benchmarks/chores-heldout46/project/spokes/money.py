"""Money as the volunteers write it: prices in pounds or pence, and the parts a job used."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Parts that cost the workshop nothing: off the spares shelf, or lent.
FREE_WORDS = ("free", "donated", "loan")

_PRICE = re.compile(r"(£)?\s*(\d+)(?:\.(\d{1,2}))?\s*(p)?")
_PART = re.compile(r"(.+?)\s+((?:£\s*)?\d+(?:\.\d{1,2})?\s*p?|free|donated|loan)")


@dataclass(frozen=True)
class Part:
    name: str
    pence: int


def parse_price(text: str) -> int:
    cleaned = text.strip().lower()
    if cleaned in FREE_WORDS:
        return 0
    match = _PRICE.fullmatch(cleaned)
    if not match:
        raise ValueError(f"not a price: {text!r}")
    pound_sign, whole, fraction, pence_sign = match.groups()
    if pence_sign:
        if pound_sign or fraction:
            raise ValueError(f"not a price (pounds or pence, not both): {text!r}")
        return int(whole)
    return int(whole) * 100 + int((fraction or "").ljust(2, "0"))


def parse_parts(text: str) -> tuple[Part, ...]:
    """The parts of a job, written ``inner tube £4.50; valve cap 75p`` (blank: no parts)."""
    # TODO: read a quantity ("2x brake pads £3.40") instead of making people write the total
    parts = []
    for entry in text.split(";"):
        entry = " ".join(entry.split())
        if not entry:
            continue
        match = _PART.fullmatch(entry.lower())
        if not match:
            raise ValueError(f"a part needs a price at the end: {entry!r}")
        parts.append(Part(entry[: len(match[1])], parse_price(match[2])))
    return tuple(parts)


def format_money(pence: int) -> str:
    """Pence as pounds, ``£7.25``; a negative amount as ``-£2.40``."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds}.{rest:02d}"
