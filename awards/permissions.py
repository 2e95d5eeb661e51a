"""Who sees and writes the movement's records, ratings and award rounds.

A unit's records are kept by its officers, emulation staff and administrators, or
by those of a unit above it (an upper union records for its grassroots unions when
they do not). A union's rating is given by the unit above it; a member's rating by
the union they belong to. A round is run by the officers and staff of its unit."""

from django.db.models import Q

from awards.lifecycle import dossier as dossier_lifecycle
from awards.models import (
    Award,
    AwardRound,
    Candidate,
    Dossier,
    MemberRating,
    MovementRecord,
    Pact,
    PactSignatory,
    UnitRating,
)
from units import access
from units.access import (
    ALL_ROLES,
    PEOPLE_ROLES,
    Policy,
    active_q,
    holds,
    holds_above,
    roles_q,
    unit_q,
)

# Officers, emulation staff and unit admins.
KEEPER_ROLES = PEOPLE_ROLES


def _active(unit) -> bool:
    return unit.is_active


class RecordPolicy(Policy):
    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, ALL_ROLES, prefix="unit__"))

    def rules(self):
        return {
            "view": lambda user, record: True,
            "edit": lambda user, record: holds(user, record.unit, KEEPER_ROLES),
        }

    def unit_rules(self):
        # Keeping a unit's records, from the first one.
        return {
            "create": lambda user, unit: (
                _active(unit) and holds(user, unit, KEEPER_ROLES)
            ),
        }


class PactPolicy(Policy):
    def visible(self, user, queryset):
        return queryset.filter(
            Q(unit_q(user, ALL_ROLES, prefix="organizer__"))
            | Q(
                pk__in=PactSignatory.objects.filter(
                    unit_q(user, ALL_ROLES, prefix="unit__")
                ).values("pact_id")
            )
        )

    def rules(self):
        return {
            "view": lambda user, pact: True,
            "edit": lambda user, pact: holds(user, pact.organizer, KEEPER_ROLES),
        }

    def unit_rules(self):
        # Organising a pact: the organiser's keepers.
        return {
            "create": lambda user, unit: (
                _active(unit) and holds(user, unit, KEEPER_ROLES)
            ),
        }


class UnitRatingPolicy(Policy):
    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, ALL_ROLES, prefix="unit__"))

    def rules(self):
        return {
            "view": lambda user, rating: True,
            # The unit above rates a union; a union does not rate itself.
            "edit": lambda user, rating: holds_above(user, rating.unit, KEEPER_ROLES),
        }

    def unit_rules(self):
        # Rating the unit: the keepers of a unit above it.
        return {
            "create": lambda user, unit: holds_above(user, unit, KEEPER_ROLES),
        }


class MemberRatingPolicy(Policy):
    def visible(self, user, queryset):
        own = Q(user=user) if user.is_authenticated else Q(pk__in=[])
        return queryset.filter(own | unit_q(user, KEEPER_ROLES, prefix="unit__"))

    def rules(self):
        return {
            "view": lambda user, rating: True,
            "edit": lambda user, rating: holds(user, rating.unit, KEEPER_ROLES),
        }

    def unit_rules(self):
        # Rating the members of the unit.
        return {"create": lambda user, unit: holds(user, unit, KEEPER_ROLES)}


class RoundPolicy(Policy):
    """Rounds and their checklists: seen by the keepers of the unit and above."""

    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, KEEPER_ROLES, prefix="unit__"))

    def rules(self):
        return {
            "view": lambda user, award_round: True,
            "run": lambda user, award_round: self._may_run(user, award_round.unit),
        }

    @staticmethod
    def _may_run(user, unit) -> bool:
        return holds(user, unit, KEEPER_ROLES) and _active(unit)

    def unit_rules(self):
        # Opening a round at the unit: those who would run it.
        return {"create": self._may_run}

    def unit_scopes(self):
        return {
            "create": lambda user, own: (
                roles_q(user, KEEPER_ROLES, own=own) & active_q()
            ),
        }


class CandidatePolicy(Policy):
    def visible(self, user, queryset):
        return queryset.filter(unit_q(user, KEEPER_ROLES, prefix="round__unit__"))

    def rules(self):
        return {
            "view": lambda user, candidate: True,
            "run": lambda user, candidate: access.can(user, "run", candidate.round),
        }


class DossierPolicy(Policy):
    """A dossier: prepared by the round's keepers; seen and answered by the
    keepers of the unit above once it has been sent."""

    def visible(self, user, queryset):
        return queryset.filter(
            unit_q(user, KEEPER_ROLES, prefix="round__unit__")
            | (
                ~Q(status__in=dossier_lifecycle.UNSENT)
                & unit_q(user, KEEPER_ROLES, prefix="addressee__")
            )
        )

    def rules(self):
        return {
            "view": lambda user, dossier: True,
            "prepare": lambda user, dossier: (
                dossier.status in dossier_lifecycle.IN_PREPARATION
                and access.can(user, "run", dossier.round)
            ),
            "answer": lambda user, dossier: (
                dossier.status in dossier_lifecycle.WITH_ADDRESSEE
                and holds(user, dossier.addressee, KEEPER_ROLES)
            ),
        }

    def scopes(self):
        return {
            "answer": lambda user: (
                Q(status__in=dossier_lifecycle.WITH_ADDRESSEE)
                & unit_q(user, KEEPER_ROLES, prefix="addressee__")
            ),
        }


class AwardPolicy(Policy):
    """An award history: seen by the awardee and by whoever sees the unit."""

    def visible(self, user, queryset):
        own = Q(person=user) if user.is_authenticated else Q(pk__in=[])
        return queryset.filter(own | unit_q(user, ALL_ROLES, prefix="unit__"))

    def rules(self):
        return {"view": lambda user, award: True}


access.register(MovementRecord, RecordPolicy())
access.register(Pact, PactPolicy())
access.register(UnitRating, UnitRatingPolicy())
access.register(MemberRating, MemberRatingPolicy())
access.register(AwardRound, RoundPolicy())
access.register(Candidate, CandidatePolicy())
access.register(Dossier, DossierPolicy())
access.register(Award, AwardPolicy())
