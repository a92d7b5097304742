from datetime import date

import pytest

from brewlog.batches import Batch, load_batches, parse_row, parse_scores


def row(**fields):
    base = {
        "batch": "B20",
        "brewed": "2026-03-07",
        "name": "Test Pale",
        "style": "American Pale Ale",
        "og": "1.050",
        "fg": "1.010",
        "ferment_days": "14",
        "scores": "35;37",
    }
    base.update(fields)
    return base


def test_parse_row_reads_the_names_dates_and_scores():
    batch = parse_row(row())
    assert (batch.batch_id, batch.brewed, batch.name) == ("B20", date(2026, 3, 7), "Test Pale")
    assert batch.style == "American Pale Ale"
    assert batch.ferment_days == 14
    assert batch.scores == (35, 37)


def test_style_whitespace_is_tidied():
    assert parse_row(row(style="  American   Pale Ale ")).style == "American Pale Ale"


def test_blank_scores_mean_not_tasted_yet():
    assert parse_row(row(scores="")).scores == ()
    assert parse_row({k: v for k, v in row().items() if k != "scores"}).scores == ()


def test_negative_fermentation_days_are_an_error():
    with pytest.raises(ValueError, match="fermentation days"):
        parse_row(row(ferment_days="-2"))


def test_parse_scores():
    assert parse_scores("38; 41;35") == (38, 41, 35)
    assert parse_scores(" ") == ()


def test_a_score_over_50_is_an_error():
    with pytest.raises(ValueError, match="0 to 50"):
        parse_scores("38;51")


def test_batch_abv():
    batch = Batch("B1", date(2026, 1, 3), "x", "Saison", 1.058, 1.004, 21)
    assert batch.abv == pytest.approx(7.0875)


def test_load_batches_sorts_by_brew_date(tmp_path):
    csv_file = tmp_path / "batches.csv"
    csv_file.write_text(
        "batch,brewed,name,style,og,fg,ferment_days,scores\n"
        "B2,2026-02-01,Later,Saison,1.056,1.006,20,\n"
        "B1,2026-01-04,Earlier,Irish Stout,1.044,1.012,12,36;38\n",
        encoding="utf-8",
    )
    batches = load_batches(csv_file)
    assert [batch.batch_id for batch in batches] == ["B1", "B2"]
    assert batches[1].scores == ()
