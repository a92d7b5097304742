"""A fork server for ``agentrunner`` processes: import once, fork a real process per run.

Importing agentrunner (LangGraph, the SDKs, llama-cpp) takes seconds on a busy machine; the kill
and chaos loops start dozens of runs. This process imports ``agentrunner.cli`` once and then, on
request, ``fork()``s a child that runs the CLI exactly as the ``agentrunner`` script does (its own
pid, cwd, environment, stdout/stderr files, signal dispositions). The children are real processes:
tests SIGKILL and SIGTERM them like any other.

Protocol (JSON lines on stdin → stdout):

- ``{"op": "spawn", "args": [...], "cwd": ..., "env": {...}, "stdout": path, "stderr": path}`` →
  ``{"pid": N}``
- ``{"op": "wait", "pid": N}`` → ``{"pid": N, "returncode": rc}`` (``-9`` when SIGKILLed, like
  :mod:`subprocess`)
- ``{"op": "quit"}``

The server itself runs no threads, so forking it is safe.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self

# Everything a run imports, loaded before the first fork.
import langgraph.checkpoint.sqlite  # noqa: F401

import agentrunner.cli
import agentrunner.providers.openai


def _child(request: dict[str, Any]) -> None:
    try:
        os.chdir(request["cwd"])
        for key, value in request.get("env", {}).items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        out = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.argv = ["agentrunner", *request["args"]]
        code = 0
        try:
            agentrunner.cli.main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    finally:
        os._exit(99)


def serve() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the test's Ctrl-C is not for us
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "spawn":
            pid = os.fork()
            if pid == 0:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                _child(request)
            print(json.dumps({"pid": pid}), flush=True)
        elif op == "wait":
            _, status = os.waitpid(request["pid"], 0)
            print(json.dumps({"pid": request["pid"], "returncode": os.waitstatus_to_exitcode(status)}), flush=True)
        elif op == "quit":
            return


class ForkServer:
    """Client side: ``with ForkServer() as fs: pid = fs.spawn(["run"], cwd=...); fs.wait(pid)``."""

    def __init__(self, python: str = sys.executable) -> None:
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(
            [python, str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
        )
        ready = self._read()
        assert "ready" in ready, ready

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("fork server died")
        return json.loads(line)

    def _send(self, request: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def spawn(
        self, args: list[str], *, cwd: Path, env: dict[str, str | None], stdout: Path, stderr: Path
    ) -> int:
        self._send(
            {"op": "spawn", "args": args, "cwd": str(cwd), "env": env, "stdout": str(stdout), "stderr": str(stderr)}
        )
        return int(self._read()["pid"])

    def wait(self, pid: int) -> int:
        self._send({"op": "wait", "pid": pid})
        return int(self._read()["returncode"])

    def run(self, args: list[str], *, cwd: Path, env: dict[str, str | None], stdout: Path, stderr: Path) -> int:
        return self.wait(self.spawn(args, cwd=cwd, env=env, stdout=stdout, stderr=stderr))

    def close(self) -> None:
        try:
            self._send({"op": "quit"})
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_for(predicate: Any, timeout: float = 30.0, interval: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


if __name__ == "__main__":
    serve()
