from pathlib import Path

from recipebox.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(capsys, *args):
    code = main(["--recipes", str(DATA / "recipes"), "--menu", str(DATA / "menu.csv"),
                 "--nutrition", str(DATA / "nutrition.csv"), *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_list_with_a_tag(capsys):
    code, lines, _ = run(capsys, "list", "--tag", "Breakfast")
    assert code == 0
    assert [line.split()[0] for line in lines] == ["pancakes", "porridge"]


def test_scale(capsys):
    code, lines, _ = run(capsys, "scale", "porridge", "3")
    assert code == 0
    assert lines == ["Porridge for 3 (the recipe makes 2)", "  150 g rolled oats", "  3 cup milk", "  1.5 tbsp honey"]


def test_shop_lists_each_item_once_per_kind_of_unit(capsys):
    code, lines, _ = run(capsys, "shop")
    assert code == 0
    items = [line.split("  ")[0].strip() for line in lines]
    assert items == sorted(items)
    assert items.count("flour") == 2 and items.count("milk") == 1
    assert any(line.startswith("mozzarella") and line.endswith("375 g") for line in lines)


def test_nutrition(capsys):
    code, lines, _ = run(capsys, "nutrition", "Lemon spaghetti")
    assert code == 0
    assert lines[1:] == ["  725 kcal", "  23.1 g protein"]


def test_unknown_recipe_is_an_error_not_a_traceback(capsys):
    code, _, err = run(capsys, "scale", "lasagne", "4")
    assert code == 1
    assert err.startswith("recipebox: no recipe called 'lasagne'")
