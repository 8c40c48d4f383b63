"""A throw-away PostgreSQL server for tests: initdb in a temp folder, pg_ctl on a free port, unix socket only.

As root (CI), the server runs as the `postgres` user Debian's package creates (PostgreSQL refuses root), in a
folder that user owns; elsewhere as the current user."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEBIAN_BINS = Path("/usr/lib/postgresql")


def bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin with initdb and pg_ctl (Debian's layout), else the PATH's."""
    found = sorted(DEBIAN_BINS.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def missing_reason() -> str | None:
    """Why no server can be started here (None when one can)."""
    if bin_dir() is None:
        return "PostgreSQL binaries (initdb, pg_ctl) not installed: apt-get install -y postgresql"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


@contextmanager
def postgres_server(dbname: str = "forumwatch") -> Iterator[str]:
    """Start a server and yield the libpq connection string of a new database on it; stop and remove it after."""
    bins = bin_dir()
    if bins is None:
        raise RuntimeError(missing_reason())
    folder = Path(tempfile.mkdtemp(prefix="fw-pg-"))  # not under pytest's root-only tmp: the server user reads it
    data, port, user = folder / "data", free_port(), "forumwatch"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    started = False
    try:
        _run([str(bins / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "--no-sync", "-E", "UTF8"])
        options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        _run([str(bins / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start"])
        started = True
        _run([str(bins / "createdb"), "-h", str(folder), "-p", str(port), "-U", user, dbname])
        yield f"dbname={dbname} host={folder} port={port} user={user}"
    finally:
        if started:
            _run([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)
