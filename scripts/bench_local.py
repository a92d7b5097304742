"""Benchmark: the embedded tier through agentrunner vs bare llama-cpp-python, in one process.

Prints tokens/s of the same 128-token generation both ways (interleaved, several rounds, median)
and their ratio (target ≥ 0.97), then what `Ledger.record_call` costs per call (p50/p99 µs) next to
the call's own latency.

    .venv/bin/python scripts/bench_local.py [--rounds 5] [--tokens 128]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from agentrunner.chat import ChatRequest, Message
from agentrunner.config import parse_config
from agentrunner.gateway import CallContext, Gateway
from agentrunner.ledger import CallRecord, Ledger
from agentrunner.providers.llamacpp import embedded_model_path, gemma_messages, load_model

CONFIG = """
[tiers.local]
provider = "llama-cpp"
model = "gemma3-270m"
n_ctx = 2048
cost_per_hour = 0.05
"""
PROMPT = "Write a short story about a lighthouse keeper who finds a message in a bottle."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=128)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-local-"))
    config = parse_config(CONFIG, source_path=work / "routes.toml")
    gateway = Gateway(config, Ledger(work / "ledger.db"))
    model, _ = load_model(embedded_model_path(), n_ctx=2048, n_threads=None, chat_format="gemma")
    messages = [Message(role="user", content=PROMPT)]
    # Never stop early, so both paths generate exactly `tokens` tokens.
    request = ChatRequest(messages=messages, max_tokens=args.tokens, temperature=0.0, stop=["<never>"])

    def bare() -> float:
        started = time.perf_counter()
        result = model.create_chat_completion(
            messages=gemma_messages(messages), max_tokens=args.tokens, temperature=0.0, stop=["<never>"]
        )
        elapsed = time.perf_counter() - started
        return result["usage"]["completion_tokens"] / elapsed

    def through_agentrunner() -> float:
        started = time.perf_counter()
        response = gateway.call("local", request, CallContext(step_kind="act"))
        elapsed = time.perf_counter() - started
        return (response.usage.output_tokens or 0) / elapsed

    bare()  # warm-up: page in the weights
    bare_tps, ours_tps = [], []
    for _ in range(args.rounds):  # interleaved, so machine noise hits both alike
        bare_tps.append(bare())
        ours_tps.append(through_agentrunner())
    bare_median, ours_median = statistics.median(bare_tps), statistics.median(ours_tps)
    print(f"generation ({args.tokens} tokens, {args.rounds} rounds, median):")
    print(f"  bare llama-cpp-python   {bare_median:7.1f} tokens/s")
    print(f"  agentrunner gateway     {ours_median:7.1f} tokens/s")
    print(f"  ratio                   {ours_median / bare_median:7.3f}  (target ≥ 0.97)")

    ledger = Ledger(work / "record.db")
    row = next(iter(gateway.ledger.iter_calls()))
    record = CallRecord(**{k: v for k, v in row.items() if k in CallRecord.model_fields and k != "id"})
    timings = []
    for _ in range(500):
        started = time.perf_counter()
        ledger.record_call(record.model_copy(update={"id": CallRecord().id}))
        timings.append((time.perf_counter() - started) * 1e6)
    timings.sort()
    p50, p99 = timings[len(timings) // 2], timings[int(len(timings) * 0.99)]
    call_ms = statistics.median(float(r["latency_ms"]) for r in gateway.ledger.iter_calls())
    print("record_call (WAL, synchronous=FULL, 500 calls):")
    print(f"  p50 {p50:8.0f} µs   p99 {p99:8.0f} µs   vs the call itself {call_ms * 1000:10.0f} µs")
    print(f"  overhead p99 / call latency = {p99 / (call_ms * 1000):.4%}")


if __name__ == "__main__":
    main()
