"""How climbs, sessions and the pyramid are printed."""

from __future__ import annotations

from boulderlog.grades import format_grade


def climb_line(climb) -> str:
    tries = "1 try" if climb.attempts == 1 else f"{climb.attempts} tries"
    grade = format_grade(climb.grade)
    return f"{climb.day.isoformat()}  {grade:<3}  {climb.style:<7}  {tries:<9}  {climb.problem} ({climb.wall})"


def session_line(session) -> str:
    return (
        f"{session.day.isoformat()}  {session.tops:2d} tops  {session.attempts:2d} attempts  "
        f"hardest {format_grade(session.hardest):<3}  {session.points:5d} pts"
    )


def pyramid_lines(pyramid, width=20):
    """One bar per grade, hardest first; the longest bar is `width` characters."""
    if not pyramid:
        return ["no problems topped yet"]
    most = max(pyramid.values())
    lines = []
    for grade, count in pyramid.items():
        bar = "#" * max(1, round(count * width / most))
        lines.append(f"{format_grade(grade):<3}  {bar:<{width}}  {count}")
    return lines
