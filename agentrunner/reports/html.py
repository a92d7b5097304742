"""``report --html FILE``: one self-contained page (inline CSS, charts as inline SVG data URIs).

Charts are drawn with matplotlib's Agg/SVG backends (no display needed). Each SVG is embedded as a
``data:image/svg+xml;base64`` image rather than inline markup so that the element ids matplotlib
gives clip paths cannot collide between charts. Nothing is fetched when the page is viewed.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: never try to open a display

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..atomic import atomic_write
from .render import GROUP_COLUMNS, group_cells, headline_lines, money, share
from .spend import GroupRow, Report
from .team import TeamRow

# _DATES_OK: matplotlib plots dates and datetimes through its units registry (matplotlib.dates),
# but its stubs type x values as numbers only; the type: ignore[arg-type] comments below mark those.

# Colour-blind-safe palette (Okabe–Ito), tiers in escalation order.
PALETTE = ["#009E73", "#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
EVALUATION_COLOUR = "#999999"


def _svg_data_uri(fig: Figure) -> str:
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "agentrunner"}):
        fig.savefig(buffer, format="svg")
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure() -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(10.5, 3.2), dpi=100)
    # The same plot box in every chart, with room on the right for the legend, so that the charts
    # line up on the page whatever their labels.
    fig.subplots_adjust(left=0.09, right=0.83, top=0.88, bottom=0.16)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _date_axis(ax: plt.Axes, days: list[date]) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if days:
        # datetimes, not dates: date arithmetic would drop the half day and cut the edge bars.
        first = datetime.combine(days[0], time.min) - timedelta(hours=14)
        last = datetime.combine(days[-1], time.min) + timedelta(hours=14)
        ax.set_xlim(first, last)  # type: ignore[arg-type]  # dates: see _DATES_OK


def _plain(text: str) -> str:
    """Text for matplotlib: two "$" in one label would start its TeX math mode."""
    return text.replace("$", r"\$")


def _axis_money(value: float) -> str:
    """Tick labels: cents for dollars, up to six places below a dollar ($0.0025, never 5e-05)."""
    if abs(value) >= 1:
        return _plain(f"${value:,.2f}")
    digits = f"{value:.6f}".rstrip("0").rstrip(".")
    return _plain(f"${digits}")


def _dollars(ax: plt.Axes) -> None:
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: _axis_money(v)))


def chart_daily_spend(report: Report) -> str:
    """Daily spend stacked by tier (work), evaluation (replay/judge) on top in grey."""
    fig, ax = _figure()
    days = [d.day for d in report.days]
    bottom = [0.0] * len(days)
    for index, tier in enumerate(report.tiers):
        values = [d.cost_by_tier.get(tier, 0.0) for d in report.days]
        ax.bar(days, values, bottom=bottom, color=PALETTE[index % len(PALETTE)], label=_plain(tier), width=0.8)  # type: ignore[arg-type]  # dates: see _DATES_OK
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    evaluation = [d.evaluation_cost_usd for d in report.days]
    if any(evaluation):
        ax.bar(days, evaluation, bottom=bottom, color=EVALUATION_COLOUR, label="evaluation", width=0.8, hatch="//")  # type: ignore[arg-type]  # dates: see _DATES_OK
    top = max((b + e for b, e in zip(bottom, evaluation, strict=True)), default=0.0)
    if top > 0:
        ax.set_ylim(0, top * 1.12)  # headroom: the tallest bar is not flush with the frame
    ax.set_title("Daily spend by tier", loc="left", fontsize=11)
    _dollars(ax)
    _date_axis(ax, days)
    if report.tiers or any(evaluation):
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg_data_uri(fig)


def chart_cumulative(report: Report) -> str:
    """Month-to-date metered spend (resets on the 1st, like the monthly cap) vs the cap."""
    fig, ax = _figure()
    days = [d.day for d in report.days]
    cumulative: list[float] = []
    running = 0.0
    for index, row in enumerate(report.days):
        if index > 0 and row.day.month != report.days[index - 1].day.month:
            running = 0.0
        running += row.work.cost_usd + row.evaluation_cost_usd
        cumulative.append(running)
    ax.step(days, cumulative, where="mid", color=PALETTE[1], linewidth=2, label="month-to-date spend")  # type: ignore[arg-type]  # dates: see _DATES_OK
    budget = report.budget_monthly_usd
    peak = max(cumulative, default=0.0)
    if budget is not None and cumulative:
        used = f"{cumulative[-1] / budget * 100:.1f}%" if budget > 0 else "—"
        note = f"month to date\n{money(cumulative[-1])}\n= {used} of the\nmonthly budget {money(budget)}"
        if peak >= budget * 0.2:
            label = _plain(f"monthly budget {money(budget)}")
            ax.axhline(budget, color="#D55E00", linestyle="--", linewidth=1.5, label=label)
        else:
            # A line at $400 over a curve at $0.02 would flatten the curve into the axis: keep the
            # scale on the spend and say where the budget is.
            note += "\n(off the scale)"
        # Beside the plot, under the legend: inside it the text would sit on the curve.
        ax.text(1.02, 0.62, _plain(note), transform=ax.transAxes, ha="left", va="top", fontsize=8, color="#444444")
    ax.set_title("Cumulative spend vs the monthly budget", loc="left", fontsize=11)
    top = peak * 1.15
    if budget is not None and peak >= budget * 0.2:
        top = max(top, budget * 1.05)
    ax.set_ylim(0, top or 1.0)
    _dollars(ax)
    _date_axis(ax, days)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg_data_uri(fig)


def chart_cost_per_done(report: Report) -> str:
    fig, ax = _figure()
    points = [(d.day, d.cost_per_done_item) for d in report.days if d.cost_per_done_item is not None]
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=PALETTE[0], linewidth=1.5)  # type: ignore[arg-type]  # dates: see _DATES_OK
        ax.set_ylim(bottom=0)
    else:
        ax.text(0.5, 0.5, "no done items in this window", transform=ax.transAxes, ha="center", color="#777777")
    ax.set_title("Cost per done item (days with done items)", loc="left", fontsize=11)
    _dollars(ax)
    _date_axis(ax, [d.day for d in report.days])
    return _svg_data_uri(fig)


def chart_premium_share(report: Report) -> str:
    """Per day; a day without calls is a gap, not a line drawn across it."""
    fig, ax = _figure()
    nan = float("nan")
    days = [d.day for d in report.days]
    calls = [(d.work.premium_share_calls or 0.0) * 100 if d.work.calls else nan for d in report.days]
    spend = [(d.work.premium_share_spend or 0.0) * 100 if d.work.cost_usd > 0 else nan for d in report.days]
    ax.plot(days, calls, marker="o", markersize=3, color=PALETTE[1], label="of calls")  # type: ignore[arg-type]  # dates: see _DATES_OK
    ax.plot(days, spend, marker="s", markersize=3, color=PALETTE[2], label="of spend")  # type: ignore[arg-type]  # dates: see _DATES_OK
    ax.set_ylim(-2, 102)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:.0f}%"))
    ax.set_title(_plain(f"Premium share ({report.premium_tier}) per day"), loc="left", fontsize=11)
    _date_axis(ax, days)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg_data_uri(fig)


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;
max-width:1180px;padding:0 16px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e5e5e5;padding-bottom:4px}
.sub{color:#666;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(165px,1fr));gap:10px;margin:12px 0}
.card{border:1px solid #e2e2e2;border-radius:8px;padding:10px 12px;background:#fafafa}
.card .label{font-size:12px;color:#666;text-transform:uppercase;letter-spacing:.03em}
.card .value{font-size:22px;font-weight:600;margin-top:2px} .card .note{font-size:12px;color:#666}
.card.headline{background:#eef7f2;border-color:#9fd3b8}
.charts{display:grid;grid-template-columns:1fr;gap:6px} figure{margin:0} .charts img{width:100%;max-width:1050px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 12px}
th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th{background:#f4f4f4;font-weight:600} td:first-child,th:first-child{text-align:left}
tr.total td{font-weight:700;border-top:2px solid #ccc}
ul.lines{padding-left:18px;color:#333} .muted{color:#777}
"""


