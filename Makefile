# The two commands of the README. Both set up .venv first (scripts/setup.sh, idempotent).
VENV ?= .venv

.PHONY: run test lint setup

setup:
	scripts/setup.sh

run: setup
	$(VENV)/bin/agentrunner run tasks/example.md

test:
	scripts/setup.sh dev
	$(VENV)/bin/ruff check agentrunner tests scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q
