"""DuckDB extensions from their PyPI wheels only: never downloaded from the network."""

from __future__ import annotations

import duckdb

from forumwatch.wheels import ExtensionMissing, extension_file, load_extension, loadable_file, no_downloads

__all__ = ["PROJECT_EXTENSIONS", "ExtensionMissing", "extension_file", "install_for_cli", "load_extension"]

PROJECT_EXTENSIONS = ("fts", "ducklake", "postgres")


def install_for_cli(names: tuple[str, ...] = PROJECT_EXTENSIONS) -> list[str]:
    """Copy the wheels' extensions into DuckDB's local extension folder, so `duckdb` (the CLI) can
    `LOAD fts` offline; run by `make install`. Returns what was installed."""
    con = duckdb.connect()
    try:
        no_downloads(con)
        for name in names:
            path = str(loadable_file(name)).replace("'", "''")
            con.execute(f"FORCE INSTALL '{path}'")
    finally:
        con.close()
    return list(names)


if __name__ == "__main__":
    print("DuckDB extensions installed from their wheels for the duckdb command: " + ", ".join(install_for_cli()))
