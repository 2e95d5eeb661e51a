"""Who leads a unit, and who signs its documents (Nghị định 30/2020, Điều 13).

A unit's leadership is a list of terms: a person (a User of the project), a
position (chair, vice-chair, standing committee member), a start and an end
date. An ended term stays, so a document of 2024 still finds the chair of 2024.
A signing rule says, for one kind of document of one unit, under which
authority it is signed and by whom (TM.: the chair of the day, for the
collective body; KT.: a named vice-chair for the chair; Q., TL., TUQ.: a named
leader). The signer is always a person of that list, resolved for the
document's own day, never a typed name.
"""

import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import log as audit_log
from units.models import Unit, UnitKind, User


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    STANDING_MEMBER = "standing_member", _("Standing committee member")


class SigningKind(models.TextChoices):
    AWARD_SUBMISSION = "award_submission", _("Award submission (Tờ trình)")
    AWARD_EXCERPT = "award_excerpt", _("Excerpt of the selection meeting's minutes")
    AWARD_SUMMARY = "award_summary", _("Summary reports of nominees")
    MOVEMENT_REPORT = "movement_report", _("Movement report")
    RECEIPT = "receipt", _("Receipt of a recognition request")


class Authority(models.TextChoices):
    # Nghị định 30/2020, Điều 13.
    TM = "tm", _("TM. — the chair signs for the committee")
    KT = "kt", _("KT. — a vice-chair signs for the chair")
    Q = "q", _("Q. — an acting chair signs")
    TL = "tl", _("TL. — a leader signs by order of the chair")
    TUQ = "tuq", _("TUQ. — a leader signs by authorisation of the chair")


class Body(models.TextChoices):
    STANDING = "standing", _("Standing committee (Ban Thường vụ)")
    EXECUTIVE = "executive", _("Executive committee (Ban Chấp hành)")


BODY_PRINTED = {Body.STANDING: "BAN THƯỜNG VỤ", Body.EXECUTIVE: "BAN CHẤP HÀNH"}
POSITION_PRINTED = {
    Position.CHAIR: "CHỦ TỊCH",
    Position.VICE_CHAIR: "PHÓ CHỦ TỊCH",
    Position.STANDING_MEMBER: "ỦY VIÊN BAN THƯỜNG VỤ",
}
# Which positions may sign under each authority.
SIGNER_POSITIONS = {
    Authority.TM: {Position.CHAIR},
    Authority.KT: {Position.VICE_CHAIR},
    Authority.Q: {Position.VICE_CHAIR, Position.STANDING_MEMBER},
    Authority.TL: {Position.VICE_CHAIR, Position.STANDING_MEMBER},
    Authority.TUQ: {Position.VICE_CHAIR, Position.STANDING_MEMBER},
}


def default_body(unit: Unit) -> str:
    """A grassroots union is led by its executive committee, the others by a
    standing committee."""
    return Body.EXECUTIVE if unit.kind == UnitKind.GRASSROOTS else Body.STANDING


class LeadershipQuerySet(models.QuerySet):
    def on(self, day: datetime.date):
        """The terms running on the given day (the end date is the last day)."""
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )


