"""Routing: which tier takes each step (rules, hints, capability limits, classifier, budgets).

The learned classifier and its evaluation live in ``learned``/``evaluate``/``features``/
``metrics``/``outcomes`` and are imported only when used (they need scikit-learn).
"""

from __future__ import annotations

from .heuristic import HeuristicClassifier
from .router import ItemCapExceeded, NoCapableTier, Router, load_classifier
from .types import Classifier, Decision, RouteContext, StageVerdict, Step

__all__ = [
    "Classifier",
    "Decision",
    "HeuristicClassifier",
    "ItemCapExceeded",
    "NoCapableTier",
    "RouteContext",
    "Router",
    "StageVerdict",
    "Step",
    "load_classifier",
]