def chart_team(by: str, rows: list[TeamRow], limit: int = 15) -> str:
    """The top spenders: each one's spend split premium / other, and the all-premium what-if."""
    top = rows[:limit][::-1]  # the biggest at the top of a horizontal bar chart
    fig, ax = _figure()
    names = [_plain(row.key) for row in top]
    premium = [row.spend_usd * (row.premium_share_spend or 0.0) for row in top]
    other = [row.spend_usd - p for row, p in zip(top, premium, strict=True)]
    ax.barh(names, premium, color=PALETTE[1], label="premium")
    ax.barh(names, other, left=premium, color=PALETTE[0], label="other tiers")
    what_if = [row.all_premium_usd for row in top]
    if any(value is not None for value in what_if):
        ax.scatter([v or 0.0 for v in what_if], names, marker="|", s=300, color="black", label="all-premium what-if")
    ax.set_title(f"Spend per {by} (top {len(top)})", loc="left", fontsize=11)
    ax.xaxis.set_major_formatter(lambda value, _: _axis_money(value))
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg_data_uri(fig)


def chart_team_daily(by: str, rows: list[TeamRow], days: list[date], limit: int = 6) -> str:
    """Daily work spend of each of the top spenders (a line each), the rest of the team together."""
    fig, ax = _figure()
    for index, row in enumerate(rows[:limit]):
        values = [row.spend_by_day.get(day, 0.0) for day in days]
        ax.plot(days, values, color=PALETTE[index % len(PALETTE)], linewidth=1.6, marker=".", label=_plain(row.key))  # type: ignore[arg-type]  # dates: see _DATES_OK
    if len(rows) > limit:
        rest = [sum(row.spend_by_day.get(day, 0.0) for row in rows[limit:]) for day in days]
        label = f"{len(rows) - limit} other{'s' if len(rows) - limit > 1 else ''}"
        ax.plot(days, rest, color=EVALUATION_COLOUR, linewidth=1.2, linestyle="--", label=label)  # type: ignore[arg-type]  # dates: see _DATES_OK
    ax.set_ylim(bottom=0)
    ax.set_title(f"Daily spend per {by} (top {min(limit, len(rows))})", loc="left", fontsize=11)
    _dollars(ax)
    _date_axis(ax, days)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg_data_uri(fig)


