"""Searches and uploads that come too fast are refused with 429 and a message."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from initiatives.models import Attachment
from tests.initiatives.helpers import PDF_FILE, make_request


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.SEARCH_RATE_LIMIT = 3
    settings.UPLOAD_RATE_LIMIT = 2
    cache.clear()
    yield
    cache.clear()


def search(client, q="sang kien", path=None):
    return client.get(path or reverse("initiatives:list"), {"q": q})


def test_searches_over_the_limit_are_refused_until_the_minute_is_over(cast, client_for):
    client = client_for(cast.a1_member)
    for _search in range(3):
        assert search(client).status_code == 200
    refused = search(client)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    with translation.override("vi"):
        message = ngettext(
            "You have searched many times in a short time. Please try again in "
            "%(seconds)s second.",
            "You have searched many times in a short time. Please try again in "
            "%(seconds)s seconds.",
            wait,
        ) % {"seconds": wait}
    assert message in refused.content.decode()
    # Pages without a search are not counted or refused.
    assert client.get(reverse("initiatives:list")).status_code == 200
    # Someone else still searches.
    assert search(client_for(cast.b1_member)).status_code == 200


def test_the_public_search_is_limited_per_address(db, client):
    path = reverse("goldbook:honour")
    for _search in range(3):
        assert search(client, path=path).status_code == 200
    assert search(client, path=path).status_code == 429
    other = client.get(path, {"q": "x"}, REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 200


def test_uploads_over_the_limit_are_refused_and_nothing_is_stored(cast, client_for):
    initiative = make_request(cast.a1_member, unit=cast.tree.a1)
    client = client_for(cast.a1_member)
    url = reverse("initiatives:attachment_upload", args=[initiative.pk])

    def upload(name):
        return client.post(
            url,
            {
                "file": SimpleUploadedFile(name, PDF_FILE, "application/pdf"),
                "purpose": Attachment.Purpose.EVIDENCE,
            },
        )

    assert upload("a.pdf").status_code == 302
    assert upload("b.pdf").status_code == 302
    refused = upload("c.pdf")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 3600
    assert sorted(initiative.attachments.values_list("original_name", flat=True)) == [
        "a.pdf",
        "b.pdf",
    ]
