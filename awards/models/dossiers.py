"""The award dossier sent to the unit above, its parts, the award decisions and
the awards received."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from awards.models.rounds import AwardForm, AwardRound, Candidate
from units.models import Unit


class Dossier(models.Model):
    """The award dossier (hồ sơ đề nghị khen thưởng) of a round, sent to the unit
    above: the Tờ trình with the list of nominees, a summary per nominee and the
    excerpt of the selection meeting's minutes, each an issued document."""

    class Status(models.TextChoices):
        # Drafted texts under review: nothing numbered yet.
        DRAFT = "draft", _("draft, not numbered yet")
        PREPARED = "prepared", _("issued")
        SENT = "sent", _("sent")
        RETURNED = "returned", _("returned for revision")
        ACCEPTED = "accepted", _("accepted")

    round = models.OneToOneField(
        AwardRound, on_delete=models.PROTECT, related_name="dossier"
    )
    addressee = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="incoming_dossiers",
        verbose_name=_("sent to"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submission_text = models.TextField(
        _("text of the Tờ trình"),
        blank=True,
        help_text=_("The paragraphs before the list of nominees."),
    )
    submission = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submission (Tờ trình)"),
    )
    excerpt = models.ForeignKey(
        "documents.IssuedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("excerpt of the selection minutes"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    comments = models.TextField(_("comments of the unit above"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award dossier")
        verbose_name_plural = _("award dossiers")

    def __str__(self):
        return f"{self.round} → {self.addressee}"

    def get_absolute_url(self):
        return reverse("awards:dossier", args=[self.pk])

    # Which state the dossier is in, for the views and templates (the moves
    # between them are awards.lifecycle.dossier).
    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_prepared(self) -> bool:
        return self.status == self.Status.PREPARED

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED


class CandidateSummary(models.Model):
    """The issued summary report of a nominee in a dossier (the latest issued
    replaces the earlier ones when a returned dossier is corrected)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="summaries"
    )
    document = models.OneToOneField(
        "documents.IssuedDocument", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("summary report")
        verbose_name_plural = _("summary reports")
        ordering = ["candidate_id", "-id"]

    def __str__(self):
        return str(self.document)


class AwardDecision(models.Model):
    """The decision of the unit above that awards nominees of a dossier."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="decisions"
    )
    award_form = models.ForeignKey(
        AwardForm, on_delete=models.PROTECT, verbose_name=_("award form")
    )
    symbol = models.CharField(
        _("number and symbol"), max_length=80, help_text=_('For example "125/QĐ-LĐLĐ".')
    )
    issued_on = models.DateField(_("issued on"))
    file = models.FileField(
        _("signed decision"),
        upload_to="awards/decisions/%Y/",
        max_length=200,
        blank=True,
    )
    file_name = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return self.symbol


class Award(models.Model):
    """An award received by a person or a unit: their award history."""

    decision = models.ForeignKey(
        AwardDecision, on_delete=models.PROTECT, related_name="awards"
    )
    candidate = models.OneToOneField(
        Candidate, on_delete=models.PROTECT, related_name="award"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="awards", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("person"),
    )
    award_form = models.ForeignKey(
        AwardForm, on_delete=models.PROTECT, verbose_name=_("award form")
    )
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "-id"]

    def __str__(self):
        return f"{self.award_form} {self.year}"
