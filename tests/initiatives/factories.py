"""Helpers that build registrations, ideas and recognition requests for the tests.

Requests are made through `initiatives.services`, so that their history, search
text and authors are exactly as the application makes them.
"""

import datetime
import io
import warnings
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from PIL import Image

from documents.models import IssuedDocument
from initiatives import services
from initiatives.models import Field, Initiative, Scope, Status
from initiatives.services import AuthorData
from tests.factories import UserFactory, grant
from units.models import Role, Unit, User

FORM_DATE = "%d/%m/%Y"


class UntranslatedWarning(UserWarning):
    """A user-facing message that has no Vietnamese translation yet."""


def vietnamese(message) -> str:
    """Return the message as a Vietnamese user reads it.

    `message` is a callable that builds the message (so that it is built with the
    language active) or a lazy string. When the Vietnamese text is the English one,
    the catalogue lacks it: the test goes on, and the message is reported as an
    `UntranslatedWarning` in pytest's warnings summary.
    """
    build = message if callable(message) else (lambda: str(message))
    with override("vi"):
        vi = str(build())
    with override("en"):
        en = str(build())
    if vi == en:
        warnings.warn(f"untranslated: {en!r}", UntranslatedWarning, stacklevel=2)
    return vi


def field_message(field, value) -> str:
    """Return the first message a form field gives for the value."""
    try:
        field.clean(value)
    except ValidationError as error:
        return error.messages[0]
    raise AssertionError(f"{value!r} was accepted by {field!r}")


def person(username: str, unit: Unit | None = None, role: str = Role.MEMBER, **extra):
    """Create a user with one role (a plain membership by default)."""
    user = UserFactory(username=username, **extra)
    if unit is not None:
        grant(user, unit, role)
    return user


def first_field() -> Field:
    return Field.objects.order_by("position").first()


def author_data(user: User | None = None, share="100", **extra) -> AuthorData:
    """An author for the services: a registered person or (without user) a typed one."""
    if user is not None:
        extra.setdefault("full_name", user.full_name)
        extra.setdefault("date_of_birth", user.date_of_birth)
    return AuthorData(user=user, share=Decimal(str(share)), **extra)


def request_fields(**overrides) -> dict:
    """Data of a request complete enough to be submitted."""
    today = timezone.localdate()
    data = {
        "year": today.year,
        "title": "Sổ tay điện tử hướng dẫn chế độ cho đoàn viên",
        "kind": Initiative.Kind.INITIATIVE,
        "field": first_field(),
        "field_other": "",
        "investor": "",
        "state_funded": False,
        "first_applied_on": datetime.date(today.year - 1, 3, 15),
        "essence": "Biên soạn sổ tay dạng trang web, có mẫu giấy tờ và thời hạn.",
        "confidential_info": "Mật khẩu trang quản trị.",
        "conditions": "Có điện thoại thông minh.",
        "application_place": "Trường THPT Chuyên",
        "application_people": "Tổ Văn phòng",
        "benefits_author": "Rút ngắn thời gian làm hồ sơ từ 10 ngày xuống 3 ngày.",
        "benefits_confirmation": "",
        "level": Scope.GRASSROOTS,
        "period_start": datetime.date(today.year - 1, 1, 1),
        "period_end": datetime.date(today.year - 1, 12, 31),
    }
    data.update(overrides)
    return data


def make_request(
    author_user: User,
    unit: Unit,
    recognizing_unit: Unit | None = None,
    *,
    authors: list[AuthorData] | None = None,
    registration=None,
    **overrides,
) -> Initiative:
    """Create a draft request filed by `author_user` through the service."""
    if authors is None:
        authors = [author_data(author_user)]
    return services.initiative_create(
        actor=author_user,
        unit=unit,
        recognizing_unit=recognizing_unit or unit,
        authors=authors,
        registration=registration,
        **request_fields(**overrides),
    )


def ensure_council(unit, year: int):
    """The unit's initiative council for the year, set up if missing."""
    from initiatives.models import Council
    from initiatives.services import councils

    return Council.objects.filter(unit=unit, year=year).first() or (
        councils.council_create(unit=unit, year=year, actor=None)
    )


# States a council reaches; these tests of the request's own steps put a request
# there directly (the council's path is tested in tests/initiatives/councils).
COUNCIL_STATES = {
    Status.UNDER_REVIEW,
    Status.DEFERRED,
    Status.RECOGNISED,
    Status.NOT_RECOGNISED,
}


