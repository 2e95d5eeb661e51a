"""Views of award rounds: the list, opening a round, the round's candidates with
their checklists, attesting, nominating, withdrawing and the selection meeting."""

import datetime

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from awards import services
from awards.models import (
    Attestation,
    AwardForm,
    AwardRound,
    Candidate,
    MemberRating,
    MovementRecord,
    Pact,
    PactSignatory,
    RoundForm,
    Selection,
    UnitRating,
    UnitRatingLevel,
)
from awards.services import OfferData
from tests.goldbook.conftest import Gold
from tests.initiatives.helpers import registration_for

TODAY = timezone.localdate()
YEAR = TODAY.year

# --- URLs the records pages will provide --------------------------------------
# The checklists link to records and pacts (`awards:record`, `awards:pact`),
# written by another part of the app. Until those pages exist, these tests serve
# the same names from stubs so the links can be reversed.

urlpatterns: list = []


def _stub(request, pk):
    return HttpResponse("")


def _reverses(name: str) -> bool:
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


@pytest.fixture(autouse=True)
def record_urls(settings):
    missing = [name for name in ("record", "pact") if not _reverses(f"awards:{name}")]
    if not missing:
        return
    import awards.urls
    import config.urls

    stubs = [path(f"awards/_stub/{n}/<int:pk>/", _stub, name=n) for n in missing]
    urlpatterns[:] = [
        pattern
        for pattern in config.urls.urlpatterns
        if getattr(pattern, "namespace", None) != "awards"
    ] + [path("", include((awards.urls.urlpatterns + stubs, "awards")))]
    settings.ROOT_URLCONF = __name__


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Builders -------------------------------------------------------------------


def award_form(name: str, collectives=True, individuals=True) -> AwardForm:
    form, _created = AwardForm.objects.get_or_create(
        name=name,
        defaults={"for_collectives": collectives, "for_individuals": individuals},
    )
    return form


@pytest.fixture
def giay_khen(db):
    return award_form("Giấy khen")


@pytest.fixture
def co_thi_dua(db):
    return award_form("Cờ thi đua", individuals=False)


@pytest.fixture
def award_round(cast, giay_khen, co_thi_dua):
    """CB-A's round for this year: Giấy khen with a quota of 1, Cờ thi đua."""
    return services.round_create(
        unit=cast.tree.a,
        actor=cast.a_staff,
        year=YEAR,
        title="Khen thưởng phong trào năm nay",
        deadline=TODAY + datetime.timedelta(days=30),
        offers=[OfferData(giay_khen, quota=1), OfferData(co_thi_dua)],
    )


def collective(award_round, unit, actor):
    return services.candidate_add(award_round=award_round, actor=actor, unit=unit)


def individual(award_round, person, actor):
    return services.candidate_add(award_round=award_round, actor=actor, person=person)


def make_a1_pass(cast):
    """Everything CB-A1 and its member a1_member need for the criteria, except
    the attestation of compliance."""
    a1, staff = cast.tree.a1, cast.a_staff
    for kind in (
        MovementRecord.Kind.LAUNCH,
        MovementRecord.Kind.PROPAGATION,
        MovementRecord.Kind.ANNUAL_REVIEW,
    ):
        MovementRecord.objects.create(
            unit=a1,
            year=YEAR,
            kind=kind,
            held_on=TODAY,
            title=f"Hồ sơ {kind}",
            recorded_by=staff,
        )
    pact = Pact.objects.create(
        organizer=cast.tree.a,
        year=YEAR,
        signed_on=TODAY,
        title="Giao ước thi đua khối Giáo dục",
        recorded_by=staff,
    )
    PactSignatory.objects.create(pact=pact, unit=a1, signer_name="Nông Văn An")
    registration_for(cast.a1_member, a1)
    # A recognition decided by CB-A1's council and written in its Gold Book, with
    # a1_member as the author.
    Gold(cast).entry(cast.councils.a1, filer=cast.a1_member)
    strong = UnitRatingLevel.objects.filter(is_strong=True).first()
    if strong is None:
        strong = UnitRatingLevel.objects.create(name="Vững mạnh", is_strong=True)
    UnitRating.objects.create(unit=a1, year=YEAR, level=strong, recorded_by=staff)
    MemberRating.objects.create(
        user=cast.a1_member, unit=a1, year=YEAR, grade="good", recorded_by=staff
    )


