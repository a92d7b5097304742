"""Invoice totals."""


def calc_total(items: list[dict[str, float]]) -> float:
    """Sum of price × quantity."""
    return sum(item["price"] * item["quantity"] for item in items)


def invoice_line(items: list[dict[str, float]]) -> str:
    return f"total: {calc_total(items):.2f}"
