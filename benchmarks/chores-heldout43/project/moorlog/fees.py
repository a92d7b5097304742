"""Mooring fees: charged per metre of boat length per night, from the harbour's tariff."""

from __future__ import annotations

import math

from moorlog.log import Stay

RATE_PER_METRE = 2.80  # £ per metre per night
LARGE_BOAT_M = 12.0  # boats longer than this pay the large-boat rate
LARGE_RATE_PER_METRE = 3.40
MINIMUM_PER_NIGHT = 14.00  # no boat pays less than this a night
WEEK_NIGHTS = 7  # a stay of this many nights or more ...
WEEK_DISCOUNT = 0.10  # ... gets this much off


def charged_length(length_m):
    """The length the fee is worked out on: rounded up to the next half metre."""
    return math.ceil(round(length_m * 2, 6)) / 2


def nightly_rate(length_m):
    """The fee for one night, in pounds."""
    charged = charged_length(length_m)
    rate = LARGE_RATE_PER_METRE if charged > LARGE_BOAT_M else RATE_PER_METRE
    return max(MINIMUM_PER_NIGHT, round(charged * rate, 2))


def stay_fee(length_m, nights):
    """The fee for a whole stay, in pounds, after the week discount."""
    fee = nightly_rate(length_m) * nights
    if nights >= WEEK_NIGHTS:
        fee *= 1 - WEEK_DISCOUNT
    return round(fee, 2)


def total_fees(stays):
    return round(sum(stay_fee(stay.length_m, stay.nights) for stay in stays), 2)


def fees_by_boat(stays):
    """Each boat's fees over all its stays, the biggest bill first (then by name)."""
    totals = {}
    for stay in stays:
        totals[stay.boat] = round(totals.get(stay.boat, 0.0) + stay_fee(stay.length_m, stay.nights), 2)
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def fees_by_pontoon(stays):
    """The fees taken on each pontoon, by pontoon letter."""
    letters = sorted({stay.pontoon for stay in stays})
    # TODO: split the visitors' berths out by season once the summer tariff is in
    return {letter: total_fees(stay for stay in stays if stay.pontoon == letter) for letter in letters}


def format_money(amount):
    return f"£{amount:,.2f}"
