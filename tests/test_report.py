"""Reports: every number checked against a tiny ledger computed by hand (real SQLite files).

Prices are round on purpose (premium tier: $2 input, $0.50 cache read, $4 cache write, $10 output
per million tokens) so each expected value below can be checked with a pencil.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from base64 import b64decode
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import Result

from agentrunner.config import Config, load_config
from agentrunner.ledger import CallRecord, Ledger, utcnow
from agentrunner.reports import Report, build_report, prorate_monthly, resolve_window, window_from_dates
from agentrunner.reports.html import render_html, write_html
from agentrunner.reports.render import report_csv

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
cost_per_hour = 0.05

[tiers.premium]
provider = "anthropic"
model = "claude-sonnet-4-5"
price = { input_per_mtok = 2.0, output_per_mtok = 10.0, cache_read_per_mtok = 0.5, cache_write_per_mtok = 4.0 }

[budgets]
monthly_usd = 100.0

[subscriptions]
"Claude Max" = 200.0
"Copilot" = 10.0
"""

PAST_END = datetime(2026, 12, 1, tzinfo=UTC)  # "now" for the hand-computed ledger: window fully past


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the process's local time zone (TZ + tzset); restored after the test."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def config(write_config: Callable[[str], Path]) -> Config:
    return load_config(write_config(CONFIG))


def call(ts: str, **fields: object) -> CallRecord:
    return CallRecord(ts_start=ts, ts_end=ts, **fields)  # type: ignore[arg-type]


def local_call(ts: str, input_tokens: int, output_tokens: int, cost: float, **fields: object) -> CallRecord:
    return call(
        ts,
        tier="local",
        provider="llama-cpp",
        model="gemma3-270m",
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost,
        **fields,
    )


def fill_ledger(ledger: Ledger) -> None:
    """The hand-computed ledger (times UTC). Work calls in November: #1 #2 #3 #4 #5 #6 #10."""
    first = ledger.record_call(local_call("2026-11-03T10:00:00.000000Z", 1000, 200, 0.001, task_type="summarise"))
    ledger.insert_calls(
        [
            # 2: local
            local_call("2026-11-03T11:00:00.000000Z", 500, 100, 0.0005, task_type="code"),
            # 3: premium, Anthropic convention (input excludes cache): 1000 uncached, 4000 read,
            #    1000 write, 500 out → (1000×2 + 4000×0.5 + 1000×4 + 500×10)/1e6 = 0.013
            call(
                "2026-11-04T09:00:00.000000Z",
                tier="premium",
                provider="anthropic",
                model="claude-sonnet-4-5",
                input_tokens=1000,
                cache_read_tokens=4000,
                cache_write_tokens=1000,
                output_tokens=500,
                reasoning_tokens=120,
                input_includes_cache=False,
                cost_usd=0.013,
                task_type="code",
            ),
            # 4: imported, tier NULL, OpenAI convention (input 2000 includes 1000 cache read)
            call(
                "2026-11-10T12:00:00.000000Z",
                provider="openai",
                model="gpt-4o",
                input_tokens=2000,
                cache_read_tokens=1000,
                output_tokens=100,
                input_includes_cache=True,
                cost_usd=0.004,
                source="import:codex",
                source_id="c1",
            ),
            # 5: imported and unpriced: counted and listed, never $0
            call(
                "2026-11-10T13:00:00.000000Z",
                provider="openai",
                model="mystery-model",
                input_tokens=300,
                output_tokens=30,
                source="import:codex",
                source_id="c2",
            ),
            # 6: an error on the premium tier: no tokens, no cost, not "unpriced"
            call("2026-11-10T14:00:00.000000Z", tier="premium", provider="anthropic", status="error", error="boom"),
            # 7: a replay (compare) — evaluation, not work
            call(
                "2026-11-05T08:00:00.000000Z",
                tier="premium",
                provider="anthropic",
                model="claude-sonnet-4-5",
                input_tokens=1000,
                output_tokens=200,
                cost_usd=0.004,
                replay_of=first,
                step_kind="replay",
            ),
            # 8: a judge — evaluation, not work
            call(
                "2026-11-05T08:01:00.000000Z",
                tier="premium",
                provider="anthropic",
                model="claude-sonnet-4-5",
                input_tokens=100,
                output_tokens=10,
                cost_usd=0.0003,
                step_kind="judge",
            ),
            # 9: outside the window on both sides (and in the earlier quarter)
            local_call("2026-10-31T23:59:59.999999Z", 1, 1, 5.0),
            local_call("2026-12-01T00:00:00.000000Z", 1, 1, 7.0),
            local_call("2026-08-01T00:00:00.000000Z", 1, 1, 2.0),
            # 10: the last microsecond of the window
            local_call("2026-11-30T23:59:59.999999Z", 10, 1, 0.0001),
        ]
    )


