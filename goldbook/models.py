"""Gold Books (Sổ vàng sáng kiến): one per unit, recording every initiative the
unit's council recognised and that is applied in practice.

Entries never change once written: corrections are dated annotations, and an
annulled recognition leaves its entry in place, marked revoked with the reason.
What an entry says is copied when it is written, so later edits elsewhere (a
renamed unit, a corrected author) do not rewrite the book.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.text import fold
from documents.models import IssuedDocument
from initiatives.models import Attachment, CouncilItem, Initiative, Scope
from units.models import Unit


class PermanentRecordError(Exception):
    """Raised on an attempt to change or delete what a Gold Book says."""


# What may change on an entry: the revocation, and the derived search key.
MUTABLE_ENTRY_FIELDS = frozenset(
    {
        "status",
        "revoked_on",
        "revoked_reason",
        "revoked_by",
        "revoked_by_id",
        "search_text",
    }
)


class PermanentQuerySet(models.QuerySet):
    """Bulk writes are refused as well, except to the fields that may change."""

    mutable_fields: frozenset = frozenset()

    def update(self, **kwargs):
        if set(kwargs) - self.mutable_fields:
            raise PermanentRecordError("Gold Book records are never rewritten.")
        return super().update(**kwargs)

    def delete(self):
        raise PermanentRecordError("Gold Book records are never deleted.")

    delete.alters_data = True
    delete.queryset_only = True


class EntryQuerySet(PermanentQuerySet):
    mutable_fields = MUTABLE_ENTRY_FIELDS


class GoldBook(models.Model):
    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="gold_book", verbose_name=_("unit")
    )
    # The last number given; entries are numbered 1, 2, 3… for the life of the book.
    last_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Gold Book")
        verbose_name_plural = _("Gold Books")

    def __str__(self):
        return f"Sổ vàng sáng kiến — {self.unit}"

    def get_absolute_url(self):
        return reverse("goldbook:book", args=[self.unit_id])


class GoldBookEntry(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("in force")
        REVOKED = "revoked", _("revoked")

    book = models.ForeignKey(GoldBook, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("no."))
    recorded_on = models.DateField(_("recorded on"))
    year = models.PositiveSmallIntegerField(_("year recognised"))
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="gold_book_entries"
    )
    council_item = models.OneToOneField(
        CouncilItem,
        on_delete=models.PROTECT,
        related_name="gold_book_entry",
        verbose_name=_("recognition"),
    )
    decision = models.ForeignKey(
        IssuedDocument,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recognition decision"),
    )
    # What the entry says, as written.
    title = models.CharField(_("initiative"), max_length=500)
    authors = models.JSONField(
        _("authors"), help_text=_("Names, shares and workplaces, as written.")
    )
    unit_name = models.CharField(_("unit"), max_length=255)
    field_name = models.CharField(_("field of application"), max_length=200, blank=True)
    scope = models.CharField(
        _("scope of influence"), max_length=20, choices=Scope.choices
    )
    public_summary = models.TextField(
        _("benefit (public summary)"),
        help_text=_(
            "What the initiative brought, for the honour roll. Never put confidential "
            "information here."
        ),
    )
    application_evidence = models.TextField(
        _("evidence of application in practice"),
        help_text=_("Where and since when it is applied, and who confirmed it."),
    )
    evidence_file = models.ForeignKey(
        Attachment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmation file"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    search_text = models.TextField(default="", editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("Gold Book entry")
        verbose_name_plural = _("Gold Book entries")
        ordering = ["book", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "number"], name="goldbook_number_once"
            ),
            models.CheckConstraint(
                condition=Q(status="active", revoked_on__isnull=True)
                | Q(status="revoked", revoked_on__isnull=False),
                name="goldbook_revocation_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["book", "year"], name="goldbook_book_year"),
            models.Index(fields=["status", "-recorded_on"], name="goldbook_public"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def save(self, *args, update_fields=None, **kwargs):
        if not self._state.adding and (
            update_fields is None or set(update_fields) - MUTABLE_ENTRY_FIELDS
        ):
            raise PermanentRecordError(
                "A Gold Book entry never changes: annotate or revoke it instead."
            )
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return reverse("goldbook:entry", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermanentRecordError("A Gold Book entry is never deleted; revoke it.")

    def get_public_url(self):
        return reverse("goldbook:honour_entry", args=[self.pk])

    def fill_derived(self) -> None:
        """The search key of the honour roll: public fields only."""
        names = " ".join(author.get("name", "") for author in self.authors)
        self.search_text = fold(
            " ".join([self.title, names, self.unit_name, self.public_summary])
        )

    @property
    def author_names(self) -> str:
        return ", ".join(author["name"] for author in self.authors)

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED


class Annotation(models.Model):
    """A dated note on an entry: a correction, or the record of a revocation."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction")
        NOTE = "note", _("note")
        REVOCATION = "revocation", _("revocation")

    entry = models.ForeignKey(
        GoldBookEntry, on_delete=models.PROTECT, related_name="annotations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("text"))
    written_on = models.DateField(_("date"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PermanentQuerySet.as_manager()

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["entry", "created_at", "id"]

    def __str__(self):
        return f"{self.written_on}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermanentRecordError("An annotation never changes; add another.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermanentRecordError("An annotation is never deleted.")
