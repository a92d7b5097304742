import pytest

from gradebook.roster import parse_cell, read_scores


def test_cells():
    assert parse_cell("88") == (88.0, 0)
    assert parse_cell(" 72.5 ") == (72.5, 0)
    assert parse_cell("") == (0.0, 0)
    assert parse_cell("ex") == (None, 0)
    assert parse_cell("85@2") == (85.0, 2)


def test_a_score_over_100_is_an_error():
    with pytest.raises(ValueError, match="out of range"):
        parse_cell("105")


def test_the_sample_scores(data_dir):
    students = read_scores(data_dir / "scores.csv")
    assert [s.student_id for s in students] == ["S001", "S002", "S003", "S004", "S005", "S006"]
    by_name = {s.name: s for s in students}
    ben = by_name["Ben Okafor"]
    assert ben.student_id == "S002"
    assert ben.scores["hw2"] == 0.0
    assert ben.late_days == {"hw3": 2}
    assert by_name["Chloe Martin"].scores["hw3"] is None
    assert by_name["Farid Haddad"].late_days == {}


def test_a_bad_cell_names_its_line_and_column(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("student_id,name,hw1\nS1,A,90\nS2,B,abc\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r":3: hw1:"):
        read_scores(path)


def test_a_file_without_ids_is_an_error(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("name,hw1\nA,90\n", encoding="utf-8")
    with pytest.raises(ValueError, match="student_id"):
        read_scores(path)
