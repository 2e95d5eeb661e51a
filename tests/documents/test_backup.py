"""Backup and restore: a backup restored into a fresh database and media folder
has the same rows in every table and the same document bytes."""

import datetime
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from documents import backup as backups
from documents.models import IssuedDocument
from documents.services import document_issue
from tests.documents.conftest import NOTICE
from tests.initiatives.helpers import attach, make_request


@pytest.fixture
def records(transactional_db, cast, media_root):
    """Documents and an attachment stored in the media folder, committed (the
    PostgreSQL dump reads the database from its own connection)."""
    for number in range(3):
        document_issue(
            unit=cast.tree.province,
            code="TB",
            kind="notice",
            title=f"Thông báo số {number + 1}",
            template_name=NOTICE,
            context={"summary": "Về việc sơ kết", "paragraphs": ["Nội dung."]},
            issued_on=datetime.date(2026, 1, 5),
            actor=cast.province_staff,
        )
    initiative = make_request(cast.a1_member, unit=cast.tree.a1)
    attach(initiative, cast.a1_member)
    return IssuedDocument.objects.order_by("id")


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the same kind as the test database."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict
        return
    import psycopg2

    name = f"sangkien_restore_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    settings_dict["NAME"] = name
    try:
        yield settings_dict
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_backup_restores_to_an_identical_state(
    records, media_root, fresh_database, tmp_path
):
    folder = backups.backup(tmp_path / "backups", media_root=media_root)
    manifest = json.loads((folder / backups.MANIFEST).read_text())
    assert manifest["counts"]["documents_issueddocument"] == 3
    assert manifest["counts"]["initiatives_attachment"] == 1
    assert manifest["media_files"] == 4
    assert (folder / backups.MEDIA).stat().st_size > 0
    dump = backups.SQLITE_COPY if connection.vendor == "sqlite" else backups.PG_DUMP
    assert (folder / dump).stat().st_size > 0

    restored_media = tmp_path / "restored-media"
    problems = backups.restore(folder, fresh_database, restored_media)
    assert problems == []
    state = backups.read_state(fresh_database, restored_media)
    live = backups.read_state(connection.settings_dict, media_root, alias="default")
    assert state.counts == live.counts
    assert state.counts["units_user"] > 0
    # The same bytes as issued: the hashes recorded when each was issued.
    assert state.documents == {
        str(document.pk): document.sha256 for document in records
    }


def test_a_restore_that_differs_is_reported(
    records, media_root, fresh_database, tmp_path
):
    folder = backups.backup(tmp_path / "backups", media_root=media_root)
    manifest = json.loads((folder / backups.MANIFEST).read_text())
    manifest["counts"]["units_unit"] += 1
    first = records.first()
    manifest["documents"][str(first.pk)] = "0" * 64
    (folder / backups.MANIFEST).write_text(json.dumps(manifest))
    problems = backups.restore(folder, fresh_database, tmp_path / "restored-media")
    assert len(problems) == 2
    assert problems[0].startswith("units_unit:")
    assert f"document {first.pk}" in problems[1]


def test_the_commands(records, media_root, tmp_path):
    call_command("backup", output=str(tmp_path / "out"))
    (folder,) = (tmp_path / "out").iterdir()
    assert (folder / backups.MANIFEST).is_file()
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(tmp_path), no_input=True)


def test_media_with_paths_leading_out_is_refused(tmp_path):
    import io
    import tarfile

    folder = tmp_path / "bad"
    folder.mkdir()
    with tarfile.open(folder / backups.MEDIA, "w") as archive:
        data = b"x"
        info = tarfile.TarInfo("../escaped.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(tarfile.TarError):
        backups._extract_media(folder, tmp_path / "media")
    assert not Path(tmp_path / "escaped.txt").exists()
