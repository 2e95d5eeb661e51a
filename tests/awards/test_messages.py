"""One success message per action on the round and dossier pages."""

import pytest
from django.contrib.messages import constants, get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from awards.models import AwardForm, Candidate

pytestmark = pytest.mark.django_db


def said(response) -> list:
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def test_each_round_action_says_one_thing(movement, cast, client_for):
    movement.full_year(cast.tree.a1, cast.councils.a1)
    paper = AwardForm.objects.get(name="Giấy khen")
    award_round = movement.round(cast.tree.a, actor=cast.a_staff)
    client = client_for(cast.a_staff)

    def post(name, pk, data=None):
        response = client.post(reverse(f"awards:{name}", args=[pk]), data or {})
        messages = said(response)
        assert len(messages) == 1, (name, messages)
        assert messages[0][0] == constants.SUCCESS, (name, messages)
        # The page it leads to shows the message, once.
        page = client.get(response.url).content.decode()
        assert page.count(escape(messages[0][1])) == 1, name
        return response

    post("round_add", award_round.pk, {"kind": "collective", "unit": cast.tree.a1.pk})
    post("round_suggest", award_round.pk)
    school = Candidate.objects.get(unit=cast.tree.a1, kind="collective")
    post("candidate_attest", school.pk, {"criterion": "compliance", "met": "1"})
    post("candidate_nominate", school.pk, {"award_form": paper.pk})
    post("candidate_withdraw", school.pk)
    post(
        "round_bulk",
        award_round.pk,
        {"action": "nominate", "award_form": paper.pk, "candidate": [school.pk]},
    )
    other = Candidate.objects.get(unit=cast.tree.a2, kind="collective")
    post("candidate_remove", other.pk)
    post(
        "selection",
        award_round.pk,
        {
            "held_on": timezone.localdate().strftime("%d/%m/%Y"),
            "chaired_by": "Đàm Minh Quân",
            "members_total": 9,
            "members_present": 8,
            f"votes_{school.pk}": 8,
        },
    )
    post("dossier_prepare", award_round.pk)
    post("summary_edit", school.pk, {f"c{school.pk}-text": "Thành tích."})
    response = post("dossier_issue", award_round.pk)
    dossier = award_round.dossier
    assert response.url == dossier.get_absolute_url()
    post("dossier_send", dossier.pk)
