"""Text formatting of amounts, summaries and reorder tables."""

from __future__ import annotations

from .pricing import total_value


def format_currency(amount):
    """``1234.5`` as ``$1,234.50``; negative amounts as ``-$1,234.50``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def summary_lines(inventory):
    """The lines of the ``summary`` command."""
    items = list(inventory)
    units = sum(item.quantity for item in items)
    low = [item for item in items if item.weekly_usage > 0 and item.quantity <= item.reorder_level]
    return [
        f"{len(items)} items · {units:,} units · stock value {format_currency(total_value(items))}",
        f"{len(low)} items at or below their reorder level",
    ]


def reorder_table(pairs):
    """The lines of the ``reorder`` command: SKU, name and quantity to order, aligned."""
    lines = [f"{'SKU':<8} {'name':<25} order"]
    for item, quantity in pairs:
        lines.append(f"{item.sku:<8} {item.name:<25} {quantity}")
    return lines
