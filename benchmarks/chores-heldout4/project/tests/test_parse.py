from datetime import datetime, timedelta, timezone

from hits.parse import LogReader, parse_line, read_log

LINE = '198.51.100.23 - alice [10/Oct/2026:13:56:02 +0200] "POST /login HTTP/1.1" 302 0 0.180'


def test_parse_line_reads_every_field():
    entry = parse_line(LINE)
    assert entry is not None
    assert entry.host == "198.51.100.23"
    assert entry.user == "alice"
    assert entry.time == datetime(2026, 10, 10, 13, 56, 2, tzinfo=timezone(timedelta(hours=2)))
    assert (entry.method, entry.path, entry.protocol) == ("POST", "/login", "HTTP/1.1")
    assert entry.status == 302
    assert entry.size == 0
    assert entry.latency_ms == 180.0


def test_a_dash_user_is_none_and_the_latency_is_optional():
    entry = parse_line('203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.0" 200 5120')
    assert entry is not None
    assert entry.user is None
    assert entry.latency_ms is None
    assert entry.protocol == "HTTP/1.0"


def test_lines_not_in_the_format_are_none():
    assert parse_line("") is None
    assert parse_line("this line is not in the common log format") is None
    assert parse_line('203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 2000 5120') is None


def test_a_bad_timestamp_is_none():
    assert parse_line('203.0.113.7 - - [31/Feb/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 5120') is None


def test_read_log_skips_malformed_lines(sample_log):
    entries = read_log(sample_log)
    assert len(entries) == 20
    assert entries[0].path == "/"
    assert entries[-1].status == 403


def test_the_reader_counts_what_it_skipped(sample_log):
    reader = LogReader(sample_log)
    assert len(list(reader)) == 20
    assert reader.skipped == 1
