"""The command line: python -m recipebox [--recipes DIR] [--menu CSV] [--nutrition CSV] COMMAND."""

from __future__ import annotations

import argparse
import sys

from recipebox import __version__
from recipebox.menu import MenuError, load_menu
from recipebox.nutrition import NutritionError, load_nutrition, per_serving
from recipebox.recipes import RecipeError, find_recipe, load_recipes
from recipebox.scaling import ServingsError, scaled_lines
from recipebox.shopping import format_list, shopping_list


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="recipebox", description="A home cook's recipe box.")
    parser.add_argument("--version", action="version", version=f"recipebox {__version__}")
    parser.add_argument("--recipes", default="data/recipes", help="the folder of recipe files (default: data/recipes)")
    parser.add_argument("--menu", default="data/menu.csv", help="the week's menu (default: data/menu.csv)")
    parser.add_argument(
        "--nutrition", default="data/nutrition.csv", help="kcal and protein per item (default: data/nutrition.csv)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="the recipes in the box")
    listing.add_argument("--tag", help="only the recipes with this tag")
    scale = commands.add_parser("scale", help="a recipe's ingredients for another number of servings")
    scale.add_argument("recipe", help="the recipe's file name (without .toml) or its name")
    scale.add_argument("servings", type=int, help="how many servings to cook")
    # TODO: print the steps too, with the scaled amounts in them
    commands.add_parser("shop", help="the shopping list for the week's menu")
    nutrition = commands.add_parser("nutrition", help="kcal and protein per serving of a recipe")
    nutrition.add_argument("recipe", help="the recipe's file name (without .toml) or its name")
    return parser


def cmd_list(args: argparse.Namespace, recipes: dict) -> int:
    tag = args.tag.lower() if args.tag else None
    for recipe in recipes.values():
        if tag is None or tag in recipe.tags:
            tags = f"  [{', '.join(recipe.tags)}]" if recipe.tags else ""
            print(f"{recipe.slug:<16} {recipe.name} (serves {recipe.servings}){tags}")
    return 0


def cmd_scale(args: argparse.Namespace, recipes: dict) -> int:
    recipe = find_recipe(recipes, args.recipe)
    print("\n".join(scaled_lines(recipe, args.servings)))
    return 0


def cmd_shop(args: argparse.Namespace, recipes: dict) -> int:
    items = shopping_list(load_menu(args.menu), recipes)
    print("\n".join(format_list(items)))
    return 0


def cmd_nutrition(args: argparse.Namespace, recipes: dict) -> int:
    recipe = find_recipe(recipes, args.recipe)
    facts = per_serving(recipe, load_nutrition(args.nutrition))
    print(f"{recipe.name}, per serving (of {recipe.servings}):")
    print(f"  {facts.kcal:.0f} kcal")
    print(f"  {facts.protein_g:.1f} g protein")
    if facts.missing:
        print(f"  not counted: {', '.join(facts.missing)}")
    return 0


HANDLERS = {"list": cmd_list, "scale": cmd_scale, "shop": cmd_shop, "nutrition": cmd_nutrition}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        recipes = load_recipes(args.recipes)
        return HANDLERS[args.command](args, recipes)
    except KeyError as exc:
        print(f"recipebox: {exc.args[0]}", file=sys.stderr)
    except (RecipeError, MenuError, NutritionError, ServingsError) as exc:
        print(f"recipebox: {exc}", file=sys.stderr)
    return 1
