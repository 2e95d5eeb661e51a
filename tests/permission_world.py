"""The world of the permission matrix: one of everything the URLs point at, in
CB-A1 (a grassroots union) under CB-A (an upper-level union), and a person for
every role the matrix asks about."""

from types import SimpleNamespace

from django.utils import timezone

from awards import dossier as dossiers
from documents.models import IssuedDocument
from goldbook.models import GoldBookEntry
from initiatives.models import Attachment
from jobs.models import Job
from jobs.services import job_enqueue
from tests.awards.conftest import Movement, select_round
from tests.initiatives import council_world
from tests.initiatives.helpers import (
    attach,
    idea_for,
    make_request,
    registration_for,
)
from tests.units.import_helpers import check, csv_bytes, person_row
from units import services as unit_services
from units.leadership import Leadership, Position
from units.models import ImportBatch, Membership, Role

# The roles of the matrix, in the order of its columns.
ROLES = (
    "anonymous",
    "outsider",
    "member",
    "officer",
    "support_team",
    "council_member",
    "recused_member",
    "emulation_staff",
    "parent_admin",
    "sibling_admin",
)


def _award_round(movement, cast):
    """CB-A's award round (tests/awards/conftest.py), with a dossier issued."""
    award_round, candidates, _entry = select_round(movement, cast)
    dossier = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    return award_round, candidates, dossier


def build(cast) -> SimpleNamespace:
    world = council_world.build(cast)
    tree = cast.tree
    people = world.people
    member = people["creator"]  # a member of CB-A1 and the author of its requests
    world.roles = {
        "anonymous": None,
        "outsider": cast.outsider,
        "member": member,
        "officer": cast.a_officer,
        "support_team": cast.a1_support,
        "council_member": people["member"],
        "recused_member": people["recused"],
        "emulation_staff": cast.a_staff,
        "parent_admin": cast.a_admin,
        "sibling_admin": cast.b_admin,
    }
    assert tuple(world.roles) == ROLES

    # Requests' satellites: a draft with a file, a registration, an idea.
    world.draft = make_request(member, unit=tree.a1, recognizing_unit=tree.a)
    world.attachment = attach(world.draft, member)
    assert isinstance(world.attachment, Attachment)
    world.registration = registration_for(member, tree.a1)
    world.idea = idea_for(member, tree.a1)

    # Units: a block, an import waiting to be applied, a role to revoke.
    world.unit = tree.a1
    world.unit_a = tree.a
    world.person = member
    world.block = unit_services.block_create(
        organizer=tree.a,
        year=timezone.localdate().year,
        name="Khối thi đua số 1",
        actor=cast.a_staff,
    )
    world.block_member = unit_services.block_member_set(
        block=world.block, unit=tree.a1, role="member", actor=cast.a_staff
    )
    world.batch = check(
        tree.a1,
        ImportBatch.Kind.PEOPLE,
        csv_bytes([person_row("CB-A1", "Lò Văn Mới", email="moi@truong.vn")]),
        cast.a_admin,
        name="nguoi.csv",
    )
    world.membership = Membership.objects.get(
        user=cast.a1_support, unit=tree.a1, role=Role.SUPPORT_TEAM
    )

    # Gold Book and awards (in CB-A1's book; CB-A's round and dossier).
    movement = Movement(cast)
    world.award_round, world.candidates, world.dossier = _award_round(movement, cast)
    world.candidate = world.candidates[0]
    # The round recorded the chairs of CB-A and CB-A1; CB-A1's is the term.
    world.leadership_term = Leadership.objects.get(
        unit=tree.a1, position=Position.CHAIR, ended_on=None
    )
    world.entry = GoldBookEntry.objects.filter(book__unit=tree.a1).first()
    world.waiting = movement.gold.recognised(cast.councils.a1)
    world.document = world.entry.decision or IssuedDocument.objects.first()
    from awards.models import MovementRecord, Pact

    world.record = MovementRecord.objects.filter(unit=tree.a1).first()
    world.pact = Pact.objects.first()
    world.job = job_enqueue(
        kind=Job.Kind.GOLDBOOK_PRINT,
        arguments={"unit": tree.a.pk},
        owner=cast.a_staff,
        title="Sổ vàng",
    )
    return world
