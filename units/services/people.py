"""Writes to people and their roles on units."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import fold, nfc
from units.access import forget_grants
from units.models import Membership, Role, Unit, User
from units.services._common import _locked, _require_active, check_effective_date


def suggest_username(full_name: str, taken: set[str] | None = None) -> str:
    """Return a free user name built from a Vietnamese name: "nguyen.van.an", "…2"."""
    base = ".".join(fold(full_name).replace("-", " ").split())[:140] or "nguoidung"
    base = "".join(ch for ch in base if ch.isalnum() or ch == ".").strip(".")
    base = base or "nguoidung"
    taken = set(taken or ())
    taken |= {
        u.lower()
        for u in User.objects.filter(username__istartswith=base).values_list(
            "username", flat=True
        )
    }
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _check_email_free(email: str, exclude_pk: int | None = None) -> None:
    if not email:
        return
    clash = User.objects.filter(email__iexact=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": _("Another person already uses this email.")})


def _check_position(role: str, full_time: bool | None) -> None:
    if full_time is not None and role != Role.OFFICER:
        raise ValidationError(
            {"full_time": _("Full-time or part-time applies to officers only.")}
        )


@transaction.atomic
def person_create(
    *,
    unit: Unit,
    full_name: str,
    username: str = "",
    email: str = "",
    phone: str = "",
    date_of_birth: datetime.date | None = None,
    qualification: str = "",
    role: str = Role.MEMBER,
    position: str = "",
    full_time: bool | None = None,
    actor: User | None,
) -> User:
    """Add a new person to a unit with a first role; they set a password by mail."""
    unit = _locked(unit)
    _require_active(unit)
    full_name = nfc(full_name).strip()
    if not full_name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    username = username.strip() or suggest_username(full_name)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    email = email.strip()
    _check_email_free(email)
    _check_position(role, full_time)
    if date_of_birth and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date cannot be in the future.")})
    person = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone.strip(),
        date_of_birth=date_of_birth,
        qualification=nfc(qualification).strip(),
    )
    person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    Membership.objects.create(
        user=person,
        unit=unit,
        role=role,
        position=nfc(position).strip(),
        full_time=full_time,
        granted_by=actor,
    )
    return person


PERSON_FIELDS = (
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "qualification",
    "is_active",
)


@transaction.atomic
def person_update(*, person: User, actor: User | None, **changes) -> User:
    """Change a person's details."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update cannot change {sorted(unknown)}")
    person = User.objects.select_for_update().get(pk=person.pk)
    if "email" in changes:
        changes["email"] = changes["email"].strip()
        _check_email_free(changes["email"], exclude_pk=person.pk)
    if changes.get("date_of_birth") and changes["date_of_birth"] > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date cannot be in the future.")})
    if (
        changes.get("is_active") is False
        and actor is not None
        and person.pk == actor.pk
    ):
        raise ValidationError(
            {"is_active": _("You cannot deactivate your own account.")}
        )
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean(exclude=["password"])
    person.save()
    return person


@transaction.atomic
def role_grant(
    *,
    unit: Unit,
    person: User,
    role: str,
    position: str = "",
    full_time: bool | None = None,
    started_on: datetime.date | None = None,
    actor: User | None,
) -> Membership:
    """Give a person a role on a unit (and so on every unit below it)."""
    unit = _locked(unit)
    _require_active(unit)
    started_on = started_on or timezone.localdate()
    check_effective_date(started_on, field="started_on")
    _check_position(role, full_time)
    active = Membership.objects.active().filter(user=person)
    if active.filter(unit=unit, role=role).exists():
        raise ValidationError({"role": _("This person already holds this role here.")})
    if role == Role.MEMBER and active.filter(role=Role.MEMBER).exists():
        raise ValidationError(
            {
                "role": _(
                    "This person is already a member of another union; end that "
                    "membership first."
                )
            }
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=person,
                unit=unit,
                role=role,
                position=nfc(position).strip(),
                full_time=full_time,
                started_on=started_on,
                granted_by=actor,
            )
    except IntegrityError:
        # Another request granted the same role a moment ago.
        raise ValidationError(
            {"role": _("This person already holds this role here.")}
        ) from None
    forget_grants(person)
    return membership


@transaction.atomic
def role_revoke(
    *, membership: Membership, actor: User | None, ended_on: datetime.date | None = None
) -> Membership:
    """End a role; the record stays as history."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("This role has already ended."))
    ended_on = ended_on or timezone.localdate()
    check_effective_date(ended_on, not_before=membership.started_on, field="ended_on")
    membership.ended_on = ended_on
    membership.ended_by = actor
    membership.save(update_fields=["ended_on", "ended_by"])
    forget_grants(membership.user)
    return membership
