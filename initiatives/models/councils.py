"""Initiative councils (Hội đồng sáng kiến): members and rules, the requests they
handle, conflicts, reviews with score sheets, sessions, votes and decisions.

Law: Thông tư 18/2013/TT-BKHCN Điều 8 — an initiative passes with at least 2/3 of
all council members agreeing; a member who is an author takes no part in that item.
Local practice adds a quorum and score sheets; both are rules of each council.
The voting rule itself lives in `initiatives.voting`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from documents.models import IssuedDocument
from initiatives import voting
from initiatives.models.requests import Initiative, Scope
from initiatives.voting import Outcome
from units.models import Unit


class VotingMode(models.TextChoices):
    BALLOT = "ballot", _("secret ballot in the application")
    HANDS = "hands", _("show of hands, counted by the secretary")


class Council(models.Model):
    """The initiative council of a unit for one year (term)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="councils", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(
        _("code in document numbers"),
        max_length=20,
        default="HĐSK",
        help_text=_('Its documents are numbered "05/QĐ-HĐSK", "05/BB-HĐSK"…'),
    )
    voting_mode = models.CharField(
        _("voting"),
        max_length=10,
        choices=VotingMode.choices,
        default=VotingMode.BALLOT,
    )
    pass_numerator = models.PositiveSmallIntegerField(
        _("pass: members agreeing"), default=voting.DEFAULT_PASS.numerator
    )
    pass_denominator = models.PositiveSmallIntegerField(
        _("pass: out of"), default=voting.DEFAULT_PASS.denominator
    )
    quorum_numerator = models.PositiveSmallIntegerField(
        _("quorum: members present"), default=voting.DEFAULT_QUORUM.numerator
    )
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum: out of"), default=voting.DEFAULT_QUORUM.denominator
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("initiative council")
        verbose_name_plural = _("initiative councils")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="council_one_per_unit_year",
                violation_error_message=_(
                    "This unit already has a council for this year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(pass_numerator__gt=0)
                & Q(pass_numerator__lte=F("pass_denominator"))
                & Q(quorum_numerator__gt=0)
                & Q(quorum_numerator__lte=F("quorum_denominator")),
                name="council_ratios_valid",
            ),
            # Thông tư 18/2013/TT-BKHCN Điều 8: never less than 2/3 of all members,
            # compared in integers (n/d >= 2/3 as 3n >= 2d) on every database.
            models.CheckConstraint(
                condition=GreaterThanOrEqual(
                    F("pass_numerator") * voting.LEGAL_PASS.denominator,
                    F("pass_denominator") * voting.LEGAL_PASS.numerator,
                ),
                name="council_pass_share_legal",
                violation_error_message=voting.below_legal_pass_message(),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("initiatives:council_detail", args=[self.pk])

    @property
    def scope(self) -> str:
        """The scope of influence of what this council recognises."""
        return {
            Unit.Kind.GRASSROOTS: Scope.GRASSROOTS,
            Unit.Kind.UPPER: Scope.UPPER,
            Unit.Kind.PROVINCE: Scope.PROVINCE,
            Unit.Kind.DEPARTMENT: Scope.PROVINCE,
            Unit.Kind.NATIONAL: Scope.NATIONAL,
        }[self.unit.kind]

    def votes_needed(self, member_count: int) -> int:
        """Votes in favour needed to pass: the share of ALL members, rounded up."""
        return voting.votes_needed(
            member_count, self.pass_numerator, self.pass_denominator
        )

    def quorum_needed(self, member_count: int) -> int:
        """Members who must be present for this council to decide."""
        return voting.quorum_needed(
            member_count, self.quorum_numerator, self.quorum_denominator
        )


class CouncilRole(models.TextChoices):
    CHAIR = "chair", pgettext_lazy("council", "chair")
    VICE_CHAIR = "vice_chair", pgettext_lazy("council", "vice-chair")
    SECRETARY = "secretary", pgettext_lazy("council", "secretary")
    MEMBER = "member", pgettext_lazy("council", "member")
    EXPERT = "expert", pgettext_lazy("council", "expert")
    UNION_REP = "union_rep", pgettext_lazy("council", "union representative")


class CouncilMember(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_seats",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=CouncilRole.choices)
    position = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("For example: Vice-chairman of the provincial federation."),
    )
    is_unit_head = models.BooleanField(
        _("head of the unit"),
        default=False,
        help_text=_(
            "The head of the unit may not sit on the council for a state-funded "
            "initiative they authored."
        ),
    )

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user"],
                name="councilmember_once",
                violation_error_message=_("This person is already on the council."),
            ),
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(role="chair"),
                name="councilmember_one_chair",
                violation_error_message=_("The council already has a chair."),
            ),
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(role="secretary"),
                name="councilmember_one_secretary",
                violation_error_message=_("The council already has a secretary."),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class Criterion(models.Model):
    """One line of the council's score sheet, with its maximum points."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["council", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="criterion_once"),
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="criterion_points"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.max_points})"


class CouncilItem(models.Model):
    """A request before one council: accepted at intake, or proposed from the
    council of the level below."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed from the level below")
        ACCEPTED = "accepted", _("accepted for review")
        UNDER_REVIEW = "under_review", _("under review")
        RECOGNISED = "recognised", _("recognised")
        NOT_RECOGNISED = "not_recognised", _("not recognised")
        DEFERRED = "deferred", _("deferred")
        DECLINED = "declined", _("not taken up")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="items")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="council_items"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    escalated_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name=_("proposed by the council of"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposal_note = models.TextField(_("why it has wider influence"), blank=True)
    # Frozen when a session decides the item.
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    yes_count = models.PositiveSmallIntegerField(null=True, blank=True)
    no_count = models.PositiveSmallIntegerField(null=True, blank=True)
    average_score = models.DecimalField(
        _("average score"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    reasons = models.TextField(_("conclusion and reasons"), blank=True)
    decision = models.ForeignKey(
        IssuedDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recognition decision"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("council item")
        verbose_name_plural = _("council items")
        ordering = ["council", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "initiative"],
                name="councilitem_once",
                violation_error_message=_("This council already has this request."),
            ),
        ]
        indexes = [
            models.Index(fields=["council", "status"], name="councilitem_status")
        ]

    def __str__(self):
        return f"{self.initiative} — {self.council}"

    def get_absolute_url(self):
        return reverse("initiatives:item_detail", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        from initiatives.lifecycle.council_item import DECIDED

        return self.status in DECIDED

    @property
    def is_open(self) -> bool:
        """Waiting for a decision (`initiatives.lifecycle.council_item.OPEN`)."""
        from initiatives.lifecycle.council_item import OPEN

        return self.status in OPEN

    @property
    def is_proposed(self) -> bool:
        return self.status == self.Status.PROPOSED

    @property
    def is_recognised(self) -> bool:
        return self.status == self.Status.RECOGNISED

    @property
    def is_not_recognised(self) -> bool:
        return self.status == self.Status.NOT_RECOGNISED

    @property
    def is_deferred(self) -> bool:
        return self.status == self.Status.DEFERRED

    @property
    def due_on(self):
        from initiatives.models.requests import DECISION_MONTHS, add_months

        return (
            add_months(self.accepted_on, DECISION_MONTHS) if self.accepted_on else None
        )


class Recusal(models.Model):
    """A member who takes no part in an item: an author, or a declared conflict."""

    class Reason(models.TextChoices):
        AUTHOR = "author", _("author or co-author")
        DECLARED = "declared", _("declared conflict of interest")

    item = models.ForeignKey(
        CouncilItem, on_delete=models.CASCADE, related_name="recusals"
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="recusals"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="recusal_once")
        ]

    def __str__(self):
        return f"{self.member} — {self.get_reason_display()}"


class ReviewAssignment(models.Model):
    item = models.ForeignKey(
        CouncilItem, on_delete=models.CASCADE, related_name="reviews"
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="reviews"
    )
    due_on = models.DateField(_("score by"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="review_once")
        ]

    def __str__(self):
        return f"{self.member} → {self.item}"


class ScoreSheet(models.Model):
    """One member's scores for one item. Seen only by its author until the session
    that decides the item closes."""

    item = models.ForeignKey(
        CouncilItem, on_delete=models.CASCADE, related_name="score_sheets"
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="score_sheets"
    )
    comments = models.TextField(_("comments"), blank=True)
    total = models.DecimalField(_("total"), max_digits=9, decimal_places=2, default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="scoresheet_once")
        ]

    def __str__(self):
        return f"{self.member}: {self.total}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once"),
            models.CheckConstraint(
                condition=Q(points__gte=Decimal("0")), name="score_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.points}"


class Session(models.Model):
    """A meeting of the council: attendance, agenda, votes; closing freezes it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        OPEN = "open", _("open for voting")
        CLOSED = "closed", _("closed")

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("session no."))
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Frozen at closing.
    member_count = models.PositiveSmallIntegerField(null=True, blank=True)
    present_count = models.PositiveSmallIntegerField(null=True, blank=True)
    quorum_met = models.BooleanField(null=True, blank=True)
    minutes = models.ForeignKey(
        IssuedDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes"),
    )

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["council", "-held_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "number"], name="session_number_once"
            )
        ]

    def __str__(self):
        return f"{self.council} — {self.number}"

    def get_absolute_url(self):
        return reverse("initiatives:session_detail", args=[self.pk])

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Attendance(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], name="attendance_once"
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.present}"


class AgendaItem(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="agenda"
    )
    item = models.ForeignKey(
        CouncilItem, on_delete=models.PROTECT, related_name="agenda_entries"
    )
    order = models.PositiveSmallIntegerField(default=0)
    # Show of hands: the counts the secretary records.
    hands_yes = models.PositiveSmallIntegerField(_("in favour"), null=True, blank=True)
    hands_no = models.PositiveSmallIntegerField(_("against"), null=True, blank=True)
    note = models.TextField(_("conclusion and reasons"), blank=True)
    # Frozen at closing.
    yes_count = models.PositiveSmallIntegerField(null=True, blank=True)
    no_count = models.PositiveSmallIntegerField(null=True, blank=True)
    eligible_count = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_needed = models.PositiveSmallIntegerField(null=True, blank=True)
    average_score = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True
    )
    outcome = models.CharField(
        _("result"), max_length=20, choices=Outcome.choices, blank=True
    )
    excerpt = models.ForeignKey(
        IssuedDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("minutes excerpt"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="agenda_item_once")
        ]

    def __str__(self):
        return f"{self.session}: {self.item}"


class Vote(models.Model):
    """A member's vote on an agenda item: one per member per item, enforced by the
    database; it may change until the session closes."""

    class Choice(models.TextChoices):
        YES = "yes", _("in favour (đạt)")
        NO = "no", _("against (không đạt)")

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.CASCADE, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=3, choices=Choice.choices)
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item", "member"], name="vote_one_per_member_item"
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.choice}"
