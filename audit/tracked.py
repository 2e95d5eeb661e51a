"""The records the audit log follows, and how each one reaches its unit.

Every model of the project's apps is either followed here or listed in
NOT_TRACKED with the reason; a test keeps the two lists complete.
"""

from django.apps import apps

from audit.log import track
from audit.models import Action

# Models that are not followed, and why.
NOT_TRACKED = {
    # Histories of their own: they are written with the change they describe.
    "units.unitevent": "a unit's own history, written with the change",
    "initiatives.initiativeevent": "a request's own history, written with the change",
    # Work queue rows: the prints they make are documents, and mail is not a record.
    "jobs.job": "background work, not a record",
}


def _person_unit(person):
    """A person belongs to the units of their roles: the first one, in tree order."""
    from units.models import Membership

    return (
        Membership.objects.filter(user_id=person.pk, ended_on__isnull=True)
        .order_by("unit__path")
        .values_list("unit_id", flat=True)
        .first()
    )


def _membership_action(membership, created, changes):
    if created:
        return Action.ROLE_GRANTED
    if "ended_on" in changes and membership.ended_on is not None:
        return Action.ROLE_ENDED
    return None


def _import_action(batch, created, changes):
    if "status" in changes and batch.status == "applied":
        return Action.IMPORTED
    return None


def _vote_seal(vote):
    return f"initiatives.session:{vote.agenda_item.session_id}"


def _vote_label(vote):
    # Never str(vote): it says the choice.
    return f"{vote.member} — {vote.agenda_item.item}"


def _vote_action(vote, created, changes):
    return Action.VOTED


def _issued_action(document, created, changes):
    return Action.ISSUED if created else None


def session_seal(session) -> str:
    """The seal on the votes of a session, lifted when it closes."""
    return f"initiatives.session:{session.pk}"


# model label -> options of audit.log.track
TRACKED = {
    # units
    "units.user": {"unit": _person_unit, "secret": frozenset({"password"})},
    "units.unit": {"unit": "self"},
    "units.unitname": {"unit": "unit"},
    "units.membership": {"unit": "unit", "action": _membership_action},
    "units.emulationblock": {"unit": "organizer"},
    "units.emulationblockmember": {"unit": "block__organizer"},
    # Who leads a unit and who signs its documents decide what every issued
    # document prints: each change is kept.
    "units.leadership": {"unit": "unit"},
    "units.signingrule": {"unit": "unit"},
    # The rows of an import are its data, not a change: the result is kept.
    "units.importbatch": {
        "unit": "unit",
        "action": _import_action,
        "skip": frozenset({"rows", "errors", "notices"}),
    },
    # documents
    "documents.numberseries": {"unit": "unit"},
    "documents.issueddocument": {"unit": "series__unit", "action": _issued_action},
    # initiatives
    "initiatives.field": {},
    "initiatives.registration": {"unit": "unit"},
    "initiatives.idea": {"unit": "unit"},
    "initiatives.ideacomment": {"unit": "idea__unit"},
    # Confidential parts are shown only to a few people: the log says that they
    # changed, never what they say.
    "initiatives.initiative": {
        "unit": "unit",
        "secret": frozenset({"confidential_info"}),
    },
    "initiatives.author": {"unit": "initiative__unit"},
    "initiatives.attachment": {"unit": "initiative__unit"},
    "initiatives.council": {"unit": "unit"},
    "initiatives.councilmember": {"unit": "council__unit"},
    "initiatives.criterion": {"unit": "council__unit"},
    "initiatives.councilitem": {"unit": "council__unit"},
    "initiatives.recusal": {"unit": "item__council__unit"},
    "initiatives.reviewassignment": {"unit": "item__council__unit"},
    "initiatives.scoresheet": {"unit": "item__council__unit"},
    "initiatives.score": {"unit": "sheet__item__council__unit"},
    "initiatives.session": {"unit": "council__unit"},
    "initiatives.attendance": {"unit": "session__council__unit"},
    "initiatives.agendaitem": {"unit": "session__council__unit"},
    # A vote's choice stays sealed until its session closes.
    "initiatives.vote": {
        "unit": "agenda_item__session__council__unit",
        "seal": _vote_seal,
        "action": _vote_action,
        "label": _vote_label,
    },
    # goldbook
    "goldbook.goldbook": {"unit": "unit"},
    "goldbook.goldbookentry": {"unit": "book__unit"},
    "goldbook.annotation": {"unit": "entry__book__unit"},
    # awards
    "awards.movementrecord": {"unit": "unit"},
    "awards.pact": {"unit": "organizer"},
    "awards.pactsignatory": {"unit": "unit"},
    "awards.unitratinglevel": {},
    "awards.unitrating": {"unit": "unit"},
    "awards.memberrating": {"unit": "unit"},
    "awards.awardform": {},
    "awards.awardround": {"unit": "unit"},
    "awards.roundform": {"unit": "round__unit"},
    "awards.candidate": {"unit": "unit"},
    "awards.attestation": {"unit": "candidate__unit"},
    "awards.selection": {"unit": "round__unit"},
    "awards.dossier": {"unit": "round__unit"},
    "awards.candidatesummary": {"unit": "candidate__unit"},
    "awards.awarddecision": {"unit": "dossier__round__unit"},
    "awards.award": {"unit": "unit"},
}

PROJECT_APPS = ("units", "documents", "initiatives", "goldbook", "awards", "jobs")


def connect():
    for label, options in TRACKED.items():
        track(apps.get_model(label), **options)