def fill_queue(state_path: Path) -> None:
    """state.db ``items`` as the queue contract defines it: 3 done in November."""
    state_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(state_path)
    conn.execute(
        "CREATE TABLE items (id TEXT PRIMARY KEY, file TEXT, line_text TEXT, text TEXT, status TEXT, "
        "attempts INT, last_error TEXT, run_id TEXT, cost_usd REAL, calls INT, tags TEXT, task_type TEXT, "
        "result_path TEXT, created_at TEXT, updated_at TEXT, done_at TEXT)"
    )
    items = [
        ("a", "done", "summarise", "2026-11-03T12:00:00.000000Z"),
        ("b", "done", "code", "2026-11-04T10:00:00.000000Z"),
        ("c", "done", "code", "2026-11-04T11:00:00.000000Z"),
        ("d", "done", "code", "2026-12-01T00:00:00.000000Z"),  # outside
        ("e", "failed", "code", None),
        ("f", "pending", None, None),
    ]
    conn.executemany(
        "INSERT INTO items (id, file, text, status, task_type, done_at) VALUES (?, 'tasks/t.md', ?, ?, ?, ?)",
        [(i, f"item {i}", status, task_type, done_at) for i, status, task_type, done_at in items],
    )
    conn.commit()
    conn.close()


@pytest.fixture
def november(config: Config, local_zone: Callable[[str], None]) -> tuple[Config, Ledger]:
    local_zone("UTC")
    ledger = Ledger.for_config(config)
    fill_ledger(ledger)
    fill_queue(config.state_path)
    return config, ledger


def november_report(config: Config, ledger: Ledger, by: str = "tier", now: datetime = PAST_END) -> Report:
    window = window_from_dates("2026-11-01", "2026-11-30", now=now)
    return build_report(config, ledger, window, by=by, now=now)


def test_totals_match_the_hand_computed_ledger(november: tuple[Config, Ledger]) -> None:
    report = november_report(*november)
    work = report.work
    assert work.calls == 7 and work.ok_calls == 6 and work.error_calls == 1
    # uncached input: 1000 + 500 + 1000 (Anthropic, excl. cache) + (2000 − 1000) (OpenAI, incl.) + 300 + 0 + 10
    assert work.input_uncached_tokens == 3810
    assert work.cache_read_tokens == 5000 and work.cache_write_tokens == 1000
    assert work.output_tokens == 931 and work.reasoning_tokens == 120
    assert work.cost_usd == pytest.approx(0.0186)  # 0.001 + 0.0005 + 0.013 + 0.004 + 0.0001
    assert work.priced_calls == 5 and work.unpriced_calls == 1
    # premium: #3 and #6 on the premium tier, #4 and #5 imported from a non-local provider
    assert work.premium_calls == 4
    assert work.premium_cost_usd == pytest.approx(0.017)
    assert work.premium_share_calls == pytest.approx(4 / 7)
    assert work.premium_share_spend == pytest.approx(0.017 / 0.0186)
    # replays and judges apart
    assert report.evaluation["replay"].calls == 1 and report.evaluation["replay"].cost_usd == pytest.approx(0.004)
    assert report.evaluation["judge"].calls == 1 and report.evaluation["judge"].cost_usd == pytest.approx(0.0003)
    assert report.metered_usd == pytest.approx(0.0229)
    # subscriptions: the whole of November → the full monthly amounts
    assert report.subscriptions == {"Claude Max": pytest.approx(200.0), "Copilot": pytest.approx(10.0)}
    assert report.fully_loaded_usd == pytest.approx(210.0229)
    # unpriced calls are listed by model, never priced as $0
    assert report.unpriced == [
        {"model": "mystery-model", "provider": "openai", "calls": 1, "input_tokens": 300, "output_tokens": 30}
    ]


