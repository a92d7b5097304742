import pytest

from hits.stats import error_rate, latency_percentiles, percentile, size_percentiles, status_classes, status_counts, top_paths

from .conftest import entry


def test_status_counts_are_sorted_by_code():
    entries = [entry(status=404), entry(status=200), entry(status=200)]
    assert status_counts(entries) == {200: 2, 404: 1}
    assert list(status_counts(entries)) == [200, 404]


def test_status_classes_has_every_class():
    entries = [entry(status=200), entry(status=201), entry(status=503)]
    assert status_classes(entries) == {"1xx": 0, "2xx": 2, "3xx": 0, "4xx": 0, "5xx": 1}


def test_top_paths_ignores_query_strings_and_breaks_ties_by_path():
    entries = [entry(path="/b"), entry(path="/a?x=1"), entry(path="/a"), entry(path="/c"), entry(path="/b?y")]
    assert top_paths(entries) == [("/a", 2), ("/b", 2), ("/c", 1)]
    assert top_paths(entries, 1) == [("/a", 2)]


def test_percentile_interpolates_between_ranks():
    values = [40, 10, 30, 20]
    assert percentile(values, 0) == 10
    assert percentile(values, 100) == 40
    assert percentile(values, 50) == pytest.approx(25.0)
    assert percentile([7], 90) == 7.0


def test_latency_percentiles_leave_out_lines_without_a_time():
    entries = [entry(latency="0.010"), entry(latency="0.030"), entry(latency=None)]
    assert latency_percentiles(entries, (50,)) == {50: pytest.approx(20.0)}
    assert latency_percentiles([entry(latency=None)]) == {}


def test_size_percentiles_count_a_dash_as_zero():
    entries = [entry(size="-"), entry(size="100")]
    assert size_percentiles(entries, (50, 100)) == {50: 50.0, 100: 100.0}


def test_error_rate():
    assert error_rate([]) == 0.0
    assert error_rate([entry(status=200), entry(status=404), entry(status=500), entry(status=302)]) == 0.5
