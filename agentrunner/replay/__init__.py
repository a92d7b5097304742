"""Replay, compare and tune: which tier configuration does the same work for less.

- :mod:`.select` — which ledger calls (filters, sampling), streamed;
- :mod:`.engine` — replay one call through a configuration (router, response cache, gateway);
- :mod:`.scorers` — how close a new answer is to the recorded one;
- :mod:`.compare` — the comparison table, outcome-dataset export; :mod:`.html` its HTML view;
- :mod:`.outcome_eval` — the same table on an outcome dataset (configurations evaluated offline, no model calls);
- :mod:`.ledger_outcomes` — the ledger's scored replays as an outcome dataset (for `router train`);
- :mod:`.tune` — hill climbing over the configuration space, confirmed on a held-out split.
"""

from __future__ import annotations

from .compare import CompareReport, ConfigTotals, compare_ledger
from .engine import Candidate, ReplayEngine, ReplayResult, ResponseCache, request_from_row
from .outcome_eval import compare_dataset, load_dataset, map_tiers
from .scorers import Score, ScorerSet, make_scorer
from .select import Selection, iter_selected
from .tune import DatasetEvaluator, LedgerEvaluator, Space, TuneResult, tune, write_tuned

__all__ = [
    "Candidate",
    "CompareReport",
    "ConfigTotals",
    "DatasetEvaluator",
    "LedgerEvaluator",
    "ReplayEngine",
    "ReplayResult",
    "ResponseCache",
    "Score",
    "ScorerSet",
    "Selection",
    "Space",
    "TuneResult",
    "compare_dataset",
    "compare_ledger",
    "iter_selected",
    "load_dataset",
    "make_scorer",
    "map_tiers",
    "request_from_row",
    "tune",
    "write_tuned",
]
