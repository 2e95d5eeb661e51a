"""Fixtures of the fuzz tests: the fixed cast of tests/conftest.py, with stored
files kept in a folder of the test."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
