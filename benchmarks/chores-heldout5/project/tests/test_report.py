from gradebook.report import Row, class_stats, format_letters, format_report, letter_counts


def _rows():
    return [Row("S1", "Ana", 91.0, "A"), Row("S2", "Ben", 72.5, "C"), Row("S3", "Chloe", 85.0, "B")]


def test_class_stats():
    assert class_stats(_rows()) == (82.83, 85.0, 72.5, 91.0)
    assert class_stats([]) == (0.0, 0.0, 0.0, 0.0)
    assert class_stats(_rows()[:2])[1] == 81.75


def test_the_report_has_a_line_per_student_and_a_summary():
    lines = format_report(_rows(), title="Course").splitlines()
    assert lines[0] == "Course"
    assert lines[2].split() == ["S1", "Ana", "91.00", "A"]
    assert lines[-1].startswith("mean 82.83")
    assert len(lines) == 6


def test_letter_counts_keep_the_order_and_every_letter():
    counts = letter_counts(_rows())
    assert list(counts) == ["A", "B", "C", "D", "F"]
    assert counts == {"A": 1, "B": 1, "C": 1, "D": 0, "F": 0}
    assert format_letters({"A": 2, "F": 0}).splitlines() == ["A    2  ##", "F    0  "]
