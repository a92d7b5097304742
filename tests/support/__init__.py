"""Test support: servers, fixtures and harnesses shared by the test files.

Imported one way: ``from tests.support.<module> import …``.

- :mod:`.scripted_http` — a loopback HTTP server that answers with scripted replies (provider faults);
- :mod:`.provider_harness` — a provider wired to a ledger and a recording sleep;
- :mod:`.ollama_server` — a fake Ollama API on loopback;
- :mod:`.replay_stubs` — a stub OpenAI-compatible server for replay/compare/tune;
- :mod:`.import_fixtures` — the importers' fixture files and a ledger to import into;
- :mod:`.chaos_server` — an OpenAI-compatible server that fails on purpose (reliability tests);
- :mod:`.forkserver` — real ``agentrunner run`` processes forked from a pre-imported parent;
- :mod:`.project` — a project folder (routes.toml, to-do file, chaos server) and its invariants;
- :mod:`.faults` — read-only mounts, full file systems, file-size limits;
- :mod:`.fake_provider` — a provider that answers without a model, for fast CLI tests.
"""
