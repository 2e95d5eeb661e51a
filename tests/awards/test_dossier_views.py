"""The dossier's pages: who sees and answers them, the downloads, and the way up
through the forms."""

import io
import zipfile

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from awards import dossier as dossiers
from awards.models import Award, AwardForm, Dossier
from tests.initiatives.helpers import assert_login_redirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(selected_round, cast):
    award_round, _candidates, _entry = selected_round
    return dossiers.dossier_issue(award_round=award_round, actor=cast.a_staff)


def test_the_round_page_offers_to_issue_the_dossier(selected_round, cast, client_for):
    award_round, _candidates, _entry = selected_round
    client = client_for(cast.a_staff)
    page = client.get(award_round.get_absolute_url())
    assert reverse("awards:dossier_issue", args=[award_round.pk]) in page.text
    response = client.post(reverse("awards:dossier_issue", args=[award_round.pk]))
    dossier = Dossier.objects.get(round=award_round)
    assert response.url == dossier.get_absolute_url()
    assert dossier.submission is not None


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, "login"),
        ("outsider", 404),
        ("a1_member", 404),
        ("b_admin", 404),
        ("a_officer", 200),
        ("a_staff", 200),
        ("province_staff", 200),
    ],
)
def test_who_sees_a_prepared_dossier(prepared, cast, client_for, who, expected):
    client = client_for(getattr(cast, who) if who else None)
    for name in ("awards:dossier", "awards:dossier_bundle", "awards:dossier_word"):
        path = reverse(name, args=[prepared.pk])
        response = client.get(path)
        if expected == "login":
            assert_login_redirect(response, path)
        else:
            assert response.status_code == expected, (name, who)


def test_the_unit_above_sees_it_only_once_sent(prepared, cast, client_for):
    # The province's admin keeps CB (the addressee) and sees CB-A's rounds too; a
    # keeper of the addressee only is needed to tell the two apart.
    from tests.factories import UserFactory, grant
    from units.models import Role, Unit

    other = Unit.objects.get(code="CB-B")
    prepared.addressee = other
    prepared.save(update_fields=["addressee"])
    keeper = UserFactory(username="thidua_b")
    grant(keeper, other, Role.EMULATION_STAFF)
    client = client_for(keeper)
    path = reverse("awards:dossier", args=[prepared.pk])
    assert client.get(path).status_code == 404
    dossiers.dossier_send(dossier=prepared, actor=cast.a_staff)
    assert client.get(path).status_code == 200
    assert (
        client.post(reverse("awards:dossier_send", args=[prepared.pk])).status_code
        == 403
    )


def test_downloads(prepared, cast, client_for):
    client = client_for(cast.a_staff)
    bundle = client.get(reverse("awards:dossier_bundle", args=[prepared.pk]))
    assert bundle["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(bundle.content)).pages) > 4
    archive = client.get(reverse("awards:dossier_zip", args=[prepared.pk]))
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert any(n.endswith(".docx") for n in names)
    word = client.get(reverse("awards:dossier_word", args=[prepared.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "TỜ TRÌNH" in text


def test_the_way_up_through_the_forms(prepared, selected_round, cast, client_for):
    _round, candidates, _entry = selected_round
    staff = client_for(cast.a_staff)
    staff.post(reverse("awards:dossier_send", args=[prepared.pk]))
    prepared.refresh_from_db()
    assert prepared.status == Dossier.Status.SENT
    upper = client_for(cast.province_staff)
    refused = upper.post(
        reverse("awards:dossier_return", args=[prepared.pk]), {"comments": ""}
    )
    assert refused.status_code == 302
    prepared.refresh_from_db()
    assert prepared.status == Dossier.Status.SENT
    upper.post(reverse("awards:dossier_accept", args=[prepared.pk]))
    prepared.refresh_from_db()
    assert prepared.status == Dossier.Status.ACCEPTED
    form = AwardForm.objects.get(name="Giấy khen")
    bad = upper.post(
        reverse("awards:decision_create", args=[prepared.pk]),
        {"award_form": form.pk, "symbol": "", "issued_on": "", "awardees": []},
    )
    assert bad.status_code == 400
    assert not Award.objects.exists()
    done = upper.post(
        reverse("awards:decision_create", args=[prepared.pk]),
        {
            "award_form": form.pk,
            "symbol": "125/QĐ-LĐLĐ",
            "issued_on": prepared.round.selection.held_on.strftime("%d/%m/%Y"),
            "awardees": [c.pk for c in candidates],
        },
    )
    assert done.status_code == 302
    assert Award.objects.count() == 2
    history = client_for(cast.a1_member).get(
        reverse("awards:person_awards", args=[cast.a1_member.pk])
    )
    assert "125/QĐ-LĐLĐ" in history.text


def test_unit_pages_link_their_book_records_and_awards(cast, client_for):
    unit = cast.tree.a1
    page = client_for(cast.a_admin).get(unit.get_absolute_url()).text
    for url in (
        reverse("goldbook:book", args=[unit.pk]),
        reverse("awards:records") + f"?unit={unit.pk}",
        reverse("awards:unit_awards", args=[unit.pk]),
    ):
        assert f'href="{url}"' in page


def test_a_unit_award_history(prepared, selected_round, cast, client_for):
    _round, candidates, _entry = selected_round
    prepared = dossiers.dossier_send(dossier=prepared, actor=cast.a_staff)
    prepared = dossiers.dossier_accept(dossier=prepared, actor=cast.province_staff)
    dossiers.decision_record(
        dossier=prepared,
        actor=cast.province_staff,
        award_form=AwardForm.objects.get(name="Giấy khen"),
        symbol="77/QĐ-LĐLĐ",
        issued_on=prepared.round.selection.held_on,
        awardees=candidates[:1],
    )
    path = reverse("awards:unit_awards", args=[cast.tree.a1.pk])
    assert "77/QĐ-LĐLĐ" in client_for(cast.a1_member).get(path).text
    assert client_for(cast.outsider).get(path).status_code == 404
