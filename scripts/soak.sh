#!/usr/bin/env bash
# The long variants of the reliability suite (docs/reliability.md): the SIGKILL loop, provider
# chaos, budgets under concurrency and concurrent writers of a to-do file (`add` and `>>` during
# `run --jobs 4`, every third run SIGKILLed), with more iterations than CI runs.
#
#   scripts/soak.sh                                  # 200 kill iterations, 20 chaos runs, 50 budget runs,
#                                                    # 200 concurrent-writer iterations
#   AGENTRUNNER_SOAK_ITERATIONS=1000 scripts/soak.sh # longer
#   AGENTRUNNER_SOAK_SEED=7 scripts/soak.sh -k sigkill
#
# Each test prints a "SOAK …" line with its numbers. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export AGENTRUNNER_SOAK_ITERATIONS="${AGENTRUNNER_SOAK_ITERATIONS:-200}"
export AGENTRUNNER_SOAK_SEED="${AGENTRUNNER_SOAK_SEED:-1}"
echo "soak: iterations=${AGENTRUNNER_SOAK_ITERATIONS} seed=${AGENTRUNNER_SOAK_SEED} started $(date -u +%FT%TZ)"
log="${AGENTRUNNER_SOAK_LOG:-${TMPDIR:-/tmp}/agentrunner-soak-$(date -u +%Y%m%dT%H%M%SZ).log}"
echo "soak: full pytest output in ${log}"
set +e
workdir="$(mktemp -d "${TMPDIR:-/tmp}/agentrunner-soak.XXXXXX")"  # its own: other pytest runs rotate theirs
.venv/bin/pytest -m slow -s -q -p no:cacheprovider --timeout=0 --basetemp "${workdir}" \
    tests/test_reliability_kill.py tests/test_reliability_chaos.py tests/test_reliability_budgets.py \
    tests/test_reliability_writers.py "$@" \
    > "${log}" 2>&1
status=$?
set -e
grep -oE "SOAK .*" "${log}" || true
[ "${status}" -eq 0 ] && rm -rf "${workdir}"  # kept for inspection when something failed
grep -E "^(E  |FAILED)|[0-9]+ (passed|failed)" "${log}" | head -40 || true
echo "soak: finished $(date -u +%FT%TZ), pytest exit ${status}"
exit "${status}"
