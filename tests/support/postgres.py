"""A throwaway PostgreSQL cluster for tests: initdb in a temp dir, a unix socket in that dir.

PostgreSQL refuses to run as root, so as root the cluster is made and run by the ``postgres`` user
(Debian's package creates it). :func:`pg_binaries` finds ``initdb``/``pg_ctl`` on PATH or under
``/usr/lib/postgresql/*/bin``; when they are missing the tests that need them skip with one reason
(``scripts/setup.sh`` installs Debian's ``postgresql`` package, so CI never skips).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "agentrunner"


def pg_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    return None


@dataclass
class Cluster:
    """A running cluster: ``url(db)`` for a database on its socket; restart/stop for fault tests."""

    bindir: Path
    root: Path
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.socket_dir}"

    def _run(self, *argv: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=200"
        self._run("pg_ctl", action, "-D", str(self.data), "-w", "-t", "60", "-o", options,
                  "-l", str(self.root / "server.log"), *extra)

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-w", "-m", mode, check=False)

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_cluster() -> Cluster:
    bindir = pg_binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no `postgres` user to run PostgreSQL") from None
        run_as = "postgres"
    # Short path: a unix socket path must stay under ~107 bytes.
    root = Path(tempfile.mkdtemp(prefix="arpg-", dir="/tmp"))
    if run_as:
        shutil.chown(root, user=run_as)
    cluster = Cluster(bindir, root, run_as)
    cluster._run("initdb", "-D", str(cluster.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                 "--no-sync", "--locale=C")
    cluster.start()
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    cluster.stop("immediate")
    shutil.rmtree(cluster.root, ignore_errors=True)


def cluster_or_reason() -> Iterator[Cluster | str]:
    """Yields a running cluster (stopped and removed afterwards), or the reason there is none."""
    if pg_binaries() is None:
        yield "PostgreSQL binaries (initdb, pg_ctl) are not installed: run scripts/setup.sh"
        return
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)
