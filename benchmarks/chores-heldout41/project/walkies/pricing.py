"""What a walk costs, in pence."""

from __future__ import annotations

from walkies.walks import Walk

PUPPY_VISIT_MINUTES = 30  # a visit this short is a puppy visit, whatever the kind
PUPPY_VISIT_PENCE = 1000
RATES_PENCE = {"group": 1300, "solo": 1900}
INCLUDED_MINUTES = 60
EXTRA_BLOCK_MINUTES = 30
EXTRA_BLOCK_PENCE = 500

# TODO: a bank holiday surcharge


def walk_price(walk: Walk) -> int:
    """The price of one walk in pence: the rate for its kind, plus each started extra half hour."""
    if walk.minutes <= PUPPY_VISIT_MINUTES:
        return PUPPY_VISIT_PENCE
    price = RATES_PENCE[walk.kind]
    if walk.minutes > INCLUDED_MINUTES:
        extra = walk.minutes - INCLUDED_MINUTES
        blocks = -(-extra // EXTRA_BLOCK_MINUTES)
        price += blocks * EXTRA_BLOCK_PENCE
    return price


def format_money(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}£{pence // 100}.{pence % 100:02d}"