def attest_compliance(candidate, actor):
    services.attest(
        candidate=candidate,
        actor=actor,
        criterion="compliance",
        met=True,
        note="Không vi phạm.",
    )


def text(response) -> str:
    return response.content.decode()


# --- Access ---------------------------------------------------------------------

GET_VIEWS = ["round", "selection", "candidate"]
POST_VIEWS = [
    "round_suggest",
    "round_add",
    "candidate_attest",
    "candidate_nominate",
    "candidate_withdraw",
    "candidate_remove",
]


def url_for(name, award_round, candidate, cast):
    if name == "round_create":
        return reverse("awards:round_create") + f"?unit={cast.tree.a.pk}"
    if name.startswith("candidate"):
        return reverse(f"awards:{name}", args=[candidate.pk])
    return reverse(f"awards:{name}", args=[award_round.pk])


@pytest.fixture
def world(cast, award_round):
    return award_round, collective(award_round, cast.tree.a2, cast.a_staff)


@pytest.mark.parametrize("name", ["round_create", *GET_VIEWS, *POST_VIEWS])
def test_anonymous_goes_to_login(client_for, cast, world, name):
    url = url_for(name, *world, cast)
    response = client_for(None).post(url) if name in POST_VIEWS else None
    response = response or client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_index_goes_to_login(client_for, db):
    response = client_for(None).get(reverse("awards:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["outsider", "a1_member", "a1_support", "b_admin"])
@pytest.mark.parametrize("name", ["round_create", *GET_VIEWS, *POST_VIEWS])
def test_out_of_scope_is_404(client_for, cast, world, who, name):
    client = client_for(getattr(cast, who))
    url = url_for(name, *world, cast)
    response = client.post(url) if name in POST_VIEWS else client.get(url)
    assert response.status_code == 404
    assert Candidate.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["a_officer", "a_staff", "a_admin", "province_staff", "province_admin"]
)
@pytest.mark.parametrize("name", ["round_create", *GET_VIEWS])
def test_keepers_see_the_pages(client_for, cast, world, who, name):
    response = client_for(getattr(cast, who)).get(url_for(name, *world, cast))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["a_officer", "a_staff", "a_admin", "province_staff"])
@pytest.mark.parametrize("name", POST_VIEWS)
def test_keepers_run_the_round(client_for, cast, world, who, name):
    response = client_for(getattr(cast, who)).post(url_for(name, *world, cast))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("name", POST_VIEWS)
def test_post_only_views_refuse_get(client_for, cast, world, name):
    response = client_for(cast.a_staff).get(url_for(name, *world, cast))
    assert response.status_code == 405


def test_a_unit_seen_but_not_run_is_403(client_for, cast):
    # The support team sees CB-A1 but does not run its rounds.
    url = reverse("awards:round_create") + f"?unit={cast.tree.a1.pk}"
    assert client_for(cast.a1_support).get(url).status_code == 403


def test_a_round_seen_but_not_run_is_403(client_for, cast, world):
    # A dissolved unit's rounds can be read but no longer run.
    cast.tree.a.dissolved_on = TODAY
    cast.tree.a.save(update_fields=["dissolved_on"])
    client = client_for(cast.a_staff)
    assert client.get(url_for("round", *world, cast)).status_code == 200
    response = client.post(url_for("round_suggest", *world, cast))
    assert response.status_code == 403


# --- Index and opening a round ----------------------------------------------------