class Leadership(models.Model):
    """One term of one person in one leading position of a unit."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="leaders", verbose_name=_("unit")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leaderships",
        verbose_name=_("person"),
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LeadershipQuerySet.as_manager()

    class Meta:
        app_label = "units"
        verbose_name = _("leadership term")
        verbose_name_plural = _("leadership terms")
        ordering = ["unit", "-started_on", "id"]
        indexes = [models.Index(fields=["unit", "position", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="leadership_period_ordered",
            ),
            # Overlapping terms are refused by the service; this catches two open
            # chairs written past it.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(position="chair", ended_on__isnull=True),
                name="leadership_one_open_chair",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_position_display()} — {self.unit}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (
            self.ended_on is None or self.ended_on >= today
        )


class SigningRule(models.Model):
    """Who signs one kind of document of a unit, and under which authority."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="signing_rules"
    )
    kind = models.CharField(_("document"), max_length=30, choices=SigningKind.choices)
    authority = models.CharField(
        _("authority"), max_length=5, choices=Authority.choices, default=Authority.TM
    )
    body = models.CharField(_("collective body"), max_length=12, choices=Body.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signer"),
        help_text=_("Under TM. the chair of the document's day signs."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "units"
        verbose_name = _("signing rule")
        verbose_name_plural = _("signing rules")
        ordering = ["unit", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind"], name="signingrule_one_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.unit} — {self.get_kind_display()} — {self.authority}"


# --- Reads --------------------------------------------------------------------


def terms_of(unit: Unit):
    """Every term of the unit, current and ended, newest first."""
    return Leadership.objects.filter(unit=unit).select_related("user")


def holder(unit: Unit, position: str, day: datetime.date) -> Leadership | None:
    return (
        Leadership.objects.on(day)
        .filter(unit=unit, position=position)
        .select_related("user")
        .order_by("-started_on", "id")
        .first()
    )


def leaders_on(unit: Unit, day: datetime.date):
    return Leadership.objects.on(day).filter(unit=unit).select_related("user")


def chair_of(unit: Unit, day: datetime.date) -> User | None:
    term = holder(unit, Position.CHAIR, day)
    return term.user if term else None


@dataclasses.dataclass(frozen=True)
class Signature:
    """The signer of a document, resolved for its day.

    ``lines`` are the printed capacity lines ("TM. BAN THƯỜNG VỤ", "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH"); ``name`` the signer's full name, empty when nobody can sign,
    and then ``missing`` says (in the reader's language) what to record.
    """

    lines: tuple[str, ...]
    name: str
    missing: str = ""


def rule_for(unit: Unit, kind: str) -> SigningRule | None:
    return SigningRule.objects.filter(unit=unit, kind=kind).first()


def signature_missing(
    unit: Unit, position: str, day: datetime.date, person=None
) -> str:
    values = {
        "unit": unit.name_on(day),
        "position": Position(position).label,
        "day": date_format(day, "SHORT_DATE_FORMAT"),
    }
    if person is not None:
        values["name"] = person.get_full_name()
        return (
            gettext(
                "%(name)s is not %(position)s of %(unit)s on %(day)s: record the term "
                "or change who signs on the unit's leadership page."
            )
            % values
        )
    return (
        gettext(
            "No %(position)s of %(unit)s is recorded for %(day)s: record one on the "
            "unit's leadership page."
        )
        % values
    )


def signature(unit: Unit, kind: str, day: datetime.date) -> Signature:
    """Resolve who signs a document of this kind issued by the unit on ``day``.

    Without a rule, the chair of the day signs for the unit's collective body.
    """
    rule = rule_for(unit, kind)
    authority = rule.authority if rule else Authority.TM
    body = BODY_PRINTED[Body(rule.body if rule else default_body(unit))]
    if authority == Authority.TM:
        term = holder(unit, Position.CHAIR, day)
        lines = (f"TM. {body}", "CHỦ TỊCH")
        if term is None:
            return Signature(lines, "", signature_missing(unit, Position.CHAIR, day))
        return Signature(lines, term.user.get_full_name())
    allowed = SIGNER_POSITIONS[Authority(authority)]
    term = (
        leaders_on(unit, day)
        .filter(user_id=rule.signer_id, position__in=allowed)
        .order_by("-started_on")
        .first()
    )
    position = term.position if term else sorted(allowed)[-1]
    printed = POSITION_PRINTED[Position(position)]
    if authority == Authority.KT:
        lines = (f"TM. {body}", "KT. CHỦ TỊCH", printed)
    elif authority == Authority.Q:
        lines = (f"TM. {body}", "Q. CHỦ TỊCH")
    elif authority == Authority.TL:
        lines = ("TL. CHỦ TỊCH", printed)
    else:
        lines = ("TUQ. CHỦ TỊCH", printed)
    if term is None:
        return Signature(
            lines, "", signature_missing(unit, position, day, person=rule.signer)
        )
    return Signature(lines, term.user.get_full_name())


# --- Writes -------------------------------------------------------------------


def _check_term(*, unit, user, position, started_on, ended_on, exclude_pk=None) -> None:
    errors = {}
    if ended_on is not None and ended_on < started_on:
        errors["ended_on"] = gettext("The term cannot end before it starts.")
    if position not in Position.values:
        errors["position"] = gettext("Choose a position.")
    if errors:
        raise ValidationError(errors)
    overlapping = Leadership.objects.filter(unit=unit).exclude(pk=exclude_pk)
    overlapping = overlapping.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)
    )
    if ended_on is not None:
        overlapping = overlapping.filter(started_on__lte=ended_on)
    if position == Position.CHAIR:
        other = overlapping.filter(position=Position.CHAIR).select_related("user")
        other = other.first()
        if other is not None:
            raise ValidationError(
                {
                    "started_on": gettext(
                        "%(name)s is chair of this unit during these dates: a unit "
                        "has one chair at a time. End that term first."
                    )
                    % {"name": other.user.get_full_name()}
                }
            )
    if overlapping.filter(user=user).exists():
        raise ValidationError(
            {
                "user": gettext(
                    "This person already holds a leading position in this unit "
                    "during these dates."
                )
            }
        )


