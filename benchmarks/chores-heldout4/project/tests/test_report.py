from hits.report import format_status, format_table, format_top


def test_format_table_pads_and_aligns():
    table = format_table(["name", "n"], [("a", 1), ("longer", 22)])
    assert table.splitlines() == [
        "name     n",
        "------  --",
        "a        1",
        "longer  22",
    ]


def test_format_status_shows_shares():
    lines = format_status({200: 3, 404: 1}).splitlines()
    assert lines[2].split() == ["200", "3", "75.0%"]
    assert lines[3].split() == ["404", "1", "25.0%"]


def test_format_top_ranks_from_one():
    lines = format_top([("/a", 5), ("/b", 2)]).splitlines()
    assert lines[2].split() == ["1", "/a", "5"]
    assert lines[3].split() == ["2", "/b", "2"]
