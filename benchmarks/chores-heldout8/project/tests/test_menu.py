import pytest

from recipebox.menu import MenuEntry, MenuError, load_menu, meals_by_day


def test_load_menu_sorts_by_day_and_meal(tmp_path):
    path = tmp_path / "menu.csv"
    path.write_text(
        "day,meal,recipe,servings\nwednesday,dinner,chili,4\nMon,Dinner,pizza,\nMon,breakfast,porridge,2\n",
        encoding="utf-8",
    )
    menu = load_menu(path)
    assert menu == [
        MenuEntry("Mon", "breakfast", "porridge", 2),
        MenuEntry("Mon", "dinner", "pizza", None),
        MenuEntry("Wed", "dinner", "chili", 4),
    ]
    assert list(meals_by_day(menu)) == ["Mon", "Wed"]


@pytest.mark.parametrize(
    "row", ["Funday,dinner,chili,4", "Mon,supper,chili,4", "Mon,dinner,,4", "Mon,dinner,chili,0", "Mon,dinner,chili,x"]
)
def test_bad_rows_name_the_line(tmp_path, row):
    path = tmp_path / "menu.csv"
    path.write_text(f"day,meal,recipe,servings\nTue,lunch,soup,2\n{row}\n", encoding="utf-8")
    with pytest.raises(MenuError, match="line 3"):
        load_menu(path)
