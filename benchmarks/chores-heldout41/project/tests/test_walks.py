from datetime import date
from pathlib import Path

from walkies.walks import Walk, load_walks, parse_row

DATA = Path(__file__).resolve().parent.parent / "data" / "walks.csv"


def test_parse_row_normalises_every_cell():
    row = {"date": "07/03/2026", "dog": "luna", "owner": "Dr. Patel", "duration": "1h30", "distance": "4,6 km",
           "walk": "private", "notes": " long one "}
    assert parse_row(row) == Walk(date(2026, 3, 7), "Luna", "Patel", 90, 4.6, "solo", "long one")


def test_load_walks_reads_the_whole_log_in_date_order():
    walks = load_walks(DATA)
    assert len(walks) == 41
    assert walks[0].day == date(2026, 3, 2)
    assert [walk.day for walk in walks] == sorted(walk.day for walk in walks)
    assert {walk.dog for walk in walks} == {"Biscuit", "Bramble", "Juno", "Luna", "Mr Pickles", "Pepper"}