def test_all_premium_estimate_prices_each_token_category(november: tuple[Config, Ledger]) -> None:
    report = november_report(*november)
    # priced work calls #1 #2 #3 #4 #10: uncached 3510, cache read 5000, cache write 1000, output 901
    expected = (3510 * 2.0 + 5000 * 0.5 + 1000 * 4.0 + 901 * 10.0) / 1e6
    assert report.all_premium_usd == pytest.approx(expected)  # 0.02253
    assert report.saving_pct == pytest.approx((1 - 0.0186 / expected) * 100)
    data = report.to_dict()["what_if"]
    assert data["rates_per_mtok"]["cache_read"] == pytest.approx(0.5)
    assert data["rates_per_mtok"]["cache_write"] == pytest.approx(4.0)
    assert data["unpriced_calls_left_out"] == 1


def test_all_premium_rates_stay_below_long_context_tiers(
    write_config: Callable[[str], Path], local_zone: Callable[[str], None]
) -> None:
    """genai-prices charges claude-sonnet-4-5 more above 200k input tokens per request; a sum over
    many calls must still be priced at the base rate ($3/Mtok input, $15/Mtok output)."""
    local_zone("UTC")
    config = load_config(write_config(CONFIG.replace("price = { input_per_mtok = 2.0", "# price = {")))
    ledger = Ledger.for_config(config)
    ledger.insert_calls(
        [local_call(f"2026-11-0{day}T10:00:00.000000Z", 150_000, 1000, 0.001) for day in range(1, 9)]
    )
    report = november_report(config, ledger)
    assert report.all_premium_usd == pytest.approx(8 * (150_000 * 3.0 + 1000 * 15.0) / 1e6)


def test_cost_per_done_item_uses_agentrunners_own_work(november: tuple[Config, Ledger]) -> None:
    report = november_report(*november)
    assert report.done_items == 3
    own = 0.001 + 0.0005 + 0.013 + 0.0001  # imported spend is work, but not the queue's items
    assert report.work.own_cost_usd == pytest.approx(own)
    assert report.cost_per_done_item == pytest.approx(own / 3)
    assert report.done_items_per_usd == pytest.approx(3 / own)


