"""Registrations, ideas and recognition requests (the Mẫu "Đơn yêu cầu công nhận
sáng kiến"), with their authors, attachments and history."""

import calendar
import datetime
import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.text import fold, nfc
from initiatives import confidential
from units.models import Unit

# How long the recognising body has to decide once it accepts a request (law:
# Nghị định 13/2012, three months).
DECISION_MONTHS = 3
# The fields of the search key, with the authors' names after the first.
SEARCHED = confidential.check_public(("title", "essence"), "The search key")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day `months` later, or the month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Field(models.Model):
    """A field of application (lĩnh vực áp dụng), from a list kept by admins."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    is_active = models.BooleanField(_("offered in forms"), default=True)

    class Meta:
        verbose_name = _("field of application")
        verbose_name_plural = _("fields of application")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Kind(models.TextChoices):
    INITIATIVE = "initiative", _("initiative")
    RESEARCH = "research", _("research topic")


class Scope(models.TextChoices):
    """Levels: the level a request is registered for, and scope of influence."""

    GRASSROOTS = "grassroots", pgettext_lazy("scope", "grassroots")
    UPPER = "upper", pgettext_lazy("scope", "upper-level union")
    PROVINCE = "province", pgettext_lazy("scope", "province")
    NATIONAL = "national", pgettext_lazy("scope", "national")


class SearchableMixin(models.Model):
    """A folded copy of the searchable text, for accent-insensitive search."""

    search_text = models.TextField(default="", editable=False)

    class Meta:
        abstract = True


class Registration(SearchableMixin):
    """What a person or team intends to work on this year (đăng ký sáng kiến)."""

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("union"),
    )
    registrant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("registered by"),
    )
    team = models.CharField(
        _("other team members"),
        max_length=500,
        blank=True,
        help_text=_("Names of the others working on it, if it is a team."),
    )
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    field = models.ForeignKey(
        Field,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("field of application"),
    )
    field_other = models.CharField(_("other field"), max_length=200, blank=True)
    expected_completion = models.DateField(_("expected completion"))
    note = models.TextField(_("note"), blank=True)
    initiative = models.ForeignKey(
        "Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("request it became"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["unit", "year"], name="registration_unit_year")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("initiatives:registration_detail", args=[self.pk])

    def fill_derived(self) -> None:
        self.title = nfc(self.title).strip()
        self.search_text = fold(f"{self.title} {self.team}")

    @property
    def field_name(self) -> str:
        return self.field.name if self.field_id else self.field_other


class Idea(SearchableMixin):
    """An idea posted to the support team of a grassroots union (ý tưởng)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        BECAME_REQUEST = "request", _("became a request")
        CLOSED = "closed", _("closed")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("union")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("the idea"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    initiative = models.OneToOneField(
        "Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea",
        verbose_name=_("request it became"),
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("initiatives:idea_detail", args=[self.pk])

    def fill_derived(self) -> None:
        self.title = nfc(self.title).strip()
        self.description = nfc(self.description)
        self.search_text = fold(f"{self.title} {self.description}")


class IdeaComment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for revision")
    ACCEPTED = "accepted", _("accepted for review")
    UNDER_REVIEW = "under_review", _("under review")
    DEFERRED = "deferred", _("deferred")
    RECOGNISED = "recognised", _("recognised")
    NOT_RECOGNISED = "not_recognised", _("not recognised")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The sets of states and the moves between them: `initiatives.lifecycle.request`.


class Initiative(SearchableMixin):
    """A recognition request (Đơn yêu cầu công nhận sáng kiến) and its initiative."""

    Status = Status
    Kind = Kind
    Scope = Scope

    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("filed at"),
        help_text=_("The union the request is filed from."),
    )
    recognizing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="initiatives_to_recognise",
        verbose_name=_("body asked to recognise it"),
        help_text=_("Its initiative council receives the request."),
    )
    title = models.CharField(_("title of the initiative"), max_length=500)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.INITIATIVE
    )
    field = models.ForeignKey(
        Field,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("field of application"),
    )
    field_other = models.CharField(_("other field"), max_length=200, blank=True)
    investor = models.CharField(
        _("investor, if not the author"),
        max_length=300,
        blank=True,
        help_text=_("Who paid for creating the initiative, if not its authors."),
    )
    state_funded = models.BooleanField(_("state funds were used"), default=False)
    first_applied_on = models.DateField(
        _("first or trial application on"), null=True, blank=True
    )
    essence = models.TextField(
        _("essence of the initiative"),
        blank=True,
        help_text=_("The steps, the conditions, and what it improves."),
    )
    confidential_info = models.TextField(
        _("confidential information"),
        blank=True,
        help_text=_(
            "What must be kept secret. Shown only to the authors, the council "
            "handling the request and the recognising unit's administrators and "
            "emulation staff."
        ),
    )
    conditions = models.TextField(_("conditions needed to apply it"), blank=True)
    application_place = models.CharField(
        _("place of first application"), max_length=500, blank=True
    )
    application_people = models.TextField(
        _("people who took part in the first application"), blank=True
    )
    benefits_author = models.TextField(
        _("benefits obtained or expected (author's assessment)"), blank=True
    )
    benefits_confirmation = models.TextField(
        _("confirmation by the applying body"), blank=True
    )
    level = models.CharField(
        _("level registered for"), max_length=20, choices=Scope.choices, blank=True
    )
    period_start = models.DateField(_("implementation from"), null=True, blank=True)
    period_end = models.DateField(_("implementation until"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Optimistic lock: every save raises it; a save based on an older value is
    # refused rather than overwriting someone else's changes.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="initiatives_created",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # Copies of the two units' tree paths. Who may see a request is decided by
    # prefixes of these paths; kept here, the list filters on the request's own
    # row instead of joining every request to its units. `save` fills them and
    # `initiatives.signals` follows a unit when it moves.
    unit_path = models.CharField(max_length=255, default="", editable=False)
    recognizing_path = models.CharField(max_length=255, default="", editable=False)

    class Meta:
        verbose_name = _("recognition request")
        verbose_name_plural = _("recognition requests")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["year", "status"], name="initiative_year_status"),
            models.Index(fields=["unit", "year"], name="initiative_unit_year"),
            models.Index(
                fields=["recognizing_unit", "status"], name="initiative_recog"
            ),
            models.Index(fields=["title", "id"], name="initiative_title_id"),
            # Prefix matches (LIKE 'path%'); the operator class only matters on
            # PostgreSQL, where a plain index would not serve LIKE.
            models.Index(
                fields=["unit_path"],
                name="initiative_unit_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["recognizing_path"],
                name="initiative_recog_path",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="initiative_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.fill_paths()
        elif {"unit", "recognizing_unit"} & set(update_fields):
            self.fill_paths()
            kwargs["update_fields"] = {*update_fields, "unit_path", "recognizing_path"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("initiatives:detail", args=[self.pk])

    def fill_paths(self) -> None:
        """Copy the units' tree paths (from the units already loaded, if they are)."""
        for relation, copy in (
            ("unit", "unit_path"),
            ("recognizing_unit", "recognizing_path"),
        ):
            field = self._meta.get_field(relation)
            if field.is_cached(self):
                path = getattr(self, relation).path
            else:
                path = Unit.objects.values_list("path", flat=True).get(
                    pk=getattr(self, field.attname)
                )
            setattr(self, copy, path)

    def fill_derived(self, author_names: list[str] | None = None) -> None:
        """Normalise the text and build the search key.

        The search key holds the title, the authors and the essence
        (SEARCHED) — never the confidential part (initiatives.confidential).
        """
        for name in (
            "title",
            "field_other",
            "investor",
            "essence",
            "confidential_info",
            "conditions",
            "application_place",
            "application_people",
            "benefits_author",
            "benefits_confirmation",
        ):
            setattr(self, name, nfc(getattr(self, name) or ""))
        self.title = self.title.strip()
        names = author_names
        if names is None:
            names = [a.full_name for a in self.authors.all()] if self.pk else []
        searched = [getattr(self, name) for name in SEARCHED]
        self.search_text = fold(" ".join([searched[0], *names, *searched[1:]]))

    @property
    def field_name(self) -> str:
        return self.field.name if self.field_id else self.field_other

    @property
    def due_on(self) -> datetime.date | None:
        """The day the recognising body must have decided by."""
        if self.accepted_on is None:
            return None
        return add_months(self.accepted_on, DECISION_MONTHS)

    @property
    def is_editable(self) -> bool:
        from initiatives.lifecycle.request import EDITABLE

        return self.status in EDITABLE

    @property
    def is_returned(self) -> bool:
        return self.status == Status.RETURNED


class Author(models.Model):
    """An author or co-author and their share of the contribution."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="authors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorships",
        verbose_name=_("registered person"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    workplace = models.CharField(_("workplace"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    qualification = models.CharField(_("qualification"), max_length=150, blank=True)
    share = models.DecimalField(_("contribution (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=Decimal("0")) & Q(share__lte=Decimal("100")),
                name="author_share_range",
            ),
            models.UniqueConstraint(
                fields=["initiative", "user"],
                condition=Q(user__isnull=False),
                name="author_person_once",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.share}%)"


def attachment_path(instance: "Attachment", filename: str) -> str:
    """Store uploads under a random name; the user's file name is kept in the row."""
    extension = PurePosixPath(filename).suffix.lower()
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    class Purpose(models.TextChoices):
        EVIDENCE = "evidence", _("evidence")
        CONFIRMATION = "confirmation", _("confirmation by the applying body")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.EVIDENCE
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("initiatives:attachment_download", args=[self.pk])


class InitiativeEvent(models.Model):
    """One step in a request's history, shown as its timeline."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        SUBMITTED = "submitted", _("submitted")
        RESUBMITTED = "resubmitted", _("resubmitted")
        RETURNED = "returned", _("returned for revision")
        ACCEPTED = "accepted", _("accepted for review")
        WITHDRAWN = "withdrawn", _("withdrawn")
        ATTACHED = "attached", _("file attached")
        DETACHED = "detached", _("file removed")
        UNDER_REVIEW = "under_review", _("put under review")
        RECOGNISED = "recognised", _("recognised")
        NOT_RECOGNISED = "not_recognised", _("not recognised")
        DEFERRED = "deferred", _("deferred")
        PROPOSED = "proposed", _("proposed to the level above")
        ESCALATION_RECOGNISED = (
            "escalation_recognised",
            _("recognised at the level above"),
        )
        ESCALATION_REFUSED = (
            "escalation_refused",
            _("not recognised at the level above"),
        )

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["initiative", "created_at"], name="event_timeline")
        ]

    def __str__(self):
        return f"{self.initiative_id}: {self.get_action_display()}"
