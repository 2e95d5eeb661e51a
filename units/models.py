"""The union tree, people and the roles they hold.

A unit is never deleted once anything refers to it: it is renamed, moved, merged
into a successor or dissolved with a date, and its history keeps the names it
had, so that a document from 2019 still shows the name of that year.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.text import fold, nfc

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use only letters without accents, digits, dots, dashes and underscores."),
)


# The folded search key of people and units.
SEARCH_TEXT_LENGTH = 600


class UnitKind(models.TextChoices):
    NATIONAL = "national", _("national confederation")
    PROVINCE = "province", _("provincial federation")
    DEPARTMENT = "department", _("department of the federation")
    UPPER = "upper", _("upper-level union")
    GRASSROOTS = "grassroots", _("grassroots union")


# Which kinds of unit may stand directly above each kind (None: a root).
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    UnitKind.NATIONAL: {None},
    UnitKind.PROVINCE: {None, UnitKind.NATIONAL},
    UnitKind.DEPARTMENT: {UnitKind.PROVINCE},
    UnitKind.UPPER: {UnitKind.NATIONAL, UnitKind.PROVINCE, UnitKind.UPPER},
    UnitKind.GRASSROOTS: {UnitKind.NATIONAL, UnitKind.PROVINCE, UnitKind.UPPER},
}


def child_kinds(kind: str | None) -> list[str]:
    """Return the kinds of unit that may stand directly under a unit of this kind."""
    return [child for child, parents in ALLOWED_PARENT_KINDS.items() if kind in parents]


class Role(models.TextChoices):
    MEMBER = "member", _("member")
    OFFICER = "officer", _("union officer")
    SUPPORT_TEAM = "support_team", _("support team")
    EMULATION_STAFF = "emulation_staff", _("emulation staff")
    UNIT_ADMIN = "unit_admin", _("unit administrator")


class User(AbstractUser):
    """A person: a union member, officer or anyone else who signs in."""

    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    qualification = models.CharField(_("qualification"), max_length=150, blank=True)
    # Folded name, user name, email and phone for accent-insensitive search.
    search_text = models.CharField(
        max_length=SEARCH_TEXT_LENGTH, default="", editable=False
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["full_name", "email"]

    class Meta(AbstractUser.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ci",
                violation_error_message=_("This user name is already taken."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("Another person already uses this email."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Set the derived columns: normalised name and the search key.

        Called by save(); bulk inserts call it themselves.
        """
        self.full_name = nfc(self.full_name or "").strip()
        # Folding can lengthen text (a Hangul syllable becomes three letters):
        # the key keeps what fits its column.
        self.search_text = fold(
            " ".join([self.full_name, self.username, self.email, self.phone])
        )[:SEARCH_TEXT_LENGTH]

    def get_absolute_url(self):
        return reverse("units:person_detail", args=[self.pk])

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        # Vietnamese names end with the given name: "Nguyễn Văn An" -> "An".
        return (self.full_name.split() or [self.username])[-1]


class UnitQuerySet(MP_NodeQuerySet):
    def active(self, on: datetime.date | None = None):
        """Return the units not dissolved on the given day (default today)."""
        on = on or timezone.localdate()
        return self.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=on))

    def subtree(self, unit: "Unit"):
        """Return the unit and every unit below it."""
        return self.filter(path__startswith=unit.path)


class UnitManager(MP_NodeManager.from_queryset(UnitQuerySet)):
    def get_queryset(self):
        # Treebeard's manager builds its own queryset class; keep ours.
        return UnitQuerySet(self.model, using=self._db).order_by("path")


