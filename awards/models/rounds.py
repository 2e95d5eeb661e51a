"""Award forms, award rounds, their candidates and the selection meeting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.lookups import GreaterThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from awards import selection_rule
from awards.models.common import YEAR_RANGE
from units.models import Unit


class AwardForm(models.Model):
    """A form of award (Giấy khen, Bằng khen, Cờ thi đua…): a list kept by admins."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    for_collectives = models.BooleanField(_("for collectives"), default=True)
    for_individuals = models.BooleanField(_("for individuals"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("award form")
        verbose_name_plural = _("award forms")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class SelectingBody(models.TextChoices):
    """Who selects (seed IV.3): a grassroots union's executive committee, an upper
    union's standing committee, or the federation's initiative council."""

    EXECUTIVE = "executive", _("executive committee")
    STANDING = "standing", _("standing committee")
    COUNCIL = "council", _("initiative council of the federation")


class AwardRound(models.Model):
    """A unit's award round for a year: the forms on offer, quotas, a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        SELECTED = "selected", _("selection recorded")
        CLOSED = "closed", _("closed")

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="award_rounds",
        verbose_name=_("unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    deadline = models.DateField(_("deadline for nominations"))
    selecting_body = models.CharField(
        _("selecting body"), max_length=12, choices=SelectingBody.choices
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award round")
        verbose_name_plural = _("award rounds")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=YEAR_RANGE, name="round_year_range"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("awards:round", args=[self.pk])


class RoundForm(models.Model):
    """An award form on offer in a round, with its quota if there is one."""

    round = models.ForeignKey(
        AwardRound, on_delete=models.CASCADE, related_name="offers"
    )
    award_form = models.ForeignKey(
        AwardForm, on_delete=models.PROTECT, verbose_name=_("award form")
    )
    quota = models.PositiveSmallIntegerField(
        _("quota"), null=True, blank=True, help_text=_("Leave empty for no quota.")
    )

    class Meta:
        verbose_name = _("award form on offer")
        verbose_name_plural = _("award forms on offer")
        ordering = ["award_form__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "award_form"],
                name="round_form_once",
                violation_error_message=_("This award form is already on offer."),
            )
        ]

    def __str__(self):
        return str(self.award_form)


class Candidate(models.Model):
    """A collective (a unit) or an individual considered in a round."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("collective")
        INDIVIDUAL = "individual", _("individual")

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        NOMINATED = "nominated", _("nominated")
        SELECTED = "selected", _("selected")
        NOT_SELECTED = "not_selected", _("not selected")

    round = models.ForeignKey(
        AwardRound, on_delete=models.CASCADE, related_name="candidates"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="award_candidacies",
        verbose_name=_("unit"),
        help_text=_("The collective, or the individual's union."),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_candidacies",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE
    )
    award_form = models.ForeignKey(
        AwardForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("proposed award"),
    )
    achievements = models.TextField(_("achievements"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=Q(kind="collective"),
                name="candidate_collective_once",
                violation_error_message=_("This unit is already a candidate."),
            ),
            models.UniqueConstraint(
                fields=["round", "person"],
                condition=Q(kind="individual"),
                name="candidate_individual_once",
                violation_error_message=_("This person is already a candidate."),
            ),
            models.CheckConstraint(
                condition=Q(kind="collective", person__isnull=True)
                | Q(kind="individual", person__isnull=False),
                name="candidate_kind_matches",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("awards:candidate", args=[self.pk])

    # The states as the lifecycle names them (awards.lifecycle.candidate), for
    # the templates.
    @property
    def is_considered(self) -> bool:
        from awards.lifecycle import candidate

        return self.status in candidate.CONSIDERED

    @property
    def is_selected(self) -> bool:
        from awards.lifecycle import candidate

        return self.status in candidate.SELECTED

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.INDIVIDUAL and self.person_id:
            return self.person.full_name or self.person.username
        return self.unit.name


class Attestation(models.Model):
    """Staff's word on a criterion the application cannot check from its data."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="attestations"
    )
    criterion = models.CharField(_("criterion"), max_length=30)
    met = models.BooleanField(_("met"))
    note = models.TextField(_("grounds"), blank=True)
    attested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attested_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "criterion"], name="attestation_once"
            )
        ]

    def __str__(self):
        return f"{self.candidate} — {self.criterion}"


class Selection(models.Model):
    """The meeting of the selecting body that chose among the nominees."""

    round = models.OneToOneField(
        AwardRound, on_delete=models.PROTECT, related_name="selection"
    )
    body = models.CharField(
        _("selecting body"), max_length=12, choices=SelectingBody.choices
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    chaired_by = models.CharField(_("chaired by"), max_length=200)
    members_total = models.PositiveSmallIntegerField(_("members of the body"))
    members_present = models.PositiveSmallIntegerField(_("members present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("selection meeting")
        verbose_name_plural = _("selection meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=models.F("members_total")),
                name="selection_present_le_total",
            ),
            # The meeting had its quorum (awards.selection_rule.QUORUM), in integers.
            models.CheckConstraint(
                condition=GreaterThanOrEqual(
                    models.F("members_present") * selection_rule.QUORUM.denominator,
                    models.F("members_total") * selection_rule.QUORUM.numerator,
                ),
                name="selection_quorum_met",
                violation_error_message=_(
                    "Fewer than two thirds of the members were present: the meeting "
                    "cannot select."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.round} — {self.held_on:%d/%m/%Y}"
