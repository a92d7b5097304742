"""timesheet: hours per project and week, and invoices, from a time-tracking CSV export."""

from .billing import BillingError, InvoiceLine, invoice_lines, invoice_total, load_rates
from .entries import Entry, EntryError, load_entries
from .summary import filter_entries, hours_by, iso_week, total_hours

__all__ = [
    "BillingError",
    "Entry",
    "EntryError",
    "InvoiceLine",
    "filter_entries",
    "hours_by",
    "invoice_lines",
    "invoice_total",
    "iso_week",
    "load_entries",
    "load_rates",
    "total_hours",
]