def test_by_tier_day_week_month_and_task_type(november: tuple[Config, Ledger]) -> None:
    config, ledger = november
    by_tier = {g.key: g for g in november_report(config, ledger, "tier").groups}
    assert set(by_tier) == {"local", "premium", "(openai)"}
    assert by_tier["local"].totals.calls == 3 and by_tier["local"].totals.cost_usd == pytest.approx(0.0016)
    assert by_tier["premium"].totals.calls == 2 and by_tier["premium"].totals.error_calls == 1
    assert by_tier["(openai)"].totals.unpriced_calls == 1
    assert by_tier["local"].all_premium_usd == pytest.approx((1510 * 2.0 + 301 * 10.0) / 1e6)

    by_day = {g.key: g for g in november_report(config, ledger, "day").groups}
    assert by_day["2026-11-03"].totals.calls == 2 and by_day["2026-11-03"].done_items == 1
    assert by_day["2026-11-04"].done_items == 2
    assert by_day["2026-11-04"].cost_per_done_item == pytest.approx(0.013 / 2)
    assert "2026-11-05" not in by_day  # only evaluation calls that day
    assert sum(g.totals.calls for g in by_day.values()) == 7

    by_week = {g.key: g.totals.calls for g in november_report(config, ledger, "week").groups}
    assert by_week == {"2026-11-02": 3, "2026-11-09": 3, "2026-11-30": 1}  # weeks named by their Monday
    by_month = november_report(config, ledger, "month").groups
    assert [(g.key, g.totals.calls, g.done_items) for g in by_month] == [("2026-11", 7, 3)]

    by_type = {g.key: g for g in november_report(config, ledger, "task-type").groups}
    assert by_type["code"].totals.calls == 2 and by_type["code"].done_items == 2
    assert by_type["code"].cost_per_done_item == pytest.approx(0.0135 / 2)
    assert by_type["summarise"].done_items == 1
    assert by_type["(none)"].totals.calls == 4

    by_source = {g.key: g.totals.calls for g in november_report(config, ledger, "source").groups}
    assert by_source == {"agentrunner": 5, "import:codex": 2}
    by_model = {g.key: g.totals.calls for g in november_report(config, ledger, "model").groups}
    assert by_model == {"claude-sonnet-4-5": 1, "gpt-4o": 1, "gemma3-270m": 3, "mystery-model": 1, "(unknown)": 1}
    assert [g.key for g in november_report(config, ledger, "user").groups] == ["(none)"]


def test_run_rate_and_quarter_over_quarter(november: tuple[Config, Ledger]) -> None:
    report = november_report(*november)
    # last 30 days before 2026-12-01T00:00Z: November's metered spend (work + evaluation)
    assert report.run_rate["last_30d_usd"] == pytest.approx(0.0229)
    assert report.run_rate["annualised_usd"] == pytest.approx(0.0229 * 365 / 30)
    assert report.run_rate["fully_loaded_annualised_usd"] == pytest.approx(0.0229 * 365 / 30 + 210 * 12)
    # last 90 days also hold Oct 31 ($5); the 90 before hold Aug 1 ($2)
    assert report.growth["last_90d_usd"] == pytest.approx(5.0229)
    assert report.growth["previous_90d_usd"] == pytest.approx(2.0)
    assert report.growth["qoq_pct"] == pytest.approx((5.0229 / 2.0 - 1) * 100)


def test_subscriptions_are_prorated(local_zone: Callable[[str], None]) -> None:
    local_zone("UTC")
    half = window_from_dates("2026-11-16", "2026-11-30")
    assert prorate_monthly(200.0, half.start, half.end) == pytest.approx(100.0)
    across = window_from_dates("2026-10-17", "2026-11-15")
    assert prorate_monthly(200.0, across.start, across.end) == pytest.approx(200 * 15 / 31 + 200 * 15 / 30)
    year = window_from_dates("2026-01-01", "2026-12-31")
    assert prorate_monthly(10.0, year.start, year.end) == pytest.approx(120.0)


def test_subscriptions_stop_at_now(november: tuple[Config, Ledger]) -> None:
    report = november_report(*november, now=datetime(2026, 11, 16, tzinfo=UTC))
    assert report.subscriptions["Claude Max"] == pytest.approx(100.0)


def test_subscriptions_start_with_the_ledgers_first_call(
    config: Config, local_zone: Callable[[str], None]
) -> None:
    local_zone("UTC")
    ledger = Ledger.for_config(config)
    assert november_report(config, ledger).subscriptions_usd == 0.0  # no history yet: nothing to load
    ledger.record_call(local_call("2026-11-21T00:00:00.000000Z", 1, 1, 0.01))
    report = november_report(config, ledger)
    assert report.subscriptions["Claude Max"] == pytest.approx(200 * 10 / 30)  # Nov 21–30


