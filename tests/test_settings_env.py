"""Settings come from the environment; bad values stop start-up with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent


def start(**variables) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with only these variables set."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(ROOT)),
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    result = start(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_local_development_starts_without_secret_key():
    assert start(DEBUG="1").returncode == 0


def test_production_with_secret_key_starts():
    assert start(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="a.vn").returncode == 0


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        (
            {"DEBUG": "1", "DATABASE_URL": "mysql://u@h/db"},
            "only SQLite and PostgreSQL",
        ),
        ({"DEBUG": "1", "DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        (
            {"DEBUG": "1", "UPLOAD_MAX_MB": "lots"},
            "UPLOAD_MAX_MB='lots' is not a whole",
        ),
        ({"DEBUG": "1", "UPLOAD_MAX_MB": "0"}, "UPLOAD_MAX_MB=0 must be at least 1"),
        ({"DEBUG": "1", "CSRF_TRUSTED_ORIGINS": "example.vn"}, "must start with http"),
        (
            {"DEBUG": "1", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
            "only one of EMAIL_USE_TLS and EMAIL_USE_SSL",
        ),
    ],
)
def test_bad_values_stop_start_up_with_a_message(variables, message):
    result = start(**variables)
    assert result.returncode != 0
    assert message in result.stderr


def test_helpers_read_and_check_values(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    monkeypatch.setenv("COUNT", " 12 ")
    monkeypatch.setenv("HOSTS", "a.vn, ,b.vn,")
    assert env.env_bool("FLAG") is True
    assert env.env_bool("UNSET_FLAG", default=True) is True
    assert env.env_int("COUNT", 1) == 12
    assert env.env_list("HOSTS") == ["a.vn", "b.vn"]
    monkeypatch.setenv("COUNT", "-3")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("COUNT", 1, minimum=0)


def test_env_file_fills_only_unset_variables(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    path.write_text(
        "# comment\n\nexport ONE=1\nTWO='two words'\nTHREE=\"3\"\nKEPT=file\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("KEPT", "environment")
    for name in ("ONE", "TWO", "THREE"):
        monkeypatch.delenv(name, raising=False)
    env.load_env_file(path)
    assert os.environ["ONE"] == "1"
    assert os.environ["TWO"] == "two words"
    assert os.environ["THREE"] == "3"
    assert os.environ["KEPT"] == "environment"
    for name in ("ONE", "TWO", "THREE"):
        monkeypatch.delenv(name)


def test_env_file_with_a_bad_line_is_refused(tmp_path):
    path = tmp_path / ".env"
    path.write_text("NOT A SETTING\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="line 1"):
        env.load_env_file(path)


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DEBUG": "0",
            "SECRET_KEY": "k" * 30 + "Q7!x" * 10,
            "ALLOWED_HOSTS": "sangkien.example.vn",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