class Unit(MP_Node):
    """A union organisation at any level of the tree."""

    Kind = UnitKind

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text=_("A short, stable identifier used in imports, e.g. CB-GD."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    abbreviation = models.CharField(
        _("document abbreviation"),
        max_length=30,
        blank=True,
        help_text=_('Used in document numbers, e.g. "LĐLĐ" in "Số: 05/TTr-LĐLĐ".'),
    )
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_('Used to date documents, e.g. "Cao Bằng".'),
    )
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    search_text = models.CharField(
        max_length=SEARCH_TEXT_LENGTH, default="", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        # "Every unit under X" is a prefix match on path; on PostgreSQL the unique
        # index on path comes with a pattern-ops twin that serves LIKE 'X%'.
        indexes = [
            models.Index(fields=["kind"], name="unit_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                name="unit_code_unique_ci",
                violation_error_message=_("Another unit already uses this code."),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=F("established_on")),
                name="unit_dissolved_after_established",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | ~Q(successor=F("pk")),
                name="unit_not_own_successor",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Set the derived columns: normalised names and the search key.

        Called by save(); bulk inserts call it themselves.
        """
        for field in ("name", "short_name", "abbreviation", "place_name"):
            setattr(self, field, nfc(getattr(self, field) or "").strip())
        self.search_text = fold(" ".join([self.name, self.short_name, self.code]))[
            :SEARCH_TEXT_LENGTH
        ]

    def get_absolute_url(self):
        return reverse("units:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_dissolved(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.dissolved_on is not None and self.dissolved_on <= on

    @property
    def is_active(self) -> bool:
        return not self.is_dissolved()

    def ancestor_paths(self, *, include_self: bool = False) -> list[str]:
        """Return the tree paths of the units above this one, root first."""
        end = len(self.path) + (self.steplen if include_self else 0)
        return [self.path[:cut] for cut in range(self.steplen, end, self.steplen)]

    def name_on(self, day: datetime.date) -> str:
        """Return the name the unit had on the given day."""
        record = self.names.covering(day).first()
        return record.name if record else self.name

    def name_in_year(self, year: int) -> str:
        """Return the name the unit last had in the given year."""
        last_day = datetime.date(year, 12, 31)
        if self.dissolved_on and self.dissolved_on <= last_day:
            last_day = self.dissolved_on - datetime.timedelta(days=1)
        return self.name_on(last_day)


class UnitNameQuerySet(models.QuerySet):
    def covering(self, day: datetime.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        ).order_by("-valid_from")


class UnitName(models.Model):
    """A name a unit carried over a period; the current one has no end."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    abbreviation = models.CharField(
        _("document abbreviation"), max_length=30, blank=True
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)

    objects = UnitNameQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit name")
        verbose_name_plural = _("unit names")
        ordering = ["unit", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(valid_until__isnull=True),
                name="unitname_one_current",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="unitname_period_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class UnitEvent(models.Model):
    """One step in a unit's history: created, edited, renamed, moved, merged…"""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        RENAMED = "renamed", _("renamed")
        MOVED = "moved", _("moved")
        MERGED = "merged", _("merged into a successor")
        ABSORBED = "absorbed", _("took in a merged unit")
        DISSOLVED = "dissolved", _("dissolved")
        CHILD_ADDED = "child_added", _("sub-unit added")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    # Values before and after, for display: names of units, old and new names.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")
        ordering = ["-effective_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "-effective_on"], name="unitevent_unit")
        ]

    def __str__(self):
        return f"{self.unit} — {self.get_kind_display()}"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


class Membership(models.Model):
    """A role a person holds on a unit; it reaches every unit below that one.

    Ending a role sets `ended_on`; the row stays as history.
    """

    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.CharField(
        _("position"),
        max_length=150,
        blank=True,
        help_text=_("For example: Chairman, Vice-chairman, Committee member."),
    )
    full_time = models.BooleanField(
        _("full-time officer"),
        null=True,
        blank=True,
        help_text=_("For officers: full-time (chuyên trách) or part-time."),
    )
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["unit__path", "role"]
        indexes = [
            models.Index(
                fields=["unit", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_active_unit",
            ),
            models.Index(
                fields=["user"],
                condition=Q(ended_on__isnull=True),
                name="membership_active_user",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(ended_on__isnull=True),
                name="membership_one_active_role",
                violation_error_message=_("This person already holds this role here."),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role="member", ended_on__isnull=True),
                name="membership_one_union",
                violation_error_message=_(
                    "This person is already a member of another union."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class EmulationBlock(models.Model):
    """A group of units that emulate one another in a year (Khối thi đua)."""

    organizer = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="organized_blocks",
        verbose_name=_("organising unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=255)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("emulation block")
        verbose_name_plural = _("emulation blocks")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "year", "name"],
                name="block_unique_name",
                violation_error_message=_(
                    "This unit already has a block with this name in this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100), name="block_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def get_absolute_url(self):
        return reverse("units:block_detail", args=[self.pk])


class EmulationBlockMember(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", pgettext_lazy("emulation block", "head")
        DEPUTY = "deputy", pgettext_lazy("emulation block", "deputy head")
        MEMBER = "member", pgettext_lazy("emulation block", "member")

    block = models.ForeignKey(
        EmulationBlock, on_delete=models.CASCADE, related_name="members"
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="block_memberships",
        verbose_name=_("unit"),
    )
    role = models.CharField(
        _("role in the block"), max_length=10, choices=Role.choices, default=Role.MEMBER
    )

    class Meta:
        verbose_name = _("block member")
        verbose_name_plural = _("block members")
        constraints = [
            models.UniqueConstraint(
                fields=["block", "unit"],
                name="blockmember_unique",
                violation_error_message=_("This unit is already in the block."),
            ),
            models.UniqueConstraint(
                fields=["block"],
                condition=Q(role="head"),
                name="blockmember_one_head",
                violation_error_message=_("The block already has a head unit."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} ({self.get_role_display()})"


class ImportBatch(models.Model):
    """An uploaded spreadsheet of units or people, checked before it is applied."""

    class Kind(models.TextChoices):
        UNITS = "units", _("units")
        PEOPLE = "people", _("people")

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked, waiting to be applied")
        INVALID = "invalid", _("has errors")
        APPLIED = "applied", _("applied")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="imports", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # Of a workbook: the sheet read and every visible sheet, in order. A workbook
    # with more than one is kept, to be checked again reading another sheet.
    sheet = models.CharField(_("sheet"), max_length=255, blank=True)
    sheets = models.JSONField(default=list, blank=True)
    upload = models.FileField(
        _("file"), upload_to="imports/%Y/%m/", max_length=200, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.filename}"

    def get_absolute_url(self):
        return reverse("units:import_detail", args=[self.pk])

    @property
    def is_applied(self) -> bool:
        return self.status == self.Status.APPLIED


# Leadership terms and signing rules live in their own module; importing them
# here registers the models with the units app.
from units.leadership import Leadership, SigningRule  # noqa: E402, F401
