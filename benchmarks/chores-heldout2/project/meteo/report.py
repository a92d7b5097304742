"""Render summaries and gaps as a plain-text table or a Markdown report."""

from __future__ import annotations

from meteo.stats import DaySummary, Gap
from meteo.units import convert_temp


def format_temp(celsius: float, unit: str = "C") -> str:
    # TODO: kelvin should be written without the degree sign ("273.1 K")
    return f"{convert_temp(celsius, unit):.1f} °{unit.upper()}"


def render_text(summaries: list[DaySummary], unit: str = "C") -> str:
    if not summaries:
        return "no readings\n"
    header = f"{'station':<10} {'day':<10} {'n':>3} {'min':>9} {'max':>9} {'mean':>9}"
    lines = [header, "-" * len(header)]
    for s in summaries:
        lines.append(
            f"{s.station:<10} {s.day.isoformat():<10} {s.count:>3} "
            f"{format_temp(s.min_c, unit):>9} {format_temp(s.max_c, unit):>9} {format_temp(s.mean_c, unit):>9}"
        )
    return "\n".join(lines) + "\n"


def render_markdown(
    summaries: list[DaySummary], gaps: list[Gap], unit: str = "C", title: str = "Weather report"
) -> str:
    lines = [f"# {title}", ""]
    if not summaries:
        lines.append("No readings.")
        return "\n".join(lines) + "\n"
    lines += ["| station | day | readings | min | max | mean |", "|---|---|---:|---:|---:|---:|"]
    for s in summaries:
        lines.append(
            f"| {s.station} | {s.day.isoformat()} | {s.count} | {format_temp(s.min_c, unit)} "
            f"| {format_temp(s.max_c, unit)} | {format_temp(s.mean_c, unit)} |"
        )
    lines += ["", "## Gaps", ""]
    if gaps:
        for gap in gaps:
            lines.append(f"- {gap.station}: {gap.start:%Y-%m-%d %H:%M} to {gap.end:%Y-%m-%d %H:%M} ({gap.minutes} min)")
    else:
        lines.append("No gaps.")
    return "\n".join(lines) + "\n"
