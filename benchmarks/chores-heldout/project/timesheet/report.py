"""Reports as text: aligned columns for the terminal, or markdown tables for the wiki."""

from __future__ import annotations

from .billing import invoice_lines, invoice_total, rate_for
from .summary import busiest_week, hours_by, total_hours

NUMERIC_COLUMNS = {"hours", "rate", "amount"}


def format_hours(hours):
    """Hours as ``7h30`` (rounded to the minute); negative hours keep their sign."""
    sign = "-" if hours < 0 else ""
    minutes = round(abs(hours) * 60)
    whole, rest = divmod(minutes, 60)
    return f"{sign}{whole}h{rest:02d}"


def format_money(amount, currency="EUR"):
    """``1234.5`` as ``1,234.50 EUR``."""
    return f"{amount:,.2f} {currency}"


def table(header, rows, markdown=False):
    """Rows of cells under a header: markdown pipes, or columns padded to the widest cell."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.rjust(width) if name in NUMERIC_COLUMNS else cell.ljust(width)
            for name, cell, width in zip(header, row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def summary_table(entries, by="project", markdown=False):
    """Hours per ``by`` (project, person, task or week), with a total row."""
    rows = [[name, format_hours(hours)] for name, hours in hours_by(entries, by).items()]
    rows.append(["total", format_hours(total_hours(entries))])
    return table([by, "hours"], rows, markdown)


def invoice_table(lines, discount=0.0, markdown=False):
    """The lines of an invoice with their amounts, and the total after the discount."""
    rows = [
        [line.project, line.person, format_hours(line.hours), f"{line.rate:.2f}", format_money(line.amount)]
        for line in lines
    ]
    if discount:
        rows.append(["discount", "", "", "", f"{discount:.0%}"])
    rows.append(["total", "", "", "", format_money(invoice_total(lines, discount=discount))])
    return table(["project", "person", "hours", "rate", "amount"], rows, markdown)


def render_report(entries, rates=None, markdown=False):
    """The monthly report: totals per project and per week, the busiest week, and billing if rates are given."""
    heading = "## {}" if markdown else "{}\n" + "=" * 20
    parts = [heading.format("Hours per project"), summary_table(entries, "project", markdown)]
    parts += [heading.format("Hours per week"), summary_table(entries, "week", markdown)]
    busiest = busiest_week(entries)
    if busiest is not None:
        parts.append(f"Busiest week: {busiest[0]} ({format_hours(busiest[1])})")
    if rates is not None:
        lines = invoice_lines(entries, rates)
        people = sorted({(line.person, line.project) for line in lines})
        rate_rows = [[person, project, f"{rate_for(rates, person, project):.2f}"] for person, project in people]
        parts += [heading.format("Rates"), table(["person", "project", "rate"], rate_rows, markdown)]
        parts += [heading.format("Billing"), invoice_table(lines, markdown=markdown)]
    return "\n\n".join(parts) + "\n"
