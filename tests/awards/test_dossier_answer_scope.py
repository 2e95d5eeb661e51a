"""The dossiers one may answer, as one filter: the same answer as the rule for
each dossier, and only once the dossier has been sent up."""

import pytest

from awards import dossier as dossiers
from awards.models import Dossier
from units import access

pytestmark = pytest.mark.django_db

PEOPLE = [
    "superuser",
    "province_admin",
    "province_staff",
    "a_admin",
    "a_staff",
    "a_officer",
    "a1_member",
    "b_admin",
    "outsider",
]


def answerable(user) -> set[int]:
    return set(access.objects_for(user, "answer", Dossier).values_list("pk", flat=True))


def allowed_one_by_one(user) -> set[int]:
    return {
        dossier.pk
        for dossier in access.visible(user, Dossier)
        if access.can(user, "answer", dossier)
    }


def test_the_addressees_keepers_answer_once_it_is_sent(selected_round, cast):
    award_round, _candidates, _entry = selected_round
    prepared = dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)
    assert prepared.addressee == cast.tree.province
    for who in PEOPLE:
        assert answerable(getattr(cast, who)) == set(), who
    dossiers.dossier_send(dossier=prepared, actor=cast.a_staff)
    expected = {"superuser", "province_admin", "province_staff"}
    for who in PEOPLE:
        user = getattr(cast, who)
        mine = {prepared.pk} if who in expected else set()
        assert answerable(user) == mine, who
        assert allowed_one_by_one(user) == mine, who