def test_index_lists_visible_rounds_and_where_to_open_one(client_for, cast, world):
    award_round, _candidate = world
    other = services.round_create(
        unit=cast.tree.b,
        actor=cast.b_admin,
        year=YEAR,
        title="Vòng của ngành Y tế",
        deadline=TODAY,
        offers=[OfferData(award_form("Giấy khen"))],
    )
    page = text(client_for(cast.a_staff).get(reverse("awards:index")))
    assert award_round.title in page
    assert other.title not in page
    assert f"{reverse('awards:round_create')}?unit={cast.tree.a.pk}" in page

    page = text(client_for(cast.province_staff).get(reverse("awards:index")))
    assert award_round.title in page and other.title in page

    outsider_page = client_for(cast.outsider).get(reverse("awards:index"))
    assert outsider_page.status_code == 200
    assert award_round.title not in text(outsider_page)
    assert reverse("awards:round_create") not in text(outsider_page)


def round_data(forms, **overrides):
    data = {
        "title": "Khen thưởng sáng kiến",
        "year": str(YEAR),
        "deadline": (TODAY + datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
        "selecting_body": "standing",
        "note": "",
    }
    for form, quota in forms:
        data[f"offer_{form.pk}"] = "on"
        data[f"quota_{form.pk}"] = "" if quota is None else str(quota)
    data.update(overrides)
    return data


def test_round_create_defaults_and_success(client_for, cast, giay_khen, co_thi_dua):
    client = client_for(cast.a_officer)
    url = reverse("awards:round_create") + f"?unit={cast.tree.a.pk}"
    page = client.get(url)
    assert page.context["form"]["selecting_body"].value() == "standing"
    assert giay_khen.name in text(page)
    response = client.post(url, round_data([(giay_khen, 3), (co_thi_dua, None)]))
    award_round = AwardRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == award_round.get_absolute_url()
    assert award_round.unit == cast.tree.a
    assert award_round.deadline == TODAY + datetime.timedelta(days=20)
    offers = {o.award_form_id: o.quota for o in award_round.offers.all()}
    assert offers == {giay_khen.pk: 3, co_thi_dua.pk: None}


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"offers": False}, "Offer at least one award form."),
        ({"deadline": ""}, "This field is required."),
        ({"deadline": "31/02/2030"}, "Enter a date as dd/mm/yyyy."),
        ({"quota": "0"}, "Ensure this value is greater than or equal to 1."),
    ],
)
def test_round_create_bad_input_writes_nothing(
    client_for, cast, giay_khen, overrides, message, settings
):
    settings.LANGUAGE_CODE = "en"
    client = client_for(cast.a_staff)
    url = reverse("awards:round_create") + f"?unit={cast.tree.a.pk}"
    forms = [] if overrides.pop("offers", True) is False else [(giay_khen, None)]
    data = round_data(forms, **overrides)
    if "quota" in overrides:
        data[f"quota_{giay_khen.pk}"] = overrides["quota"]
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in text(response)
    assert not AwardRound.objects.exists() and not RoundForm.objects.exists()
    # What was typed stays in the form.
    assert "Khen thưởng sáng kiến" in text(response)


# --- The round's page -------------------------------------------------------------


def test_round_page_shows_shortfalls_and_suggests(client_for, cast, award_round):
    client = client_for(cast.a_staff)
    response = client.post(reverse("awards:round_suggest", args=[award_round.pk]))
    assert response.status_code == 302
    # The unions directly below CB-A; nobody has a Gold Book entry yet.
    assert set(award_round.candidates.values_list("unit__code", flat=True)) == {
        "CB-A1",
        "CB-A2",
    }
    page = text(client.get(award_round.get_absolute_url()))
    assert cast.tree.a1.name in page and cast.tree.a2.name in page
    assert "Chưa ghi nhận việc phát động phong trào trong năm" in page
    assert "Chưa được xếp loại trong năm." in page
    assert "đã dùng 0/1 chỉ tiêu" in page


