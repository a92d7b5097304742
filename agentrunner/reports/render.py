"""The report as terminal text (rich), CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from .spend import GroupRow, Report
from .team import TeamRow


def money(value: float | None, *, places: int | None = None) -> str:
    """Dollars with as many places as small amounts need (a local call costs fractions of a cent)."""
    if value is None:
        return "—"
    if places is None:
        size = abs(value)
        places = 2 if size >= 1 or size == 0 else 4 if size >= 0.01 else 6
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.{places}f}"


def pct(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.1f}%" if signed else f"{value:.1f}%"


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def tokens(value: int) -> str:
    for size, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}{suffix}"
    return str(value)


def headline_lines(report: Report) -> list[str]:
    """The summary above the table: the numbers people quote."""
    work = report.work
    window = report.window
    start = window.start.astimezone().strftime("%Y-%m-%d %H:%M")
    end = window.end.astimezone().strftime("%Y-%m-%d %H:%M")
    lines = [f"report {window.label} · {start} → {end} {report.zone} ({window.days:.1f} days)"]
    spend = f"spend {money(work.cost_usd)} work"
    if report.evaluation_cost_usd or any(t.calls for t in report.evaluation.values()):
        spend += f" + {money(report.evaluation_cost_usd)} evaluation (replay/judge)"
    if report.subscriptions:
        spend += f" + {money(report.subscriptions_usd)} subscriptions"
    spend += f" = {money(report.fully_loaded_usd)} fully loaded"
    lines.append(spend)
    if report.rates is not None:
        estimate = report.all_premium_usd
        saving = report.saving_pct
        lines.append(
            f"all-premium estimate {money(estimate)} (the same {work.priced_calls:,} priced calls on "
            f"{report.premium_tier}/{report.rates.model}) → saving {pct(saving)}"
        )
    else:
        lines.append(f"all-premium estimate: n/a ({report.what_if_note})")
    lines.append(
        f"calls {work.calls:,} ({work.error_calls:,} errors) · premium {share(work.premium_share_calls)} of calls, "
        f"{share(work.premium_share_spend)} of spend"
    )
    lines.append(
        f"tokens input {tokens(work.input_uncached_tokens)} · cache read {tokens(work.cache_read_tokens)} · "
        f"cache write {tokens(work.cache_write_tokens)} · output {tokens(work.output_tokens)} "
        f"(reasoning {tokens(work.reasoning_tokens)})"
    )
    if report.done_items is None:
        lines.append("done items: no queue yet (state.db)")
    else:
        lines.append(
            f"done items {report.done_items:,} · {money(report.cost_per_done_item)} per item · "
            f"{'—' if report.done_items_per_usd is None else f'{report.done_items_per_usd:,.1f}'} items per $"
        )
    rate = report.run_rate
    lines.append(
        f"run rate {money(rate['monthly_usd'])}/month · {money(rate['annualised_usd'])}/year "
        f"(fully loaded {money(rate['fully_loaded_annualised_usd'])}/year) · "
        f"quarter over quarter {pct(report.growth['qoq_pct'], signed=True)}"
    )
    for kind, totals in report.evaluation.items():
        if totals.calls:
            lines.append(f"{kind}: {totals.calls:,} calls · {money(totals.cost_usd)} (not in work)")
    if report.unpriced:
        listed = ", ".join(f"{u['model']} {u['calls']:,}" for u in report.unpriced[:5])
        more = f" and {len(report.unpriced) - 5} more models" if len(report.unpriced) > 5 else ""
        total = sum(u["calls"] for u in report.unpriced)
        lines.append(f"unpriced {total:,} calls (not counted as $0): {listed}{more}")
    return lines


GROUP_COLUMNS = (
    "calls",
    "errors",
    "input",
    "cache read",
    "cache write",
    "output",
    "spend",
    "premium calls",
    "premium spend",
    "unpriced",
    "all-premium",
)


def group_cells(group: GroupRow, *, with_done: bool) -> list[str]:
    t = group.totals
    cells = [
        f"{t.calls:,}",
        f"{t.error_calls:,}",
        tokens(t.input_uncached_tokens),
        tokens(t.cache_read_tokens),
        tokens(t.cache_write_tokens),
        tokens(t.output_tokens),
        money(t.cost_usd),
        share(t.premium_share_calls),
        share(t.premium_share_spend),
        f"{t.unpriced_calls:,}",
        money(group.all_premium_usd),
    ]
    if with_done:
        cells += ["—" if group.done_items is None else f"{group.done_items:,}", money(group.cost_per_done_item)]
    return cells


TERMINAL_COLUMNS = (
    "calls",
    "input",
    "cached",
    "output",
    "spend",
    "prem calls",
    "prem spend",
    "unpriced",
    "all-premium",
)


def terminal_cells(group: GroupRow, *, with_done: bool) -> list[str]:
    """The compact row of the terminal table (every category is in --json/--csv/--html)."""
    t = group.totals
    cells = [
        f"{t.calls:,}",
        tokens(t.input_uncached_tokens),
        tokens(t.cache_read_tokens + t.cache_write_tokens),
        tokens(t.output_tokens),
        money(t.cost_usd),
        share(t.premium_share_calls),
        share(t.premium_share_spend),
        f"{t.unpriced_calls:,}",
        money(group.all_premium_usd),
    ]
    if with_done:
        cells += ["—" if group.done_items is None else f"{group.done_items:,}", money(group.cost_per_done_item)]
    return cells


def groups_table(report: Report) -> Table:
    with_done = any(g.done_items is not None for g in report.groups)
    columns = [report.by, *TERMINAL_COLUMNS, *(("done", "per done") if with_done else ())]
    table = Table(
        *columns, title=f"work by {report.by}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False
    )
    for column in table.columns:
        column.no_wrap = True
    for column in table.columns[1:]:
        column.justify = "right"
    for group in report.groups:
        table.add_row(group.key, *terminal_cells(group, with_done=with_done))
    if len(report.groups) > 1:
        total = GroupRow("total", report.work, report.all_premium_usd, report.done_items)
        table.add_section()
        table.add_row("total", *terminal_cells(total, with_done=with_done))
    return table


def print_report(report: Report, console: Console) -> None:
    for line in headline_lines(report):
        console.print(line, markup=False)
    if report.groups:
        table = groups_table(report)
        needed = console.measure(table, options=console.options.update_width(1000)).maximum
        if needed > console.width and not console.is_terminal:
            # Piped or redirected: keep the table whole rather than cutting its cells to "…".
            console = Console(file=console.file, width=needed, highlight=False, no_color=console.no_color)
        console.print()
        console.print(table)
    else:
        console.print("no calls in this window")


def report_json(report: Report, *, team: list[TeamRow] | None = None) -> str:
    data = report.to_dict()
    if team is not None:
        data["team"] = [row.to_dict() for row in team]
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def team_table(by: str, rows: list[TeamRow]) -> Table:
    """``report --by user|team|client|project``: one row per engineer (team, client, project)."""

    def share(value: float | None) -> str:
        return "-" if value is None else f"{value * 100:.0f}%"

    table = Table(
        by, "spend", "run rate/mo", "premium", "done", "$/done", "done/$", "all-premium", "cap used",
        title=f"per {by}", title_justify="left",
    )
    seats = by in ("user", "team") and any(row.subscriptions_monthly_usd for row in rows)
    if seats:  # [users.NAME] subscriptions: the fully loaded cost per engineer (a team: its members' seats)
        table.add_column("subs/mo")
        table.add_column("fully loaded")
    for column in table.columns[1:]:
        column.justify = "right"
    for row in rows:
        cap = "-" if row.cap is None else f"{share(row.cap.fraction)} of {money(row.cap.cap_usd)} {row.cap.name}"
        table.add_row(
            row.key,
            money(row.spend_usd),
            money(row.run_rate_monthly_usd),
            share(row.premium_share_spend),
            "-" if row.done_items is None else str(row.done_items),
            "-" if row.cost_per_done_item is None else money(row.cost_per_done_item),
            "-" if row.done_per_usd is None else f"{row.done_per_usd:.1f}",
            "-" if row.all_premium_usd is None else money(row.all_premium_usd),
            cap,
            *([money(row.subscriptions_monthly_usd), money(row.fully_loaded_usd)] if seats else []),
        )
    return table


CSV_FIELDS = (
    "calls",
    "ok_calls",
    "error_calls",
    "input_uncached_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost_usd",
    "priced_calls",
    "unpriced_calls",
    "premium_calls",
    "premium_cost_usd",
    "premium_share_calls",
    "premium_share_spend",
    "all_premium_usd",
    "done_items",
    "cost_per_done_item_usd",
)


def report_csv(report: Report) -> str:
    """One row per group of ``--by`` (work calls), machine-readable numbers, no formatting."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[report.by, *CSV_FIELDS], lineterminator="\n")
    writer.writeheader()
    data: dict[str, Any] = report.to_dict()
    for group in data["groups"]:
        row = {report.by: group["key"]}
        row.update({name: "" if group.get(name) is None else group[name] for name in CSV_FIELDS})
        writer.writerow(row)
    return buffer.getvalue()