def move_to(initiative: Initiative, state: str, *, author: User, intake: User):
    """Take a fresh draft to the given state through the services.

    "withdrawn" is withdrawn after it was submitted; "withdrawn_draft" is a draft
    withdrawn before anyone else saw it.
    """
    if state == Status.DRAFT:
        return initiative
    if state == "withdrawn_draft":
        return services.initiative_withdraw(initiative=initiative, actor=author)
    initiative = services.initiative_submit(initiative=initiative, actor=author)
    if state == Status.WITHDRAWN:
        return services.initiative_withdraw(initiative=initiative, actor=author)
    if state == Status.RETURNED:
        return services.initiative_return(
            initiative=initiative, actor=intake, reason="Bổ sung số liệu."
        )
    if state == Status.ACCEPTED or state in COUNCIL_STATES:
        initiative = services.initiative_accept(initiative=initiative, actor=intake)
    if state in COUNCIL_STATES:
        Initiative.objects.filter(pk=initiative.pk).update(status=state)
        initiative.refresh_from_db()
    return initiative


def _date(value) -> str:
    if isinstance(value, datetime.date):
        return value.strftime(FORM_DATE)
    return value or ""


def author_row(
    user: User | None = None,
    share="100",
    *,
    full_name: str = "",
    date_of_birth="",
    workplace: str = "Trường THPT Chuyên",
    position: str = "Giáo viên",
    qualification: str = "Cử nhân",
    person: str | None = None,
) -> dict:
    """One row of the authors table, as typed in the page."""
    return {
        "person": person if person is not None else (user.username if user else ""),
        "full_name": full_name or (user.full_name if user else ""),
        "date_of_birth": _date(date_of_birth),
        "workplace": workplace,
        "position": position,
        "qualification": qualification,
        "share": str(share),
    }


def form_data(
    unit: Unit,
    recognizing_unit: Unit | None = None,
    authors: list[dict] | None = None,
    *,
    version: int | None = None,
    extra_rows: int = 1,
    **overrides,
) -> dict:
    """POST data of the request form: every field, and the authors formset."""
    fields = request_fields()
    data = {
        "unit": str(unit.pk),
        "recognizing_unit": str((recognizing_unit or unit).pk),
        "year": str(fields["year"]),
        "title": fields["title"],
        "kind": fields["kind"],
        "field": str(fields["field"].pk),
        "field_other": "",
        "level": fields["level"],
        "investor": "Quỹ xã hội của trường",
        "first_applied_on": _date(fields["first_applied_on"]),
        "period_start": _date(fields["period_start"]),
        "period_end": _date(fields["period_end"]),
        "essence": fields["essence"],
        "confidential_info": fields["confidential_info"],
        "conditions": fields["conditions"],
        "application_place": fields["application_place"],
        "application_people": fields["application_people"],
        "benefits_author": fields["benefits_author"],
        "benefits_confirmation": "Nhà trường xác nhận đã áp dụng.",
        "version": "" if version is None else str(version),
    }
    data.update({name: _date(value) for name, value in overrides.items()})
    rows = list(authors or [])
    rows += [author_row(workplace="", position="", qualification="", share="")] * (
        extra_rows
    )
    data.update(
        {
            "authors-TOTAL_FORMS": str(len(rows)),
            "authors-INITIAL_FORMS": "0",
            "authors-MIN_NUM_FORMS": "0",
            "authors-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        data.update({f"authors-{index}-{name}": value for name, value in row.items()})
    return data


def signed_in(user: User) -> Client:
    """Return a new test client signed in as the user (several may be in use)."""
    client = Client()
    client.force_login(user)
    return client


def receipts_of(initiative: Initiative):
    """The documents issued about the request (its receipt, once accepted)."""
    return IssuedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Initiative),
        object_id=initiative.pk,
    )


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def attempt(client: Client, action: str, initiative: Initiative) -> tuple[int, str]:
    """Try a step's page ("edit", "submit", "withdraw", "return", "accept") as this
    client; undo whatever it did. Return the status code and the request's status
    right after."""
    url = reverse(f"initiatives:{action}", args=[initiative.pk])
    with transaction.atomic():
        if action == "edit":
            response = client.get(url)
        else:
            response = client.post(url, {"reason": "Cần bổ sung số liệu."})
        status = Initiative.objects.get(pk=initiative.pk).status
        transaction.set_rollback(True)
    return response.status_code, status
