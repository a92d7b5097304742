from datetime import date

from birdlog.summary import SiteSummary, checklist, first_of_year, ranked, site_summaries, species_totals, year_list


def test_species_totals_count_an_x_as_one_bird(outings) -> None:
    assert species_totals(outings) == {"ROBI": 7, "GRHE": 3, "TAOW": 1, "KING": 1}


def test_species_totals_at_one_site(outings) -> None:
    assert species_totals(outings, "Wood") == {"ROBI": 4, "TAOW": 1}


def test_ranked_breaks_ties_by_code() -> None:
    assert ranked({"WREN": 2, "BLAC": 5, "BLUT": 2}) == [("BLAC", 5), ("BLUT", 2), ("WREN", 2)]


def test_first_of_year_ignores_the_year_before(outings) -> None:
    firsts = first_of_year(outings, 2026)
    assert firsts["ROBI"] == date(2026, 1, 2)
    assert firsts["KING"] == date(2026, 2, 1)
    assert first_of_year(outings, 2024) == {}


def test_year_list(outings) -> None:
    assert year_list(outings, 2025) == ["ROBI"]
    assert year_list(outings, 2026) == ["GRHE", "KING", "ROBI", "TAOW"]


def test_site_summaries(outings) -> None:
    assert site_summaries(outings) == [
        SiteSummary("Pond", 3, 5, date(2026, 2, 1)),
        SiteSummary("Wood", 2, 2, date(2026, 1, 5)),
    ]


# TODO: a test for checklist() on a day with nothing logged
def test_checklist_adds_up_rows_of_one_species(outings) -> None:
    assert checklist(outings, date(2026, 1, 2), "Pond") == [("ROBI", 1), ("GRHE", 2)]
    assert checklist(outings, date(2026, 1, 5), "Wood") == [("ROBI", 4), ("TAOW", None)]