def _top_uses(rows: list[TeamRow], limit: int) -> list[str]:
    """The uses ("tier · source") that take the most of these rows' spend."""
    spent: dict[str, float] = {}
    for row in rows:
        for use, cost in row.spend_by_use.items():
            spent[use] = spent.get(use, 0.0) + cost
    return [use for use, cost in sorted(spent.items(), key=lambda item: (-item[1], item[0]))[:limit] if cost > 0]


def chart_team_uses(by: str, rows: list[TeamRow], limit: int = 15, uses: int = 6) -> str:
    """What the top spenders spend on: each one's spend split by tier and source."""
    top = rows[:limit][::-1]  # the biggest at the top
    shown = _top_uses(top, uses)
    fig, ax = _figure()
    names = [_plain(row.key) for row in top]
    left = [0.0] * len(top)
    for index, use in enumerate(shown):
        values = [row.spend_by_use.get(use, 0.0) for row in top]
        label = _plain(use if len(use) <= 24 else use.replace(" · ", " ·\n", 1))  # the legend's column is narrow
        ax.barh(names, values, left=left, color=PALETTE[index % len(PALETTE)], label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    rest = [sum(cost for use, cost in row.spend_by_use.items() if use not in shown) for row in top]
    if any(value > 0 for value in rest):
        ax.barh(names, rest, left=left, color=EVALUATION_COLOUR, label="other uses")
    ax.set_title(f"What each {by} spends on (tier · source, top {len(top)})", loc="left", fontsize=11)
    ax.xaxis.set_major_formatter(lambda value, _: _axis_money(value))
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg_data_uri(fig)


def _uses_cells(row: TeamRow, count: int = 3) -> list[str]:
    ranked = sorted(row.spend_by_use.items(), key=lambda item: (-item[1], item[0]))[:count]
    cells = [
        f"{use} {money(cost)} ({cost / row.spend_usd * 100:.0f}%)" if row.spend_usd > 0 else f"{use} {money(cost)}"
        for use, cost in ranked
    ]
    return cells + ["-"] * (count - len(cells))


def team_section(by: str, rows: list[TeamRow], days: list[date] | None = None) -> str:
    """The team page: charts of the top spenders (spend, daily spend, what they spend on), one
    table row per engineer (team, client...) and the top spenders' biggest uses."""
    if not rows:
        return ""
    seats = by in ("user", "team") and any(row.subscriptions_monthly_usd for row in rows)
    table_rows = [
        [
            row.key,
            money(row.spend_usd),
            money(row.run_rate_monthly_usd),
            share(row.premium_share_spend),
            "-" if row.done_items is None else str(row.done_items),
            "-" if row.cost_per_done_item is None else money(row.cost_per_done_item),
            "-" if row.all_premium_usd is None else money(row.all_premium_usd),
            "-" if row.cap is None else f"{share(row.cap.fraction)} of {money(row.cap.cap_usd)} {row.cap.name}",
            *([money(row.subscriptions_monthly_usd), money(row.fully_loaded_usd)] if seats else []),
        ]
        for row in rows
    ]
    headers = [by, "spend", "run rate/mo", "premium", "done", "$/done", "all-premium", "cap used"]
    headers += ["subscriptions/mo", "fully loaded"] if seats else []
    charts = [(f"spend per {by}", chart_team(by, rows))]
    if days:
        charts.append((f"daily spend per {by}", chart_team_daily(by, rows, days)))
    charts.append((f"what each {by} spends on", chart_team_uses(by, rows)))
    figures = "".join(f'<figure><img alt="{html.escape(alt)}" src="{uri}"></figure>' for alt, uri in charts)
    uses = [[row.key, money(row.spend_usd), *_uses_cells(row)] for row in rows[:10]]
    return (
        f'<h2>Team: per {html.escape(by)}</h2><div class="charts">{figures}</div>{_table(headers, table_rows)}'
        f"<h3>Top spenders: what they spend on</h3>"
        f'{_table([by, "spend", "first use", "second", "third"], uses)}'
    )


def _card(label: str, value: str, note: str = "", *, headline: bool = False) -> str:
    cls = "card headline" if headline else "card"
    note_html = f'<div class="note">{html.escape(note)}</div>' if note else ""
    return (
        f'<div class="{cls}"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div>{note_html}</div>'
    )


def _table(headers: list[str], rows: list[list[str]], total: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    if total:
        body += '<tr class="total">' + "".join(f"<td>{html.escape(c)}</td>" for c in total) + "</tr>"
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: Report, *, team: list[TeamRow] | None = None) -> str:
    work = report.work
    saving = report.saving_pct
    cards = [
        _card(
            "saving vs all-premium",
            "—" if saving is None else f"{saving:.0f}%",
            f"all-premium {money(report.all_premium_usd)} vs actual {money(work.cost_usd)}"
            if report.rates
            else report.what_if_note,
            headline=True,
        ),
        _card("work spend", money(work.cost_usd), f"{work.calls:,} calls, {work.unpriced_calls:,} unpriced"),
        _card(
            "fully loaded",
            money(report.fully_loaded_usd),
            f"+ evaluation {money(report.evaluation_cost_usd)} + subscriptions {money(report.subscriptions_usd)}",
        ),
        _card(
            "premium share", share(work.premium_share_calls), f"of calls; {share(work.premium_share_spend)} of spend"
        ),
        _card(
            "cost per done item",
            money(report.cost_per_done_item),
            "no queue yet" if report.done_items is None else f"{report.done_items:,} items done",
        ),
        _card(
            "run rate",
            f"{money(report.run_rate['annualised_usd'])}/yr",
            "last 30 days annualised; QoQ "
            + ("—" if report.growth["qoq_pct"] is None else f"{report.growth['qoq_pct']:+.1f}%"),
        ),
    ]
    charts = [
        ("Daily spend by tier", chart_daily_spend(report)),
        ("Cumulative spend vs the monthly budget", chart_cumulative(report)),
        ("Cost per done item over time", chart_cost_per_done(report)),
        ("Premium share over time", chart_premium_share(report)),
    ]
    chart_html = "".join(
        f'<figure><img alt="{html.escape(title)}" src="{uri}"></figure>' for title, uri in charts
    )

    with_done = any(g.done_items is not None for g in report.groups)
    headers = [report.by, *GROUP_COLUMNS, *(("done", "per done") if with_done else ())]
    group_rows = [[g.key, *group_cells(g, with_done=with_done)] for g in report.groups]
    total = None
    if len(report.groups) > 1:
        total = ["total", *group_cells(GroupRow("total", work, report.all_premium_usd, report.done_items),
                                        with_done=with_done)]
    groups_html = _table(headers, group_rows, total) if report.groups else '<p class="muted">no calls</p>'

    eval_rows = [
        [kind, f"{t.calls:,}", money(t.cost_usd), f"{t.unpriced_calls:,}"] for kind, t in report.evaluation.items()
    ]
    unpriced_rows = [
        [u["model"], u["provider"], f"{u['calls']:,}", f"{u['input_tokens']:,}", f"{u['output_tokens']:,}"]
        for u in report.unpriced
    ]
    subscription_rows = [[name, money(amount)] for name, amount in report.subscriptions.items()]
    daily_rows = [
        [
            d.day.isoformat(),
            f"{d.work.calls:,}",
            money(d.work.cost_usd),
            money(d.evaluation_cost_usd),
            share(d.work.premium_share_calls),
            f"{d.done_items:,}",
            money(d.cost_per_done_item),
        ]
        for d in report.days
    ]
    summary = "".join(f"<li>{html.escape(line)}</li>" for line in headline_lines(report))
    start = report.window.start.astimezone().strftime("%Y-%m-%d %H:%M")
    end = report.window.end.astimezone().strftime("%Y-%m-%d %H:%M")
    title = f"agentrunner report — {report.window.label}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="sub">{html.escape(start)} → {html.escape(end)} {html.escape(report.zone)} ·
premium tier <b>{html.escape(report.premium_tier)}</b> · generated
{html.escape(report.generated_at.astimezone().strftime("%Y-%m-%d %H:%M"))}</p>
<div class="cards">{"".join(cards)}</div>
<h2>Charts</h2><div class="charts">{chart_html}</div>
<h2>Work by {html.escape(report.by)}</h2>{groups_html}
{team_section(report.by, team, [d.day for d in report.days]) if team else ""}
<h2>Summary</h2><ul class="lines">{summary}</ul>
<h2>Evaluation (replays and judges, not in work)</h2>
{_table(["kind", "calls", "spend", "unpriced"], eval_rows)}
<h2>Unpriced calls (not counted as $0)</h2>
{_table(["model", "provider", "calls", "input tokens", "output tokens"], unpriced_rows)
 if unpriced_rows else '<p class="muted">none</p>'}
<h2>Subscriptions (prorated to the window)</h2>
{_table(["subscription", "in window"], subscription_rows) if subscription_rows else '<p class="muted">none</p>'}
<h2>Days</h2>
{_table(["day", "calls", "work spend", "evaluation", "premium calls", "done", "per done"], daily_rows)}
</body></html>
"""


def write_html(report: Report, path: Path, *, team: list[TeamRow] | None = None) -> Path:
    """Write the page atomically (a half-written report is never left behind); with ``team`` rows
    (``--by user|team|client|project``) it has the team section."""
    path = Path(path)
    atomic_write(path, render_html(report, team=team))
    return path
