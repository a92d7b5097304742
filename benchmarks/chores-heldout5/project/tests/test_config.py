from gradebook.config import DEFAULT_CUTOFFS, load_config, load_scale, parse_config


def test_the_course_file_loads(data_dir):
    config = load_config(data_dir / "course.toml")
    assert config.name == "CS 101 - Fall 2026"
    assert [c.name for c in config.categories] == ["homework", "quizzes", "exams"]
    assert [c.weight for c in config.categories] == [30.0, 20.0, 50.0]
    assert config.category_for("quiz2").drop_lowest == 1
    assert config.category_for("attendance") is None
    assert (config.late_per_day, config.late_max_days) == (10.0, 5)


def test_defaults_when_tables_are_missing():
    config = parse_config({"categories": {"all": {"weight": 100, "columns": ["a", "b"]}}})
    assert config.name == "Untitled course"
    assert config.cutoffs == DEFAULT_CUTOFFS
    assert config.columns() == ["a", "b"]


def test_a_course_without_categories_is_an_error():
    try:
        parse_config({"course": {"name": "x"}})
    except ValueError as exc:
        assert "no categories" in str(exc)
    else:
        raise AssertionError("no ValueError")


def test_the_registrar_scale_is_highest_first(data_dir):
    scale = load_scale(data_dir / "grade_scale.json")
    assert list(scale)[:3] == ["A", "A-", "B+"]
    assert scale["C-"] == 70.0
    assert scale["F"] == 0.0
