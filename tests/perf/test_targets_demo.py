"""Target discovery on the demo data: every benchmark target and every load
journey the demo data can supply is found, and each URL found answers 200 to the
person it was found for (no server is started: Django's test client). The demo
is seeded once for the module (tests/conftest.py, demo_once).
"""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from perf import server
from perf.forms import find_form
from perf.targets import journeys, pages, signin
from units.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_once):
    return demo_once


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(
            User.objects.get(username=username),
            backend="units.backends.UsernameOrEmailBackend",
        )
    return client


def test_every_target_is_found_on_the_demo_data_and_answers(demo, settings):
    # Fifteen requests are visible to the bench user: small pages make a deep one.
    settings.PAGE_SIZE = 5
    assert server.seeded("demo")[0]
    found = pages.discover()
    keys = [t.key for t in found]
    assert keys == [
        "bare",
        "list",
        "list_filtered",
        "list_search",
        "list_deep",
        "request",
        "session",
        "goldbook",
        "honour",
        "dashboard",
        "report",
        "request_pdf",
        "dossier_bundle",
        "goldbook_print",
    ]
    missing = {t.key: t.note for t in found if not t.found}
    assert missing == {}
    for target in found:
        response = client_for(target.user).get(target.url)
        assert response.status_code == 200, (target.key, target.url)
        if target.kind in ("pdf", "print"):
            assert response["Content-Type"] == "application/pdf", target.key
    by_key = {t.key: t for t in found}
    assert by_key["bare"].user is None and by_key["honour"].user is None
    assert by_key["list"].user == pages.BENCH_USER
    assert "nominees" in by_key["dossier_bundle"].note
    # The deep page's cursor is the one the list's "Next" links lead to.
    assert by_key["list_deep"].note == "page 3 of 3"
    client = client_for(pages.BENCH_USER)
    url = "/initiatives/"
    for _page in range(2):
        page = client.get(url).context["page"]
        url = f"/initiatives/?cursor={page.next_cursor}"
    assert parse_qs(urlsplit(by_key["list_deep"].url).query)["cursor"] == [
        page.next_cursor
    ]


def test_load_plan_has_every_journey_on_the_demo_data(demo, settings):
    plan = journeys.load_plan()
    assert plan["missing"] == {}
    assert plan["readers"] and all(r["requests"] for r in plan["readers"])
    reader = plan["readers"][0]
    client = client_for(reader["user"])
    assert client.get(reader["requests"][0]).status_code == 200
    # The filer can open the real form, and what it holds is accepted.
    filer = client_for(plan["filer"]["user"])
    page = filer.get(plan["filer"]["url"])
    form = find_form(page.content.decode(), field="title")
    data = form.data(title=f"{plan['title']} 1")
    if not data.get("field"):
        data["field"] = next(v for v in form.options["field"] if v)
    since = timezone.now() - datetime.timedelta(minutes=1)
    response = filer.post(plan["filer"]["url"], data)
    assert response.status_code == 302
    # A scorer may score the item, a voter may vote (or record hands) there.
    scorer = plan["scorers"][0]
    assert client_for(scorer["user"]).get(scorer["item"]).status_code == 200
    voter = plan["voters"][0]
    assert voter["mode"] in ("ballot", "hands")
    assert client_for(voter["user"]).get(voter["session"]).status_code == 200
    # Each account of the plan is signed in through sessions the harness made
    # and removes afterwards.
    keys = journeys.add_sessions(plan, per_account=2)
    assert set(plan["sessions"]) == journeys.plan_users(plan)
    username, (key, _other) = next(iter(plan["sessions"].items()))
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"].username == username
    signin.forget_sessions(keys)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not client.get("/").context["user"].is_authenticated
    # The drafts the simulated members filed are removed at the end.
    assert journeys.remove_load_drafts([plan["filer"]["user"]], since) == 1
