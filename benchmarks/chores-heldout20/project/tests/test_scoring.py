from datetime import date

from boulderlog.climbs import Climb
from boulderlog.scoring import grade_pyramid, session_summaries, top_points, working_grade

DAY = date(2026, 3, 20)


def climb(grade, style="send", day=DAY, attempts=1):
    return Climb(day, "Problem", "Slab", grade, style, attempts)


def test_top_points():
    assert top_points(climb(0)) == 100
    assert top_points(climb(4)) == 220
    assert top_points(climb(2, "flash")) == 190  # 192 to the nearest 5
    assert top_points(climb(4, "repeat")) == 110
    assert top_points(climb(6, "attempt")) == 0


def test_sessions_group_by_day():
    climbs = [climb(3, day=date(2026, 3, 2)), climb(5, "attempt", date(2026, 3, 2), 4), climb(1, "flash")]
    sessions = session_summaries(climbs)
    assert [session.day for session in sessions] == [date(2026, 3, 2), DAY]
    first = sessions[0]
    assert (first.tops, first.attempts, first.hardest, first.points) == (1, 5, 3, 190)


def test_a_session_without_tops_has_no_hardest():
    (session,) = session_summaries([climb(5, "attempt")])
    assert session.hardest is None
    assert session.points == 0


def test_pyramid_leaves_out_repeats_and_attempts():
    climbs = [climb(3), climb(3, "flash"), climb(3, "repeat"), climb(5, "attempt"), climb(-1)]
    assert grade_pyramid(climbs) == {3: 2, -1: 1}


def test_working_grade_needs_three_recent_tops():
    old = date(2026, 1, 2)
    climbs = [climb(5, day=old), climb(5), climb(5), climb(4), climb(4), climb(4, "flash")]
    assert working_grade(climbs) == 4
    assert working_grade(climbs, today=date(2026, 2, 1)) is None
    assert working_grade([]) is None