def test_round_page_suggest_flash(client_for, cast, award_round):
    client = client_for(cast.a_staff)
    response = client.post(
        reverse("awards:round_suggest", args=[award_round.pk]), follow=True
    )
    assert "Đã thêm 2 đối tượng xét chọn." in text(response)


def test_add_collective_and_individual(client_for, cast, award_round):
    client = client_for(cast.a_officer)
    url = reverse("awards:round_add", args=[award_round.pk])
    client.post(url, {"kind": "collective", "unit": cast.tree.a1.pk})
    client.post(url, {"kind": "individual", "person": cast.a1_member.pk})
    kinds = set(award_round.candidates.values_list("kind", "unit__code"))
    assert kinds == {("collective", "CB-A1"), ("individual", "CB-A1")}
    # A unit outside the choices and a person from another branch are refused.
    response = client.post(
        url, {"kind": "collective", "unit": cast.tree.b1.pk}, follow=True
    )
    assert "Vui lòng chọn đối tượng cần thêm." in text(response)
    client.post(url, {"kind": "individual", "person": cast.b1_member.pk})
    assert award_round.candidates.count() == 2
    page = text(client.get(award_round.get_absolute_url()))
    assert cast.a1_member.full_name in page


def test_people_search_shows_at_most_fifty(client_for, cast, award_round):
    from tests.factories import UserFactory, grant

    for number in range(55):
        grant(
            UserFactory(username=f"dv{number}", full_name=f"Lò Văn {number}"),
            cast.tree.a2,
        )
    client = client_for(cast.a_staff)
    response = client.get(award_round.get_absolute_url())
    assert len(response.context["people"]) == 50
    assert response.context["people_more"]
    response = client.get(award_round.get_absolute_url(), {"q": "lo van 54"})
    assert [p.username for p in response.context["people"]] == ["dv54"]
    response = client.get(award_round.get_absolute_url(), {"q": "a1_member"})
    assert [p.pk for p in response.context["people"]] == [cast.a1_member.pk]


def test_names_are_escaped(client_for, cast, award_round):
    cast.a1_member.full_name = "<script>alert(1)</script>"
    cast.a1_member.save()
    individual(award_round, cast.a1_member, cast.a_staff)
    client = client_for(cast.a_staff)
    for url in (
        award_round.get_absolute_url(),
        award_round.candidates.get().get_absolute_url(),
    ):
        page = text(client.get(url))
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Candidates: attest, nominate, withdraw, remove -------------------------------


def test_candidate_page_lists_every_criterion(client_for, cast, award_round):
    candidate = collective(award_round, cast.tree.a2, cast.a_staff)
    page = text(client_for(cast.a_staff).get(candidate.get_absolute_url()))
    assert "Phát động phong trào trong năm" in page
    assert "Chưa ghi nhận việc phát động phong trào trong năm" in page
    assert 'data-state="not_met"' in page
    # Attestable criteria get a form; the data-only ones do not.
    assert page.count(reverse("awards:candidate_attest", args=[candidate.pk])) == 3


def test_attest(client_for, cast, award_round):
    candidate = individual(award_round, cast.a1_member, cast.a_staff)
    client = client_for(cast.a_officer)
    url = reverse("awards:candidate_attest", args=[candidate.pk])
    # "Not met" needs the grounds: shown beside the field, nothing written.
    response = client.post(url, {"criterion": "compliance", "met": "0", "note": ""})
    assert response.status_code == 200
    assert "Vui lòng nêu lý do tiêu chuẩn chưa đạt." in text(response)
    assert not Attestation.objects.exists()
    # A data criterion cannot be attested.
    response = client.post(
        url, {"criterion": "rating", "met": "1", "note": "x"}, follow=True
    )
    assert "Tiêu chuẩn này được xác định từ dữ liệu trên hệ thống." in text(response)
    assert not Attestation.objects.exists()
    response = client.post(
        url, {"criterion": "compliance", "met": "1", "note": "Chấp hành tốt."}
    )
    assert response.status_code == 302
    attestation = Attestation.objects.get()
    assert attestation.met and attestation.attested_by == cast.a_officer
    page = text(client.get(candidate.get_absolute_url()))
    assert "Chấp hành tốt." in page


