"""Ideas members post to their union's support team, and an idea turned into a
draft request."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import nfc
from initiatives.models import Idea, IdeaComment, Initiative
from initiatives.services.requests import HUNDRED, AuthorData, initiative_create
from units import access
from units.mail import send_templated
from units.models import Unit, User


@transaction.atomic
def idea_create(*, actor: User, unit: Unit, title: str, description: str) -> Idea:
    """Post an idea to the support team of the author's union."""
    if not access.holds(actor, unit, access.ALL_ROLES):
        raise ValidationError(
            {"unit": _("You can only post to a union you belong to.")}
        )
    idea = Idea(unit=unit, author=actor, title=title, description=description)
    idea.full_clean(exclude=["search_text"])
    idea.save()
    coaches = _coach_emails(unit)
    send_templated("idea_posted", {"idea": idea}, coaches)
    return idea


def _coach_emails(unit: Unit) -> list[str]:
    from units.models import Membership, Role

    ancestors = unit.ancestor_paths(include_self=True)
    return list(
        Membership.objects.active()
        .filter(role=Role.SUPPORT_TEAM, unit__path__in=ancestors)
        .values_list("user__email", flat=True)
    )


@transaction.atomic
def idea_comment(*, idea: Idea, actor: User, text: str) -> IdeaComment:
    text = nfc(text).strip()
    if not text:
        raise ValidationError({"text": _("Write a comment.")})
    current = Idea.objects.select_for_update().get(pk=idea.pk)
    if current.status != Idea.Status.OPEN:
        raise ValidationError(_("This idea is closed to comments."))
    comment = IdeaComment.objects.create(idea=current, author=actor, text=text)
    if actor.pk != current.author_id:
        send_templated(
            "idea_commented",
            {"idea": current, "comment": comment},
            [current.author.email],
        )
    return comment


@transaction.atomic
def idea_close(*, idea: Idea, actor: User) -> Idea:
    current = Idea.objects.select_for_update().get(pk=idea.pk)
    if current.status != Idea.Status.OPEN:
        raise ValidationError(_("This idea is already closed."))
    current.status = Idea.Status.CLOSED
    current.save(update_fields=["status", "updated_at"])
    return current


@transaction.atomic
def idea_to_request(*, idea: Idea, actor: User) -> Initiative:
    """Turn an idea into a draft request in one step, keeping the link."""
    current = Idea.objects.select_for_update().get(pk=idea.pk)
    if current.status != Idea.Status.OPEN:
        raise ValidationError(_("Only an open idea can become a request."))
    author = AuthorData(
        full_name=actor.full_name or actor.username,
        share=HUNDRED,
        user=actor,
        date_of_birth=actor.date_of_birth,
        workplace=current.unit.name,
        qualification=actor.qualification,
    )
    initiative = initiative_create(
        actor=actor,
        unit=current.unit,
        recognizing_unit=current.unit,
        authors=[author],
        year=timezone.localdate().year,
        title=current.title,
        essence=current.description,
    )
    current.initiative = initiative
    current.status = Idea.Status.BECAME_REQUEST
    current.save(update_fields=["initiative", "status", "updated_at"])
    return initiative
