"""Totals over the stash: metres and skeins per weight class and per fibre."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from yarnstash.weights import weight_rank


@dataclass
class Total:
    key: str
    skeins: float
    metres: float
    yarns: int


def _sum(groups):
    totals = []
    for key, yarns in groups.items():
        totals.append(Total(key, sum(y.skeins for y in yarns), sum(y.metres for y in yarns), len(yarns)))
    return totals


def totals_by_weight(yarns):
    groups = defaultdict(list)
    for yarn in yarns:
        groups[yarn.weight].append(yarn)
    return sorted(_sum(groups), key=lambda total: weight_rank(total.key))


def main_fibre(fibre):
    # "wool/alpaca" counts as wool: the first fibre named is the main one
    return fibre.split("/")[0].strip()


def totals_by_fibre(yarns):
    groups = defaultdict(list)
    for yarn in yarns:
        groups[main_fibre(yarn.fibre)].append(yarn)
    return sorted(_sum(groups), key=lambda total: (-total.metres, total.key))  # TODO: let the user pick the order


def grand_total(yarns):
    return sum(yarn.metres for yarn in yarns)
