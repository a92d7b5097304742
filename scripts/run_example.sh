#!/usr/bin/env bash
# Run tasks/example.md on a throw-away copy of the project, so the checkout stays as it is.
#
# `agentrunner run tasks/example.md` works the example in place: it ticks tasks/example.md, renames
# an identifier in examples/billing.py and writes examples/out/ and tasks/done/. That is the product
# working, but it leaves a checkout modified (and a second run has nothing to do). This script
# copies routes.toml, tasks/example.md and examples/ to a temporary folder, runs there with its own
# ledger and state, prints the ticked to-do file and keeps the folder for inspection.
#
#   scripts/run_example.sh [extra `agentrunner run` options, e.g. --jobs 2]
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTRUNNER="${AGENTRUNNER:-$PWD/.venv/bin/agentrunner}"
work="$(mktemp -d "${TMPDIR:-/tmp}/agentrunner-example.XXXXXX")"
mkdir -p "$work/tasks"
cp routes.toml "$work/"
cp tasks/example.md "$work/tasks/"
cp -r examples "$work/"
cd "$work"
status=0
env -u AGENTRUNNER_DIR -u AGENTRUNNER_CONFIG "$AGENTRUNNER" run tasks/example.md "$@" || status=$?
echo
echo "── $work/tasks/example.md ──"
cat tasks/example.md
echo "── results: $work/tasks/done/ and $work/examples/out/ ──"
exit "$status"
