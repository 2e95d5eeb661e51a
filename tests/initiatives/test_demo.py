"""The initiatives part of the demo data: every state of a request, and idempotent."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from initiatives.models import (
    Attachment,
    Author,
    Idea,
    IdeaComment,
    Initiative,
    InitiativeEvent,
    Registration,
)
from initiatives.services import missing_for_submission
from units.models import User

pytestmark = pytest.mark.django_db

ZALO = "Đổi mới phương pháp tuyên truyền pháp luật lao động qua nhóm Zalo tổ công đoàn"


@pytest.fixture
def demo(demo_once):
    return demo_once


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("initiatives").get_models()
    }


def state() -> list[tuple]:
    return list(
        Initiative.objects.order_by("title").values_list(
            "title", "status", "version", "accepted_on", "search_text"
        )
    )


def test_seed_demo_twice_changes_nothing_in_initiatives(demo):
    first, requests = counts(), state()
    assert first["initiatives.Initiative"] >= 6
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == first
    assert state() == requests
    line = re.search(r"Demo data, initiatives: (.*) created\.", out.getvalue())
    assert line is not None
    counts_said = re.findall(r"(\d+) \w+", line.group(1))
    assert counts_said and set(counts_said) == {"0"}


def test_the_demo_mails_nobody(demo):
    assert demo.mail == []


def test_the_demo_has_a_request_in_every_state(demo):
    statuses = set(Initiative.objects.values_list("status", flat=True))
    assert statuses >= {s.value for s in Initiative.Status}
    resubmitted = Initiative.objects.filter(
        events__action=InitiativeEvent.Action.RESUBMITTED
    ).get()
    assert resubmitted.status == Initiative.Status.SUBMITTED
    assert list(resubmitted.events.values_list("action", flat=True)) == [
        "created",
        "attached",
        "attached",
        "submitted",
        "returned",
        "resubmitted",
    ]
    accepted = Initiative.objects.get(status=Initiative.Status.ACCEPTED)
    assert accepted.accepted_on is not None
    assert accepted.due_on is not None
    returned = Initiative.objects.get(status=Initiative.Status.RETURNED)
    assert returned.events.last().note
    for initiative in Initiative.objects.exclude(status=Initiative.Status.DRAFT):
        if initiative.status != Initiative.Status.WITHDRAWN:
            assert missing_for_submission(initiative) == [], initiative.title


def test_the_demo_has_co_authors_and_files(demo):
    typed = Author.objects.filter(user__isnull=True)
    assert typed.exists()
    several = [i for i in Initiative.objects.all() if i.authors.count() > 1]
    assert len(several) >= 2
    for initiative in several:
        assert sum(a.share for a in initiative.authors.all()) == 100
    assert Attachment.objects.exists()
    for attachment in Attachment.objects.all():
        assert attachment.file.storage.exists(attachment.file.name)
        assert attachment.size == attachment.file.size


def test_the_demo_has_registrations_linked_and_not(demo):
    assert Registration.objects.filter(initiative__isnull=True).exists()
    assert Registration.objects.filter(initiative__isnull=False).exists()


def test_the_demo_has_ideas_with_comments(demo):
    assert Idea.objects.count() >= 2
    commented = IdeaComment.objects.values_list("idea", flat=True)
    assert Idea.objects.filter(pk__in=commented).exists()
    comment = IdeaComment.objects.select_related("idea").first()
    assert comment.author != comment.idea.author


@pytest.mark.parametrize("query", ["tuyen truyen", "TUYÊN TRUYỀN", "zalo"])
def test_accent_free_search_finds_the_zalo_request(demo, query):
    client = Client()
    client.force_login(User.objects.get(username="canbo.thptchuyen"))
    response = client.get(reverse("initiatives:list"), {"q": query})
    titles = [i.title for i in response.context["page"].object_list]
    assert titles == [ZALO]
