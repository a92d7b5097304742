"""Weekly invoices: one per owner per Monday-to-Sunday week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from walkies.pricing import format_money, walk_price

LOYALTY_WALKS = 5  # walks in one week (all the owner's dogs together) for the discount
LOYALTY_PERCENT = 10


def week_start(day):
    return day - timedelta(days=day.weekday())


@dataclass
class Invoice:
    owner: str
    week: object
    lines: list = field(default_factory=list)

    @property
    def subtotal(self):
        return sum(price for _, price in self.lines)

    @property
    def discount(self):
        if len(self.lines) < LOYALTY_WALKS:
            return 0
        return self.subtotal * LOYALTY_PERCENT // 100

    @property
    def total(self):
        return self.subtotal - self.discount


def weekly_invoices(walks):
    by_key = defaultdict(list)
    for walk in walks:
        by_key[(walk.owner, week_start(walk.day))].append(walk)
    invoices = []
    for (owner, week), owner_walks in sorted(by_key.items()):
        invoice = Invoice(owner, week)
        for walk in sorted(owner_walks, key=lambda walk: (walk.day, walk.dog)):
            invoice.lines.append((walk, walk_price(walk)))
        invoices.append(invoice)
    return invoices


def invoices_for_week(walks, day):
    start = week_start(day)
    return weekly_invoices(walk for walk in walks if week_start(walk.day) == start)


def totals_by_owner(invoices):
    totals = defaultdict(int)
    for invoice in invoices:
        totals[invoice.owner] += invoice.total
    return dict(sorted(totals.items()))


def render(invoice):
    lines = [f"{invoice.owner} — week of {invoice.week.isoformat()}"]
    for walk, price in invoice.lines:
        lines.append(f"  {walk.day.isoformat()}  {walk.dog:<10}  {walk.minutes:>3} min  {walk.kind:<5}  {format_money(price):>7}")
    lines.append(f"  subtotal{format_money(invoice.subtotal):>40}")
    if invoice.discount:
        label = f"{LOYALTY_PERCENT}% off ({len(invoice.lines)} walks)"
        lines.append(f"  {label}{format_money(-invoice.discount):>{48 - len(label)}}")
    lines.append(f"  total{format_money(invoice.total):>43}")
    return "\n".join(lines)


def slug(owner):
    return "".join(ch for ch in owner.lower() if ch.isalnum())


def save(invoice, folder):
    path = Path(folder) / invoice.week.isoformat() / f"{slug(invoice.owner)}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(invoice) + "\n", encoding="utf-8")
    return path