def test_local_date_window_edges_follow_the_time_zone(
    config: Config, local_zone: Callable[[str], None]
) -> None:
    """--from/--to are local dates. New York leaves DST on 2026-11-01, so November there runs from
    04:00Z (EDT) to 05:00Z on Dec 1 (EST), and its first day is 25 hours long."""
    local_zone("America/New_York")
    ledger = Ledger.for_config(config)
    ledger.insert_calls(
        [
            local_call("2026-11-01T03:59:59.999999Z", 1, 1, 1.0),  # Oct 31, 23:59 EDT: out
            local_call("2026-11-01T04:00:00.000000Z", 1, 1, 0.01),  # Nov 1, 00:00 EDT: in
            local_call("2026-11-03T03:00:00.000000Z", 1, 1, 0.02),  # Nov 2, 22:00 EST: in, day Nov 2
            local_call("2026-12-01T04:59:59.999999Z", 1, 1, 0.04),  # Nov 30, 23:59 EST: in
            local_call("2026-12-01T05:00:00.000000Z", 1, 1, 2.0),  # Dec 1, 00:00 EST: out
        ]
    )
    window = window_from_dates("2026-11-01", "2026-11-30", now=PAST_END)
    assert window.start_ts == "2026-11-01T04:00:00.000000Z"
    assert window.end_ts == "2026-12-01T05:00:00.000000Z"
    buckets = window.buckets()
    assert len(buckets) == 30
    assert (buckets[0].hi - buckets[0].lo).total_seconds() == 25 * 3600
    report = build_report(config, ledger, window, by="day", now=datetime(2026, 12, 2, tzinfo=UTC))
    assert report.work.calls == 3 and report.work.cost_usd == pytest.approx(0.07)
    assert {g.key: g.totals.cost_usd for g in report.groups} == {
        "2026-11-01": pytest.approx(0.01),
        "2026-11-02": pytest.approx(0.02),
        "2026-11-30": pytest.approx(0.04),
    }
    assert report.to_dict()["window"]["start_local"] == "2026-11-01T00:00:00-04:00"


def test_since_windows(local_zone: Callable[[str], None]) -> None:
    local_zone("Asia/Kolkata")  # a half-hour zone: local days do not start on a UTC hour
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    window = resolve_window("2d", None, None, now=now)
    assert window.start_ts == "2026-11-24T12:00:00.000000Z" and window.end == now
    buckets = window.buckets()
    assert [b.day for b in buckets] == [date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)]
    assert buckets[1].lo_ts == "2026-11-24T18:30:00.000000Z"  # midnight IST
    assert resolve_window("12h", None, None, now=now).days == pytest.approx(0.5)
    assert resolve_window("1.5d", None, None, now=now).days == pytest.approx(1.5)
    assert resolve_window("30m", None, None, now=now).days == pytest.approx(1 / 48)
    dated = resolve_window("2026-11-20T00:00Z", None, None, until="2d", now=now)
    assert (dated.start_ts, dated.end_ts) == ("2026-11-20T00:00:00.000000Z", "2026-11-24T12:00:00.000000Z")


@pytest.mark.parametrize(
    ("since", "start", "end", "message"),
    [
        ("30", None, None, "--since '30'"),
        ("0d", None, None, "more than zero"),
        ("3x", None, None, "expected an age like 30m"),
        (None, "2026-13-01", None, "--from '2026-13-01'"),
        (None, "2026-11-05", "2026-11-01", "is after --to"),
        ("30d", "2026-11-01", None, "either --since/--until or --from/--to"),
    ],
)
def test_bad_windows_are_usage_errors(since: str | None, start: str | None, end: str | None, message: str) -> None:
    from agentrunner.errors import UsageError

    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        resolve_window(since, start, end)


def test_missing_queue_means_no_done_items(config: Config, local_zone: Callable[[str], None]) -> None:
    local_zone("UTC")
    ledger = Ledger.for_config(config)
    fill_ledger(ledger)
    report = november_report(config, ledger)
    assert report.done_items is None and report.cost_per_done_item is None
    assert all(g.done_items is None for g in report.groups)


