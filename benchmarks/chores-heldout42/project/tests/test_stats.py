from datetime import date

from brinelog.jars import Jar
from brinelog.stats import mean, ready_by, spoil_rate, summarise

D = date(2026, 3, 1)


def test_mean():
    assert mean([]) is None
    assert mean(x for x in (1, 2, 3)) == 2


def test_spoil_rate_counts_finished_jars_only():
    jars = [Jar("J01", D, "carrot", 3.5, 7, "opened"), Jar("J02", D, "carrot", 3.5, 7, "spoiled"),
            Jar("J03", D, "carrot", 3.5, 7, "fermenting")]
    assert spoil_rate(jars) == 0.5
    assert spoil_rate(jars[2:]) is None


def test_summary_leaves_spoiled_jars_out_of_the_brine():
    jars = [Jar("J01", D, "radish", 3.0, 5, "opened"), Jar("J02", D, "radish", 9.0, 7, "spoiled")]
    (row,) = summarise(jars)
    assert (row.vegetable, row.jars, row.opened, row.spoiled) == ("radish", 2, 1, 1)
    assert row.average_brine == 3.0
    assert row.average_days == 6


def test_ready_by():
    jars = [Jar("J01", D, "carrot", 3.5, 14), Jar("J02", D, "carrot", 3.5, 7),
            Jar("J03", D, "carrot", 3.5, 3, "opened")]
    assert [jar.jar for jar in ready_by(jars, date(2026, 3, 10))] == ["J02"]
