"""What a page shows for a state comes from the model's flags (`job.is_done`,
`dossier.is_draft`, `item.is_open`, …), which ask the lifecycle that owns the
states: no template compares a status with a string of its own."""

import re
from pathlib import Path

import pytest

from jobs.models import Job
from units.models import ImportBatch

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# `x.status == "…"`, `"…" != x.status`, `x.status in "…"`.
RAW_COMPARISON = re.compile(
    r"\.status\s*(?:[!=]=|\bin\b)|(?:[!=]=|\bin\b)\s*[\w.]+\.status\b"
)


def test_the_scan_sees_a_raw_comparison():
    assert RAW_COMPARISON.search('{% if item.status == "deferred" %}')
    assert RAW_COMPARISON.search("{% if 'open' != session.status %}")
    assert RAW_COMPARISON.search("{% if job.status in 'queued running' %}")
    assert not RAW_COMPARISON.search("{% if item.is_deferred %}")
    assert not RAW_COMPARISON.search("{{ job.get_status_display }}")


def _templates():
    return sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))


def test_every_template_is_scanned():
    names = {path.relative_to(TEMPLATES).as_posix() for path in _templates()}
    assert {"home.html", "jobs/job_detail.html", "awards/dossier/detail.html"} <= names


@pytest.mark.parametrize(
    "path", _templates(), ids=lambda path: path.relative_to(TEMPLATES).as_posix()
)
def test_no_template_compares_a_status(path):
    assert RAW_COMPARISON.findall(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("status", Job.Status.values)
def test_a_jobs_flags_say_its_state(status):
    job = Job(status=status)
    flags = {s: getattr(job, f"is_{s}") for s in Job.Status.values}
    assert flags == {s: s == status for s in Job.Status.values}


def test_an_imports_flag_says_it_was_applied():
    assert ImportBatch(status=ImportBatch.Status.APPLIED).is_applied
    assert not ImportBatch(status=ImportBatch.Status.CHECKED).is_applied
    assert not ImportBatch(status=ImportBatch.Status.INVALID).is_applied
