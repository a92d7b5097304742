from __future__ import annotations

from dataclasses import replace

from stockroom.models import Item
from stockroom.reorder import needs_reorder, reorder_list, reorder_quantity


def test_needs_reorder_at_the_level(bolt: Item) -> None:
    assert needs_reorder(replace(bolt, quantity=150))
    assert not needs_reorder(replace(bolt, quantity=151))


def test_unused_items_are_never_reordered(bolt: Item) -> None:
    assert not needs_reorder(replace(bolt, quantity=0, weekly_usage=0))


def test_reorder_quantity_rounds_up_to_boxes_of_ten(bolt: Item) -> None:
    # 4 weeks x 60 = 240 wanted, 120 on hand: 120 more
    assert reorder_quantity(bolt) == 120
    # 2 weeks x 60 = 120 wanted: nothing to order
    assert reorder_quantity(bolt, weeks=2) == 0
    assert reorder_quantity(replace(bolt, quantity=115)) == 130


def test_reorder_list_most_urgent_first(bolt: Item, lock: Item) -> None:
    screws = Item("SC-5001", "Wood screw 4 x 30", quantity=75, unit_price=0.06, reorder_level=200, weekly_usage=90)
    pairs = reorder_list([bolt, lock, screws])
    assert [(item.sku, quantity) for item, quantity in pairs] == [("SC-5001", 290), ("HX-2001", 120)]