def test_local_premium_tier_has_no_token_what_if(
    write_config: Callable[[str], Path], local_zone: Callable[[str], None]
) -> None:
    local_zone("UTC")
    config = load_config(write_config(CONFIG.split("[tiers.premium]")[0]))
    ledger = Ledger.for_config(config)
    fill_ledger(ledger)
    report = november_report(config, ledger)
    assert report.all_premium_usd is None and report.saving_pct is None
    assert "paid by the hour" in report.what_if_note


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.tables = 0
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "img":
            self.images.append(values)
        if tag == "table":
            self.tables += 1
        for key in ("src", "href"):
            if values.get(key, "").startswith(("http:", "https:", "//")):
                self.external.append(values[key])
        if tag in ("script", "link"):
            self.external.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_self_contained_with_four_charts(november: tuple[Config, Ledger], tmp_path: Path) -> None:
    report = november_report(*november, by="day")
    path = write_html(report, tmp_path / "out" / "report.html")
    page = _Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    assert page.external == []  # nothing to fetch at view time
    charts = [img for img in page.images if img["src"].startswith("data:image/svg+xml;base64,")]
    assert [img["alt"] for img in charts] == [
        "Daily spend by tier",
        "Cumulative spend vs the monthly budget",
        "Cost per done item over time",
        "Premium share over time",
    ]
    svgs = [b64decode(img["src"].split(",", 1)[1]).decode("utf-8") for img in charts]
    assert all(svg.lstrip().startswith("<?xml") and "<svg" in svg for svg in svgs)
    assert "local" in svgs[0] and "premium" in svgs[0]  # the stacked tiers' legend
    assert "monthly budget $100.00" in svgs[1] and "(off the scale)" in svgs[1]  # the line would flatten $0.02
    assert page.tables >= 4
    text = " ".join(page.text)
    assert "saving vs all-premium" in text.lower() and "mystery-model" in text and "Claude Max" in text
    assert not list(path.parent.glob(".*.tmp"))


def test_html_draws_the_budget_line_when_spend_is_near_it(
    write_config: Callable[[str], Path], local_zone: Callable[[str], None]
) -> None:
    local_zone("UTC")
    config = load_config(write_config(CONFIG.replace("monthly_usd = 100.0", "monthly_usd = 0.05")))
    ledger = Ledger.for_config(config)
    fill_ledger(ledger)
    page = _Page()
    page.feed(render_html(november_report(config, ledger)))
    cumulative = b64decode(page.images[1]["src"].split(",", 1)[1]).decode("utf-8")
    assert "monthly budget $0.0500" in cumulative and "off the scale" not in cumulative
    assert "45.8% of the" in cumulative  # $0.0229 of $0.05


def test_html_with_an_empty_ledger(config: Config) -> None:
    report = build_report(config, Ledger.for_config(config), resolve_window("7d", None, None))
    page = _Page()
    page.feed(render_html(report))
    assert len(page.images) == 4 and report.work.calls == 0


def test_csv_and_json(november: tuple[Config, Ledger]) -> None:
    report = november_report(*november)
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [r["tier"] for r in rows] == ["premium", "(openai)", "local"]  # by spend, descending
    assert float(rows[0]["cost_usd"]) == pytest.approx(0.013) and rows[2]["calls"] == "3"
    data = json.loads(json.dumps(report.to_dict()))
    assert data["spend"]["fully_loaded_usd"] == pytest.approx(210.0229)
    assert data["what_if"]["all_premium_usd"] == pytest.approx(0.02253)


def _recent(ledger: Ledger) -> None:
    now = utcnow()
    ledger.insert_calls(
        [
            local_call(now, 1000, 100, 0.0002, step_kind="act"),
            call(now, tier="premium", provider="anthropic", model="claude-sonnet-4-5", input_tokens=1000,
                 output_tokens=100, cost_usd=0.003, step_kind="plan"),
            call(now, provider="openai", model="mystery-model", input_tokens=5, output_tokens=5,
                 source="import:codex", source_id="z"),
        ]
    )


