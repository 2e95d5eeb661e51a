"""Large imports are applied by the background worker: confirming queues a job,
the import's page follows it, and the apply stays all or nothing."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, override

from jobs.models import Job
from jobs.worker import Worker
from tests.factories import make_unit
from tests.units.import_helpers import (
    CODE,
    check_units,
    counts,
    problem,
    unit_row,
    vi,
)
from units.imports import apply_job, batches
from units.models import ImportBatch, UnitEvent, UnitKind, User

pytestmark = pytest.mark.django_db

QUEUED = (
    "The import is being applied in the background: this page shows how far it "
    "got. Nothing is written until every row is."
)


@pytest.fixture(autouse=True)
def vietnamese():
    with override("vi"):
        yield


@pytest.fixture(autouse=True)
def background(settings, tmp_path):
    """Batches of more than two rows go to the worker, which runs only when a
    test runs it."""
    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.JOBS_RUN_EAGERLY = False
    settings.JOBS_MAX_ATTEMPTS = 3
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def run_worker() -> int:
    return Worker(name="worker-imports", heartbeat=False).run(until_empty=True)


def apply_url(batch):
    return reverse("units:import_apply", args=[batch.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def three_rows():
    return [
        unit_row("CB-A-N1", "Công đoàn Trường A"),
        unit_row("CB-A-N2", "Công đoàn Trường B"),
        unit_row("CB-A-N3", "Công đoàn Trường C"),
    ]


def imported(count, batch):
    with override("vi"):
        text = ngettext(
            "%(counter)s row was imported on %(day)s.",
            "%(counter)s rows were imported on %(day)s.",
            count,
        )
    return text % {
        "counter": count,
        "day": timezone.localtime(batch.applied_at).strftime("%d/%m/%Y %H:%M"),
    }


def test_a_large_batch_is_queued_and_the_worker_applies_it(cast, client_for):
    client = client_for(cast.a_admin)
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    before = counts()

    response = client.post(apply_url(batch))

    assert response.status_code == 302
    assert response.url == batch.get_absolute_url()
    assert messages_of(response) == [vi(QUEUED)]
    job = Job.objects.get()
    assert job.kind == Job.Kind.IMPORT_APPLY
    assert job.arguments == {"batch": batch.pk}
    assert job.owner == cast.a_admin
    assert job.status == Job.Status.QUEUED
    # While it waits nothing is written.
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert counts() == before

    page = client.get(batch.get_absolute_url())
    content = page.content.decode()
    assert page.context["applying"] is True
    assert page.context["can_apply"] is False
    assert apply_url(batch) not in content
    assert (
        vi("The import waits for the background worker. Nothing has been written yet.")
        in content
    )
    assert '<meta http-equiv="refresh" content="3">' in content

    assert run_worker() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert batch.result == {"units": 3}
    assert counts()["units"] == before["units"] + 3
    for event in UnitEvent.objects.filter(unit__code__startswith="CB-A-N"):
        assert event.actor == cast.a_admin
    page = client.get(batch.get_absolute_url())
    content = page.content.decode()
    assert page.context["applying"] is False
    assert "http-equiv" not in content
    assert imported(3, batch) in content


def test_the_page_shows_the_rows_checked_and_written(cast, client_for):
    client = client_for(cast.a_admin)
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    job = apply_job.enqueue(batch=batch, actor=cast.a_admin)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress_done=4, progress_total=6
    )

    content = client.get(batch.get_absolute_url()).content.decode()

    assert (
        vi(
            "Rows checked: %(checked)s of %(rows)s. Rows written: %(written)s of "
            "%(rows)s.",
            checked=3,
            written=1,
            rows=3,
        )
        in content
    )
    assert vi(
        "The import is being applied. Nothing is kept unless every row is written."
    ) in (content)


def test_the_apply_reports_its_steps(cast):
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    steps = []

    batches.apply_batch(
        batch=batch,
        actor=cast.a_admin,
        progress=lambda done, total=None: steps.append((done, total)),
    )

    # Nothing checked, then every row checked (the write ends the job).
    assert steps == [(0, 6), (3, 6)]


def test_an_apply_that_finds_problems_writes_nothing_and_shows_them(cast, client_for):
    client = client_for(cast.a_admin)
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    client.post(apply_url(batch))
    # Someone takes one of the codes while the job waits.
    make_unit(cast.tree.b, UnitKind.GRASSROOTS, "cb-a-n2", "Công đoàn khác")
    before = counts()

    run_worker()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    message = vi("A unit with the code %(code)s already exists.", code="CB-A-N2")
    assert batch.errors == [problem(3, CODE, message)]
    assert counts() == before
    page = client.get(batch.get_absolute_url())
    assert page.context["applying"] is False
    assert page.context["can_apply"] is False
    assert message in page.content.decode()


def test_a_failing_job_writes_nothing_and_may_be_confirmed_again(
    cast, client_for, monkeypatch, settings
):
    settings.JOBS_MAX_ATTEMPTS = 1
    client = client_for(cast.a_admin)
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    client.post(apply_url(batch))
    before = counts()

    def failing_bulk_create(objs, **kwargs):
        raise RuntimeError("disk full")

    # The units and their names are written when the events fail.
    monkeypatch.setattr(UnitEvent.objects, "bulk_create", failing_bulk_create)
    run_worker()

    assert Job.objects.get().status == Job.Status.FAILED
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    page = client.get(batch.get_absolute_url())
    content = page.content.decode()
    assert (
        vi(
            "The import could not be applied in the background. Nothing has been "
            "written."
        )
        in content
    )
    assert page.context["can_apply"] is True
    assert apply_url(batch) in content

    monkeypatch.undo()
    client.post(apply_url(batch))
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 1
    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert counts()["units"] == before["units"] + 3


def test_a_second_confirmation_does_not_queue_twice(cast, client_for):
    client = client_for(cast.a_admin)
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    client.post(apply_url(batch))

    response = client.post(apply_url(batch))

    assert messages_of(response)[-1] == vi("This import is being applied already.")
    assert Job.objects.count() == 1
    assert apply_job.enqueue(batch=batch, actor=cast.a_admin) is None
    assert Job.objects.count() == 1
    assert run_worker() == 1
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED


def test_a_job_of_a_person_who_may_no_longer_apply_writes_nothing(cast):
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    apply_job.enqueue(batch=batch, actor=cast.a_admin)
    User.objects.filter(pk=cast.a_admin.pk).update(is_active=False)
    before = counts()

    run_worker()

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED


def test_a_small_batch_is_applied_at_once(cast, client_for):
    client = client_for(cast.a_admin)
    batch = check_units(cast.tree.a, three_rows()[:2], cast.a_admin)
    before = counts()

    response = client.post(apply_url(batch))

    assert messages_of(response) == [
        vi("The import is done: %(count)d rows were added.", count=2)
    ]
    assert not Job.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert counts()["units"] == before["units"] + 2


def test_the_import_job_is_not_listed_among_the_prints(cast, client_for):
    client = client_for(cast.a_admin)
    batch = check_units(cast.tree.a, three_rows(), cast.a_admin)
    client.post(apply_url(batch))

    page = client.get(reverse("jobs:list"))

    assert page.status_code == 200
    assert list(page.context["jobs"]) == []
