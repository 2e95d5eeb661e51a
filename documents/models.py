"""Official documents: number series, issued documents and their rendering.

A document is a draft, rendered on request and marked "DỰ THẢO", until it is
issued. Issuing takes the next number of its series, stores the PDF and its
SHA-256, and creates an ``IssuedDocument`` that never changes again: there is
no service to update or delete one. A correction is a new document whose
``refers_to`` points at the one it corrects.

This app depends on ``units`` alone. Documents concern objects of later apps
(initiatives, council sessions, award rounds) through a generic link, so that
``documents`` never imports them.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import Unit

# Years a series may cover (as the units app bounds emulation blocks).
FIRST_YEAR, LAST_YEAR = 1990, 2100

series_code_validator = RegexValidator(
    r"^[^\W_]+(-[^\W_]+)*$",
    _('Use letters and digits, parts joined by dashes, e.g. "TTr" or "QĐ-HĐSK".'),
)


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    DECISION = "decision", _("decision")
    MINUTES = "minutes", _("minutes")
    MINUTES_EXCERPT = "minutes_excerpt", _("minutes excerpt")
    SUBMISSION = "submission", _("submission")
    REPORT = "report", _("report")
    CERTIFICATE = "certificate", _("certificate")
    NOTICE = "notice", _("notice")
    PLAN = "plan", _("plan")
    LETTER = "letter", _("letter")


class NumberSeries(models.Model):
    """The numbers one unit gives to one type of document in one year.

    Numbers restart at 1 every 1 January, per issuer and series. A council that
    issues documents in its own name has a named series of its unit
    (e.g. "QĐ-HĐSK"). ``last_number`` only grows; it is changed under a row lock
    by ``documents.services.series_next_number``.
    """

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="number_series",
        verbose_name=_("issuing unit"),
    )
    code = models.CharField(
        _("code"),
        max_length=30,
        validators=[series_code_validator],
        help_text=_('The type of document in its number, e.g. "TTr" in "05/TTr-LĐLĐ".'),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        ordering = ["unit", "-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code", "year"],
                name="numberseries_unique",
                violation_error_message=_(
                    "This unit already has a series with this code in this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="numberseries_year_range",
            ),
        ]

    def __str__(self):
        return f"{self.code}-{self.unit.abbreviation or self.unit.code} ({self.year})"


class IssuedDocument(models.Model):
    """An official document as issued: its number, stored PDF and checksum.

    Immutable: no service changes or deletes an issued document, and the stored
    file keeps the bytes that were issued (checked by ``document_verify``).
    """

    Kind = DocumentKind

    series = models.ForeignKey(
        NumberSeries,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("number series"),
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=500)
    symbol = models.CharField(
        _("symbol"), max_length=80, help_text=_('For example "05/TTr-LĐLĐ".')
    )
    issued_on = models.DateField(_("issued on"))
    file = models.FileField(_("file"), upload_to="documents/%Y/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    refers_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
        help_text=_("The document this one corrects."),
    )
    # The object the document concerns (an initiative, a council session, an
    # award round…), linked generically so that this app imports none of them.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subject type"),
    )
    object_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="issueddocument_subject"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                name="issueddocument_unique_number",
                violation_error_message=_(
                    "A document with this number already exists in this series."
                ),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="issueddocument_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="issueddocument_subject_complete",
            ),
            models.CheckConstraint(
                condition=Q(refers_to__isnull=True) | ~Q(refers_to=models.F("pk")),
                name="issueddocument_not_own_correction",
            ),
        ]

    def __str__(self):
        return f"{self.symbol} — {self.title}"