def test_nominate_refused_when_short(client_for, cast, award_round, giay_khen):
    candidate = collective(award_round, cast.tree.a2, cast.a_staff)
    response = client_for(cast.a_staff).post(
        reverse("awards:candidate_nominate", args=[candidate.pk]),
        {"award_form": giay_khen.pk, "achievements": "Nhiều thành tích."},
    )
    assert response.status_code == 200
    assert "Chưa đạt:" in text(response)
    assert "Chưa ghi nhận việc phát động phong trào trong năm" in text(response)
    assert "Nhiều thành tích." in text(response)
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.CANDIDATE
    assert candidate.award_form is None


def test_nominate_offers_only_forms_that_fit(client_for, cast, award_round):
    candidate = individual(award_round, cast.a1_member, cast.a_staff)
    response = client_for(cast.a_staff).get(candidate.get_absolute_url())
    choices = response.context["nominate_form"].fields["award_form"].queryset
    assert [form.name for form in choices] == ["Giấy khen"]


@pytest.fixture
def passing(cast, award_round):
    """CB-A1 and a1_member, meeting every criterion."""
    make_a1_pass(cast)
    unit = collective(award_round, cast.tree.a1, cast.a_staff)
    person = individual(award_round, cast.a1_member, cast.a_staff)
    attest_compliance(unit, cast.a_staff)
    attest_compliance(person, cast.a_staff)
    return unit, person


def test_passing_candidates_show_evidence(client_for, cast, award_round, passing):
    unit, person = passing
    client = client_for(cast.a_staff)
    page = text(client.get(award_round.get_absolute_url()))
    assert page.count("đạt tất cả tiêu chuẩn") == 2
    page = text(client.get(unit.get_absolute_url()))
    assert "Đạt tất cả các tiêu chuẩn." in page
    assert "Giao ước thi đua khối Giáo dục" in page
    assert reverse("goldbook:rollup", args=[cast.tree.a1.pk]) in page
    page = text(client.get(person.get_absolute_url()))
    assert "Mục ghi Sổ vàng số" in page


