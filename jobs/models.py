"""Background jobs: mail and long prints, run by `manage.py run_worker` from a
queue kept in the application's own database.

A job is claimed under a lease that the running worker renews. A worker that
dies leaves its lease to expire, and the next worker runs the job again, up to
its maximum number of attempts; then the job is failed with a message.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        MAIL = "mail", _("mail")
        GOLDBOOK_PRINT = "goldbook_print", _("Gold Book print")
        DOSSIER_BUNDLE = "dossier_bundle", _("award dossier bundle")
        IMPORT_APPLY = "import_apply", _("import of units or people")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("in progress")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # What the job works on, as plain JSON (ids, strings, addresses): the worker
    # loads everything else from the database when it runs.
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # Lower runs first: mail before prints, so a long print does not hold up mail.
    priority = models.PositiveSmallIntegerField(_("priority"), default=1)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    run_after = models.DateTimeField(_("run after"))
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    lease_expires_at = models.DateTimeField(
        _("lease expires at"), null=True, blank=True
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The worker's question: what is waiting, or running on a dead lease.
            models.Index(
                fields=["priority", "run_after"],
                name="jobs_job_open_idx",
                condition=Q(status__in=["queued", "running"]),
            ),
            models.Index(fields=["owner", "-created_at"], name="jobs_job_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__lte=models.F("max_attempts")),
                name="jobs_job_attempts_within_max",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_queued(self) -> bool:
        return self.status == self.Status.QUEUED

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)
