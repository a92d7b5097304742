from datetime import date, time

from moorlog.log import Stay, load_stays, parse_row


def row(**fields):
    base = {"arrived": "2026-05-01", "boat": "Sea Wren", "berth": "A3", "length": "8.5m", "nights": "2",
            "hw_time": "14:05", "hw_height": "4.6m"}
    return {**base, **fields}


def test_parse_row():
    stay = parse_row(row(boat="sea wren ", berth="a-03", length="28ft"))
    assert stay == Stay(date(2026, 5, 1), "Sea Wren", "A3", 8.53, 2, time(14, 5), 4.6)
    assert stay.departs == date(2026, 5, 3)
    assert stay.pontoon == "A"


def test_blank_tide_is_none():
    stay = parse_row(row(hw_time="", hw_height=" "))
    assert stay.hw_time is None and stay.hw_height_m is None


def test_load_stays_sorted(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text(
        "arrived,boat,berth,length,nights,hw_time,hw_height\n"
        "2026-05-03,Tern,V2,19ft,1,,\n02/05/2026,Gannet,B 4,10.2m,5 nights,9:55,9.8ft\n",
        encoding="utf-8",
    )
    assert [stay.boat for stay in load_stays(log)] == ["Gannet", "Tern"]
