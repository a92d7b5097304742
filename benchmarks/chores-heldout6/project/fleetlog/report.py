"""Plain-text tables for the command line."""

from __future__ import annotations


def format_number(value, digits=1):
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def fleet_totals(summaries):
    distance = sum(s.distance_km for s in summaries)
    litres = round(sum(s.litres for s in summaries), 2)
    cost = round(sum(s.cost for s in summaries), 2)
    return distance, litres, cost


def summary_table(summaries):
    header = f"{'vehicle':<8} {'fill-ups':>8} {'km':>8} {'litres':>9} {'L/100km':>8} {'cost/km':>8}"
    lines = [header, "-" * len(header)]
    for s in summaries:
        lines.append(
            f"{s.vehicle:<8} {s.fill_ups:>8} {s.distance_km:>8,} {format_number(s.litres):>9}"
            f" {format_number(s.litres_per_100km):>8} {format_number(s.cost_per_km, 3):>8}"
        )
    # TODO: a fleet total line under the table (fleet_totals is there already)
    return lines


def due_lines(dues):
    if not dues:
        return ["nothing due"]
    return [f"{d.vehicle:<8} {d.service:<12} {d.detail}" for d in dues]
