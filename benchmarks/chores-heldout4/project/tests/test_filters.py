from datetime import datetime, timezone

from hits.filters import between, by_method, by_status_class, is_static, strip_query

from .conftest import entry


def test_strip_query():
    assert strip_query("/api/orders?page=2") == "/api/orders"
    assert strip_query("/docs#install") == "/docs"
    assert strip_query("?x=1") == "/"


def test_by_method_is_case_insensitive():
    entries = [entry(method="GET"), entry(method="POST"), entry(method="GET")]
    assert len(by_method(entries, "get")) == 2
    assert by_method(entries, "DELETE") == []


def test_by_status_class():
    entries = [entry(status=404), entry(status=200), entry(status=403), entry(status=500)]
    assert [e.status for e in by_status_class(entries, "4xx")] == [404, 403]


def test_between_is_half_open():
    early = entry(when="10/Oct/2026:13:00:00 +0000")
    late = entry(when="10/Oct/2026:14:00:00 +0000")
    start = datetime(2026, 10, 10, 13, 0, tzinfo=timezone.utc)
    end = datetime(2026, 10, 10, 14, 0, tzinfo=timezone.utc)
    assert between([early, late], start, end) == [early]
    assert between([early, late], start=end) == [late]
    assert between([early, late]) == [early, late]


def test_is_static():
    assert is_static(entry(path="/static/app.css?v=3"))
    assert not is_static(entry(path="/api/orders"))