def test_nominate_quota_and_withdraw(
    client_for, cast, award_round, passing, giay_khen, co_thi_dua
):
    unit, person = passing
    client = client_for(cast.a_staff)
    nominate = "awards:candidate_nominate"
    response = client.post(
        reverse(nominate, args=[person.pk]),
        {"award_form": giay_khen.pk, "achievements": "Sáng kiến hiệu quả."},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Candidate.Status.NOMINATED
    assert person.award_form == giay_khen
    assert person.achievements == "Sáng kiến hiệu quả."
    # Giấy khen has a quota of one.
    response = client.post(
        reverse(nominate, args=[unit.pk]), {"award_form": giay_khen.pk}
    )
    assert response.status_code == 200
    assert "Đã hết chỉ tiêu (1) của hình thức khen thưởng này." in text(response)
    unit.refresh_from_db()
    assert unit.status == Candidate.Status.CANDIDATE
    page = text(client.get(award_round.get_absolute_url()))
    assert "đã dùng 1/1 chỉ tiêu" in page
    # Withdrawn, the quota is free again.
    response = client.post(reverse("awards:candidate_withdraw", args=[person.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Candidate.Status.CANDIDATE and person.award_form is None
    response = client.post(
        reverse(nominate, args=[unit.pk]), {"award_form": giay_khen.pk}
    )
    assert response.status_code == 302
    # Withdrawing what is not nominated is refused with a message.
    response = client.post(
        reverse("awards:candidate_withdraw", args=[person.pk]), follow=True
    )
    assert "Đối tượng này chưa được đề nghị khen thưởng." in text(response)


def test_remove(client_for, cast, award_round, passing, co_thi_dua):
    unit, person = passing
    client = client_for(cast.a_staff)
    services.nominate(candidate=unit, actor=cast.a_staff, award_form=co_thi_dua)
    response = client.post(
        reverse("awards:candidate_remove", args=[unit.pk]), follow=True
    )
    assert "Vui lòng rút đề nghị khen thưởng trước." in text(response)
    assert Candidate.objects.filter(pk=unit.pk).exists()
    response = client.post(reverse("awards:candidate_remove", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"] == award_round.get_absolute_url()
    assert not Candidate.objects.filter(pk=person.pk).exists()


# --- Selection --------------------------------------------------------------------


def test_selection(client_for, cast, award_round, passing, giay_khen, co_thi_dua):
    unit, person = passing
    services.nominate(candidate=unit, actor=cast.a_staff, award_form=co_thi_dua)
    services.nominate(candidate=person, actor=cast.a_staff, award_form=giay_khen)
    client = client_for(cast.a_admin)
    url = reverse("awards:selection", args=[award_round.pk])
    assert url in text(client.get(award_round.get_absolute_url()))
    data = {
        "held_on": TODAY.strftime("%d/%m/%Y"),
        "place": "Phòng họp tầng 3",
        "chaired_by": "Nông Văn Chủ",
        "members_total": "9",
        "members_present": "5",
        f"votes_{unit.pk}": "5",
        f"votes_{person.pk}": "4",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Số thành viên có mặt chưa đạt hai phần ba" in text(response)
    assert "Phòng họp tầng 3" in text(response)
    assert not Selection.objects.exists()
    unit.refresh_from_db()
    assert unit.status == Candidate.Status.NOMINATED

    data["members_present"] = "7"
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == award_round.get_absolute_url()
    unit.refresh_from_db()
    person.refresh_from_db()
    assert (unit.status, unit.votes_for) == (Candidate.Status.SELECTED, 5)
    assert (person.status, person.votes_for) == (Candidate.Status.NOT_SELECTED, 4)
    page = text(client.get(award_round.get_absolute_url()))
    assert "được xét chọn" in page and "không được xét chọn" in page
    assert "Đề xuất đối tượng xét chọn" not in page

    # Read-only afterwards; a second POST is refused.
    response = client.get(url)
    assert response.context["form"] is None
    assert "Nông Văn Chủ" in text(response) and "7 / 9" in text(response)
    assert client.post(url, data).status_code == 403
    assert Selection.objects.count() == 1


def test_selection_without_nominees_is_refused(client_for, cast, award_round):
    client = client_for(cast.a_staff)
    response = client.post(
        reverse("awards:selection", args=[award_round.pk]),
        {
            "held_on": TODAY.strftime("%d/%m/%Y"),
            "chaired_by": "Nông Văn Chủ",
            "members_total": "3",
            "members_present": "3",
        },
    )
    assert response.status_code == 200
    assert "Vui lòng đề nghị khen thưởng ít nhất một đối tượng" in text(response)
    assert not Selection.objects.exists()


# --- Query counts -----------------------------------------------------------------


def test_round_page_queries_do_not_grow(client_for, cast, award_round):
    client = client_for(cast.a_staff)
    collective(award_round, cast.tree.a1, cast.a_staff)
    first = individual(award_round, cast.a1_member, cast.a_staff)
    attest_compliance(first, cast.a_staff)
    url = award_round.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    collective(award_round, cast.tree.a2, cast.a_staff)
    for person in (cast.a1_support, cast.a_admin, cast.a_officer):
        candidate = individual(award_round, person, cast.a_staff)
        attest_compliance(candidate, cast.a_staff)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["individuals"]) == 4
    assert len(large) == len(small), [q["sql"] for q in large]
