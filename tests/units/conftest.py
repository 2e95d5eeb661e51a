import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Workbooks of several sheets are kept for a second check: in a folder of
    the test's own, never in the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
