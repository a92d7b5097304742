"""A worker process for the cross-process budget tests: reserve, pay, release, N times.

    python -m tests.support.budget_worker ROUTES_TOML ATTEMPTS AMOUNT [hold | START_AT]

Reads the ledger from ``AGENTRUNNER_LEDGER_URL``. Each attempt reserves AMOUNT against the caps of
ROUTES_TOML; when it fits, records a call costing AMOUNT (the "call" it paid for) and releases the
reservation. Prints one JSON line: {"reserved": n, "refused": n}. With ``hold``, it reserves once,
prints the reservation id and sleeps (a call in flight) until it is killed. START_AT (a Unix
time) makes every worker begin at the same moment, after all have started up.
"""

from __future__ import annotations

import json
import sys
import time

from agentrunner.budgets import release, reserve
from agentrunner.config import load_config
from agentrunner.ledger import CallRecord, Ledger


def main(argv: list[str]) -> int:
    config = load_config(argv[0])
    attempts, amount = int(argv[1]), float(argv[2])
    ledger = Ledger.for_config(config)
    if argv[3:] == ["hold"]:
        fit = reserve(config, ledger, amount, tier="premium")
        print(json.dumps({"id": fit.id}), flush=True)
        time.sleep(3600)
        return 0
    if argv[3:]:
        time.sleep(max(0.0, float(argv[3]) - time.time()))
    reserved = refused = 0
    for _ in range(attempts):
        fit = reserve(config, ledger, amount, tier="premium")
        if not fit.ok:
            refused += 1
            continue
        reserved += 1
        ledger.record_call(CallRecord(tier="premium", cost_usd=amount, user=config.ledger.user or None))
        release(ledger, fit.id)
    print(json.dumps({"reserved": reserved, "refused": refused}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
