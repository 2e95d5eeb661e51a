"""What a Gold Book says is never rewritten nor deleted: not by saving a changed
entry, not by a bulk update, not by deleting, and not through the Django admin.
Only the revocation (and the derived search key) may change, through the service.
"""

import datetime

import pytest
from django.contrib import admin
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from goldbook import services
from goldbook.models import (
    MUTABLE_ENTRY_FIELDS,
    Annotation,
    GoldBook,
    GoldBookEntry,
    PermanentRecordError,
)
from initiatives.models import Initiative

pytestmark = pytest.mark.django_db


def row(entry: GoldBookEntry) -> dict:
    return GoldBookEntry.objects.filter(pk=entry.pk).values().get()


def annotation_row(annotation: Annotation) -> dict:
    return Annotation.objects.filter(pk=annotation.pk).values().get()


@pytest.fixture
def annotation(entry, cast):
    return services.entry_annotate(
        entry=entry,
        actor=cast.a_staff,
        text="Đính chính: đơn vị áp dụng là Tổ Văn phòng.",
    )


# --- Entries -------------------------------------------------------------------------

CHANGES = [
    ("title", "Tên sáng kiến bị sửa"),
    ("number", 99),
    ("public_summary", "Lợi ích bị sửa."),
    ("authors", [{"name": "Người khác", "share": "100.00"}]),
    ("recorded_on", datetime.date(2000, 1, 1)),
    ("unit_name", "Đơn vị khác"),
]


@pytest.mark.parametrize(("field", "value"), CHANGES, ids=[c[0] for c in CHANGES])
def test_saving_a_changed_entry_is_refused(entry, field, value):
    before = row(entry)
    setattr(entry, field, value)
    with pytest.raises(PermanentRecordError):
        entry.save()
    with pytest.raises(PermanentRecordError):
        entry.save(update_fields=[field])
    with pytest.raises(PermanentRecordError):
        entry.save(update_fields=[field, "status"])
    assert row(entry) == before


def test_saving_an_entry_again_even_unchanged_is_refused(entry):
    before = row(entry)
    with pytest.raises(PermanentRecordError):
        entry.save()
    assert row(entry) == before


@pytest.mark.parametrize(("field", "value"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_bulk_update_of_what_an_entry_says_is_refused(entry, field, value):
    before = row(entry)
    with pytest.raises(PermanentRecordError):
        GoldBookEntry.objects.filter(pk=entry.pk).update(**{field: value})
    # Mixed with a field that may change, it is refused as well.
    with pytest.raises(PermanentRecordError):
        GoldBookEntry.objects.all().update(**{field: value, "status": "revoked"})
    with pytest.raises(PermanentRecordError):
        entry.book.entries.update(**{field: value})
    assert row(entry) == before


def test_bulk_update_of_entries_is_refused(entry):
    before = row(entry)
    entry.title = "Tên bị sửa hàng loạt"
    # bulk_update opens no savepoint of its own: give it one.
    with pytest.raises(PermanentRecordError), transaction.atomic():
        GoldBookEntry.objects.bulk_update([entry], ["title"])
    assert row(entry) == before


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(PermanentRecordError):
        entry.delete()
    with pytest.raises(PermanentRecordError):
        GoldBookEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermanentRecordError):
        GoldBookEntry.objects.all().delete()
    with pytest.raises(PermanentRecordError):
        entry.book.entries.all().delete()
    assert GoldBookEntry.objects.filter(pk=entry.pk).exists()


def test_what_an_entry_rests_on_cannot_be_deleted(entry):
    with pytest.raises(ProtectedError) as refused:
        GoldBook.objects.filter(pk=entry.book_id).delete()
    assert entry in refused.value.protected_objects
    with pytest.raises(ProtectedError) as refused:
        Initiative.objects.filter(pk=entry.initiative_id).delete()
    assert entry in refused.value.protected_objects
    assert GoldBookEntry.objects.filter(pk=entry.pk).exists()


def test_only_the_revocation_and_search_key_are_mutable():
    assert {
        "status",
        "revoked_on",
        "revoked_reason",
        "revoked_by",
        "revoked_by_id",
        "search_text",
    } == MUTABLE_ENTRY_FIELDS


def test_the_revocation_service_writes_the_mutable_fields(entry, cast):
    before = row(entry)
    services.entry_revoke(
        entry=entry, actor=cast.a_staff, reason="Quyết định hủy bỏ công nhận."
    )
    after = row(entry)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"status", "revoked_on", "revoked_reason", "revoked_by_id"}
    assert after["status"] == GoldBookEntry.Status.REVOKED
    assert after["revoked_on"] == timezone.localdate()


def test_a_bulk_update_of_the_mutable_fields_alone_is_allowed(entry):
    assert GoldBookEntry.objects.filter(pk=entry.pk).update(search_text="khoa") == 1
    entry.search_text = "khoa tim kiem"
    entry.save(update_fields=["search_text"])
    assert row(entry)["search_text"] == "khoa tim kiem"