@transaction.atomic
def leadership_add(
    *, unit: Unit, user: User, position: str, started_on, ended_on=None, actor
) -> Leadership:
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    _check_term(
        unit=unit,
        user=user,
        position=position,
        started_on=started_on,
        ended_on=ended_on,
    )
    term = Leadership.objects.create(
        unit=unit,
        user=user,
        position=position,
        started_on=started_on,
        ended_on=ended_on,
    )
    audit_log.record("leadership.add", term, actor=actor, unit_id=unit.pk)
    return term


@transaction.atomic
def leadership_edit(
    *, term: Leadership, user: User, position: str, started_on, ended_on, actor
) -> Leadership:
    Unit.objects.select_for_update().filter(pk=term.unit_id).first()
    _check_term(
        unit=term.unit,
        user=user,
        position=position,
        started_on=started_on,
        ended_on=ended_on,
        exclude_pk=term.pk,
    )
    term.user, term.position = user, position
    term.started_on, term.ended_on = started_on, ended_on
    term.save()
    audit_log.record("leadership.edit", term, actor=actor, unit_id=term.unit.pk)
    return term


@transaction.atomic
def leadership_end(*, term: Leadership, ended_on, actor) -> Leadership:
    if term.ended_on is not None:
        raise ValidationError(gettext("This term has already ended."))
    if ended_on < term.started_on:
        raise ValidationError(
            {"ended_on": gettext("The term cannot end before it starts.")}
        )
    term.ended_on = ended_on
    term.save(update_fields=["ended_on"])
    audit_log.record("leadership.end", term, actor=actor, unit_id=term.unit.pk)
    return term


@transaction.atomic
def signing_rule_set(
    *, unit: Unit, kind: str, authority: str, body: str, signer: User | None, actor
) -> SigningRule:
    """Record who signs this kind of document; the signer must lead the unit
    today in a position that may sign under that authority."""
    errors = {}
    if kind not in SigningKind.values:
        errors["kind"] = gettext("Choose a kind of document.")
    if authority not in Authority.values:
        errors["authority"] = gettext("Choose an authority.")
    if body not in Body.values:
        errors["body"] = gettext("Choose the collective body.")
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    if authority == Authority.TM:
        signer = None
    elif signer is None:
        errors["signer"] = gettext("Choose who signs.")
    elif (
        not leaders_on(unit, today)
        .filter(user=signer, position__in=SIGNER_POSITIONS[Authority(authority)])
        .exists()
    ):
        errors["signer"] = gettext(
            "%(name)s does not lead this unit today in a position that may sign "
            "under this authority (KT.: a vice-chair; Q., TL., TUQ.: a vice-chair "
            "or a standing committee member)."
        ) % {"name": signer.get_full_name()}
    if errors:
        raise ValidationError(errors)
    rule, _created = SigningRule.objects.update_or_create(
        unit=unit,
        kind=kind,
        defaults={"authority": authority, "body": body, "signer": signer},
    )
    audit_log.record("signing_rule.set", rule, actor=actor, unit_id=unit.pk)
    return rule
