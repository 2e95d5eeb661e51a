"""The system check and the renderer refuse to work without the shipped font."""

import pytest
from django.core.checks import Error, run_checks
from django.core.exceptions import ImproperlyConfigured

from documents import assets
from documents.checks import print_font_present
from documents.rendering import render_pdf
from tests.documents.conftest import NOTICE


def test_no_error_when_the_font_is_shipped():
    assert assets.missing_print_fonts() == []
    assert print_font_present() == []


def test_the_check_reports_a_missing_font(monkeypatch):
    monkeypatch.setattr(
        assets, "PRINT_FONT_FILES", ("fonts/Tinos-Regular.ttf", "fonts/Missing.ttf")
    )
    errors = print_font_present()
    assert len(errors) == 1
    assert isinstance(errors[0], Error)
    assert errors[0].id == "documents.E001"
    assert "fonts/Missing.ttf" in errors[0].msg


def test_the_check_is_registered(monkeypatch):
    monkeypatch.setattr(assets, "PRINT_FONT_FILES", ("fonts/Missing.ttf",))
    ids = [message.id for message in run_checks()]
    assert "documents.E001" in ids


def test_rendering_refuses_to_fall_back_to_a_host_font(monkeypatch, notice_context):
    monkeypatch.setattr(assets, "PRINT_FONT_FILES", ("fonts/Missing.ttf",))
    with pytest.raises(ImproperlyConfigured):
        render_pdf(NOTICE, notice_context())