def test_cli_report_terminal_json_csv_html(
    cli: Callable[..., Result], config: Config, tmp_path: Path
) -> None:
    _recent(Ledger.for_config(config))
    result = cli("report", "--since", "7d")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "all-premium estimate" in out and "saving" in out and "work by tier" in out
    assert "unpriced 1 calls" in out and "mystery-model" in out

    result = cli("report", "--since", "7d", "--json", "--by", "step-kind")
    data = json.loads(result.output)
    assert {g["key"] for g in data["groups"]} == {"act", "plan", "(none)"}
    assert data["work"]["calls"] == 3 and data["work"]["unpriced_calls"] == 1

    result = cli("report", "--csv", "--by", "provider")
    assert result.output.splitlines()[0].startswith("provider,calls,")

    html_path = tmp_path / "r.html"
    result = cli("report", "--html", str(html_path))
    assert result.exit_code == 0 and html_path.stat().st_size > 10_000


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--by", "colour"),
        ("report", "--since", "yesterday"),
        ("report", "--since", "3d", "--from", "2026-11-01"),
        ("report", "--json", "--csv"),
    ],
)
def test_cli_report_bad_options_exit_2_in_one_line(cli: Callable[..., Result], args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def test_report_on_a_real_local_call(
    cli: Callable[..., Result], fake_local: Path, write_config: Callable[[str], Path]
) -> None:
    """A local call through the gateway (the fake provider: 50 ms, no model) shows up priced by
    wall time."""
    local = CONFIG.replace("cost_per_hour = 0.05", "cost_per_hour = 0.05\nmax_tokens = 8\nn_ctx = 512")
    write_config(local.replace('provider = "llama-cpp"', 'provider = "fake"', 1))
    result = cli("ask", "--tier", "local", "--max-tokens", "8", "Say hi.")
    assert result.exit_code == 0, result.output
    data = json.loads(cli("report", "--since", "1h", "--json").output)
    assert data["work"]["calls"] == 1 and data["work"]["priced_calls"] == 1
    assert 0 < data["spend"]["work_usd"] < 0.01
    assert data["work"]["premium_calls"] == 0 and data["what_if"]["all_premium_usd"] > 0


def test_html_survives_dollar_signs_in_tier_names(
    write_config: Callable[[str], Path], local_zone: Callable[[str], None]
) -> None:
    """matplotlib reads text between two "$" as TeX; names from routes.toml must stay plain."""
    local_zone("UTC")
    name = "$\\oops$"  # as TeX: an unknown command, which makes matplotlib raise
    config = load_config(write_config(CONFIG.replace("[tiers.premium]", '[tiers."$\\\\oops$"]')))
    assert config.premium_tier == name
    ledger = Ledger.for_config(config)
    ledger.insert_calls([call("2026-11-03T10:00:00.000000Z", tier=name, provider="anthropic", cost_usd=0.5)])
    page = _Page()
    page.feed(render_html(november_report(config, ledger)))
    assert len(page.images) == 4


@pytest.mark.slow
def test_chromium_renders_the_page(november: tuple[Config, Ledger], tmp_path: Path) -> None:
    """The page as a browser draws it (scripts/screenshot_report.py; needs Debian's chromium)."""
    import shutil
    import subprocess
    import sys

    if not shutil.which("chromium"):
        pytest.skip("no chromium: apt-get install -y chromium")
    page = write_html(november_report(*november, by="day"), tmp_path / "report.html")
    png = tmp_path / "report.png"
    script = Path(__file__).parent.parent / "scripts" / "screenshot_report.py"
    subprocess.run([sys.executable, str(script), str(page), str(png)], check=True, timeout=180)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a blank 1280×2000 page is ~10 kB
