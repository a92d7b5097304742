"""stockroom: inventory reports and reorder lists from a CSV export."""