# --- Annotations ---------------------------------------------------------------------


def test_an_annotation_cannot_be_edited(annotation):
    before = annotation_row(annotation)
    annotation.text = "Nội dung bị sửa."
    with pytest.raises(PermanentRecordError):
        annotation.save()
    with pytest.raises(PermanentRecordError):
        annotation.save(update_fields=["text"])
    with pytest.raises(PermanentRecordError):
        Annotation.objects.filter(pk=annotation.pk).update(text="Bị sửa hàng loạt.")
    with pytest.raises(PermanentRecordError):
        Annotation.objects.filter(pk=annotation.pk).update(
            written_on=datetime.date(2000, 1, 1)
        )
    with pytest.raises(PermanentRecordError), transaction.atomic():
        Annotation.objects.bulk_update([annotation], ["text"])
    assert annotation_row(annotation) == before


def test_an_annotation_cannot_be_deleted(annotation, entry):
    with pytest.raises(PermanentRecordError):
        annotation.delete()
    with pytest.raises(PermanentRecordError):
        Annotation.objects.filter(pk=annotation.pk).delete()
    with pytest.raises(PermanentRecordError):
        entry.annotations.all().delete()
    assert Annotation.objects.filter(pk=annotation.pk).exists()


# --- The Django admin ----------------------------------------------------------------


@pytest.fixture
def superuser_client(client, cast):
    client.force_login(cast.superuser, backend="units.backends.UsernameOrEmailBackend")
    return client


def admin_url(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_the_admin_shows_an_entry_without_a_way_to_change_it(
    superuser_client, entry, annotation
):
    response = superuser_client.get(admin_url(GoldBookEntry, "change", entry.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert entry.title in content
    assert annotation.text in content
    assert 'name="_save"' not in content
    assert 'name="_continue"' not in content
    assert 'name="_addanother"' not in content
    assert admin_url(GoldBookEntry, "delete", entry.pk) not in content
    # The annotations are shown, not editable: no inline form to fill.
    assert 'name="annotations-0-text"' not in content
    assert 'name="title"' not in content
    context = response.context
    assert context["has_change_permission"] is False
    assert context["has_delete_permission"] is False
    assert context["has_add_permission"] is False


def test_posting_to_the_admin_change_page_changes_nothing(
    superuser_client, entry, annotation
):
    before, note_before = row(entry), annotation_row(annotation)
    response = superuser_client.post(
        admin_url(GoldBookEntry, "change", entry.pk),
        {
            "title": "Tên bị sửa trong admin",
            "number": 42,
            "status": "revoked",
            "annotations-TOTAL_FORMS": "1",
            "annotations-INITIAL_FORMS": "1",
            "annotations-0-id": annotation.pk,
            "annotations-0-text": "Bị sửa trong admin.",
            "annotations-0-DELETE": "on",
            "_save": "Lưu",
        },
    )
    assert response.status_code == 403
    assert row(entry) == before
    assert annotation_row(annotation) == note_before


def test_the_admin_refuses_to_add_or_delete_entries(superuser_client, entry):
    before = row(entry)
    assert superuser_client.get(admin_url(GoldBookEntry, "add")).status_code == 403
    response = superuser_client.post(
        admin_url(GoldBookEntry, "add"), {"title": "Mục ghi thêm trong admin"}
    )
    assert response.status_code == 403
    delete = admin_url(GoldBookEntry, "delete", entry.pk)
    assert superuser_client.get(delete).status_code == 403
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert GoldBookEntry.objects.count() == 1
    assert row(entry) == before


def test_the_admin_list_has_no_delete_action(superuser_client, entry):
    changelist = admin_url(GoldBookEntry, "changelist")
    response = superuser_client.get(changelist)
    assert response.status_code == 200
    assert entry.title in response.content.decode()
    assert "delete_selected" not in response.content.decode()
    response = superuser_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert GoldBookEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_book_is_read_only(superuser_client, entry):
    book = entry.book
    change = admin_url(GoldBook, "change", book.pk)
    response = superuser_client.get(change)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert superuser_client.post(change, {"last_number": 0}).status_code == 403
    assert superuser_client.get(admin_url(GoldBook, "add")).status_code == 403
    delete = admin_url(GoldBook, "delete", book.pk)
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    book.refresh_from_db()
    assert book.last_number == 1


def test_annotations_have_no_admin_page_of_their_own(superuser_client, annotation):
    assert not admin.site.is_registered(Annotation)
    with pytest.raises(NoReverseMatch):
        admin_url(Annotation, "change", annotation.pk)
    response = superuser_client.get(admin_url(GoldBookEntry, "changelist"))
    request = response.wsgi_request
    inlines = admin.site._registry[GoldBookEntry].get_inline_instances(request)
    assert [inline.model for inline in inlines] == [Annotation]
    (inline,) = inlines
    assert not inline.has_add_permission(request, annotation.entry)
    assert not inline.has_change_permission(request, annotation.entry)
    assert not inline.has_delete_permission(request, annotation.entry)
