"""DuckDB extensions from their PyPI wheels only (duckdb-extension-NAME): never downloaded from the network."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from importlib import import_module, resources
from pathlib import Path

import duckdb

# Wheels whose file is named after the extension's alias: DuckDB derives the entry point from the file name, so
# duckdb-extension-postgres's postgres.duckdb_extension must be loaded under its real name, postgres_scanner.
REAL_NAMES = {"postgres": "postgres_scanner"}


class ExtensionMissing(RuntimeError):
    """An extension the project needs is not installed as a wheel matching this DuckDB."""


def extension_file(name: str) -> Path:
    """The extension binary shipped by the duckdb-extension-NAME wheel for the installed DuckDB."""
    try:
        module = import_module(f"duckdb_extension_{name}")
    except ImportError:
        raise ExtensionMissing(
            f"the DuckDB extension {name!r} is not installed: pip install duckdb-extension-{name}=={duckdb.__version__}"
        ) from None
    path = Path(str(resources.files(module))) / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise ExtensionMissing(f"duckdb-extension-{name} has no build for DuckDB {duckdb.__version__} ({path})")
    return path


@cache
def loadable_file(name: str) -> Path:
    """extension_file, or for a wheel whose file has the alias's name, a link to it under the real name in a
    private folder of this process (mkdtemp: mode 0700, removed at exit)."""
    path = extension_file(name)
    real = REAL_NAMES.get(name)
    if real is None:
        return path
    folder = Path(tempfile.mkdtemp(prefix="forumwatch-ext-"))
    atexit.register(shutil.rmtree, folder, True)
    link = folder / f"{real}.duckdb_extension"
    link.symlink_to(path)
    return link


def no_downloads(con: duckdb.DuckDBPyConnection) -> None:
    """Forbid this connection to install extensions from the network (loading local ones stays allowed)."""
    con.execute("SET autoinstall_known_extensions = false")


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOAD an extension from its wheel's file: no repository, no network, no write to ~/.duckdb."""
    no_downloads(con)
    path = str(loadable_file(name)).replace("'", "''")
    con.execute(f"LOAD '{path}'")
