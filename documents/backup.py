"""Backups: the database (pg_dump in custom format, or a copy of the SQLite file)
with the media folder, and a manifest to check a restore against.

A backup is a folder:

    database.dump      pg_dump --format=custom (PostgreSQL), or
    database.sqlite3   a consistent copy made with SQLite's backup API
    media.tar          every stored file (issued documents, attachments…)
    manifest.json      rows per table and the SHA-256 of every issued document

``restore`` puts a backup into a database and a media folder and checks them
against the manifest: the same rows per table and the same document bytes.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connections

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media.tar"
DOCUMENTS_TABLE = "documents_issueddocument"


class BackupError(Exception):
    pass


def _tables() -> list[str]:
    """Every table of the project's models, Django's own included."""
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def _is_sqlite(settings_dict: dict) -> bool:
    return settings_dict["ENGINE"].endswith("sqlite3")


def _pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return env


def _pg_args(settings_dict: dict) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return args


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


# --- Reading a database ----------------------------------------------------------


@dataclass
class State:
    """What a restore must reproduce: rows per table, document hashes."""

    counts: dict = field(default_factory=dict)
    documents: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"counts": self.counts, "documents": self.documents}


def _dbapi(settings_dict: dict, alias: str | None):
    """A plain DB-API connection to the database (the live one when aliased)."""
    if alias is not None:
        connections[alias].ensure_connection()
        return connections[alias].connection, False
    if _is_sqlite(settings_dict):
        return sqlite3.connect(settings_dict["NAME"]), True
    import psycopg2

    return (
        psycopg2.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict.get("USER") or None,
            password=settings_dict.get("PASSWORD") or None,
            host=settings_dict.get("HOST") or None,
            port=settings_dict.get("PORT") or None,
        ),
        True,
    )


def read_state(
    settings_dict: dict, media_root: Path, alias: str | None = None
) -> State:
    """Count the rows of every table and hash every issued document's file."""
    connection, owned = _dbapi(settings_dict, alias)
    state = State()
    try:
        cursor = connection.cursor()
        for table in _tables():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - model tables
            state.counts[table] = cursor.fetchone()[0]
        cursor.execute(
            f'SELECT id, file, sha256 FROM "{DOCUMENTS_TABLE}" ORDER BY id'  # noqa: S608
        )
        for pk, name, _recorded in cursor.fetchall():
            path = Path(media_root) / name
            state.documents[str(pk)] = (
                hashlib.sha256(path.read_bytes()).hexdigest()
                if path.is_file()
                else None
            )
        cursor.close()
    finally:
        if owned:
            connection.close()
    return state


# --- Backup ------------------------------------------------------------------------


def backup(
    output: Path, alias: str = "default", media_root: Path | None = None
) -> Path:
    """Write a backup folder under `output` and return its path."""
    from django.conf import settings

    media_root = Path(media_root or settings.MEDIA_ROOT)
    connection = connections[alias]
    settings_dict = connection.settings_dict
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(output) / f"sangkien-{stamp}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = Path(output) / f"sangkien-{stamp}-{suffix}"
    folder.mkdir(parents=True)
    state = read_state(settings_dict, media_root, alias)
    if _is_sqlite(settings_dict):
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_COPY)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        engine = "sqlite"
    else:
        _run(
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(folder / PG_DUMP),
                *_pg_args(settings_dict),
                settings_dict["NAME"],
            ],
            _pg_env(settings_dict),
        )
        engine = "postgresql"
    files = 0
    with tarfile.open(folder / MEDIA, "w") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
                    files += 1
    manifest = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "engine": engine,
        "media_files": files,
        **state.as_json(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return folder


# --- Restore -----------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} is not a backup: {error}") from None


def _extract_media(folder: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(folder) / MEDIA) as archive:
        # The "data" filter refuses absolute paths, "..", links and devices.
        archive.extractall(media_root, filter="data")


def restore(folder: Path, settings_dict: dict, media_root: Path) -> list[str]:
    """Restore the backup into the database and media folder; return the
    differences from the manifest (none when the restore is identical)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest["engine"] == "sqlite":
        if not _is_sqlite(settings_dict):
            raise BackupError("A SQLite backup restores into a SQLite database only.")
        source = sqlite3.connect(folder / SQLITE_COPY)
        target = sqlite3.connect(settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
    else:
        if _is_sqlite(settings_dict):
            raise BackupError("A PostgreSQL backup restores into PostgreSQL only.")
        _run(
            [
                shutil.which("pg_restore") or "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                settings_dict["NAME"],
                *_pg_args(settings_dict),
                str(folder / PG_DUMP),
            ],
            _pg_env(settings_dict),
        )
    _extract_media(folder, Path(media_root))
    return compare(manifest, read_state(settings_dict, Path(media_root)))


def compare(manifest: dict, state: State) -> list[str]:
    problems = []
    for table, count in sorted(manifest["counts"].items()):
        found = state.counts.get(table)
        if found != count:
            problems.append(f"{table}: {count} rows in the backup, {found} restored")
    for pk, digest in sorted(manifest["documents"].items()):
        found = state.documents.get(pk)
        if found != digest:
            problems.append(f"document {pk}: file differs from the backup")
    extra = set(state.documents) - set(manifest["documents"])
    if extra:
        problems.append(f"{len(extra)} documents not in the backup")
    return problems
