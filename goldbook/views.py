"""Views of the Gold Books for people signed in: a unit's book, the roll-up of a
subtree with totals, entries, proposals to confirm, prints and a person's entries.
The public honour roll is in `goldbook.public`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.text import whole_number
from goldbook import print_job, printing, selectors, services
from goldbook.forms import (
    AnnotationForm,
    EntryConfirmForm,
    RevokeForm,
    RollupFilterForm,
)
from goldbook.models import GoldBook, GoldBookEntry
from initiatives.models import CouncilItem
from jobs import prints
from jobs.models import Job
from jobs.views import print_in_background
from units import access
from units.forms import run_service
from units.models import Unit, User
from units.selectors import top_units_for_user
from units.steps import flash_errors


def _book(request, unit_pk, action="view") -> GoldBook:
    """The unit's book (empty and not saved before its first entry); 404
    outside the user's scope."""
    unit = access.get_for_user(request.user, Unit, "view", pk=unit_pk)
    book = selectors.book_of(unit)
    if not access.can(request.user, action, book):
        raise PermissionDenied
    return book


def _entry(request, pk, action="view") -> GoldBookEntry:
    return access.get_for_user(
        request.user,
        GoldBookEntry.objects.select_related("book__unit", "decision", "initiative"),
        action,
        pk=pk,
    )


def _year(request) -> int | None:
    year = whole_number(request.GET.get("year"))
    return year if year is not None and 1990 <= year <= 2100 else None


@login_required
@require_GET
def book_list(request):
    """The books the user can see that have entries, and the ones they keep."""
    user = request.user
    units = access.visible(user, Unit)
    books = (
        GoldBook.objects.filter(unit__in=units)
        .annotate(entry_count=Count("entries"))
        .filter(entry_count__gt=0)
        .select_related("unit")
        .order_by("unit__path")
    )
    page = Paginator(books, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    kept = access.units_for(user, "write", GoldBook, own=True).order_by("path")
    waiting = selectors.waiting_for(user).select_related(
        "initiative", "council__unit", "decision"
    )
    return render(
        request,
        "goldbook/book_list.html",
        {
            "page": page,
            "kept": kept,
            "waiting": waiting.order_by("decided_on", "id")[:20],
            "waiting_count": waiting.count(),
            "tops": top_units_for_user(user),
        },
    )


@login_required
@require_GET
def book_detail(request, unit_pk):
    book = _book(request, unit_pk)
    year = _year(request)
    entries = selectors.book_entries(book, year=year)
    page = Paginator(entries, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    can_write = access.can(request.user, "write", book)
    return render(
        request,
        "goldbook/book_detail.html",
        {
            "book": book,
            "unit": book.unit,
            "year": year,
            "years": selectors.book_years(book),
            "page": page,
            "can_write": can_write,
            "proposals": selectors.proposals_for(book.unit) if can_write else [],
        },
    )


@login_required
@require_GET
def rollup(request, unit_pk):
    book = _book(request, unit_pk)
    unit = book.unit
    form = RollupFilterForm(
        request.GET or None,
        units=Unit.objects.filter(path__startswith=unit.path).order_by("path"),
        fields=selectors.honour_field_choices(),
    )
    filters = form.filters()
    entries = selectors.rollup(unit, filters)
    page = Paginator(entries, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "goldbook/rollup.html",
        {
            "unit": unit,
            "form": form,
            "page": page,
            "totals": selectors.totals(unit, filters),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def book_print(request, unit_pk):
    """The book as PDF; a long one is offered to the background worker."""
    book = _book(request, unit_pk)
    year = _year(request)
    pages = print_job.estimated_pages(book, year)
    if prints.in_background(pages):
        return print_in_background(
            request,
            kind=Job.Kind.GOLDBOOK_PRINT,
            arguments=print_job.arguments(book, year),
            title=print_job.title(book, year),
            pages=pages,
        )
    printed = print_job.render(book, year)
    response = HttpResponse(printed.data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, printed.name)
    return response


@login_required
@require_GET
def book_export(request, unit_pk):
    book = _book(request, unit_pk)
    year = _year(request)
    response = HttpResponse(
        printing.book_xlsx(book, selectors.book_entries(book, year=year)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"so-vang-sang-kien-{book.unit.code}-{year or 'tat-ca'}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def entry_confirm(request, item_pk):
    """Staff write a proposed entry: a recognition of their unit's council."""
    councils_units = access.units_for(request.user, "write", GoldBook)
    item = (
        CouncilItem.objects.select_related("initiative", "council__unit", "decision")
        .filter(pk=item_pk, council__unit__in=councils_units)
        .first()
    )
    if item is None:
        # Not a recognition of a unit the user keeps the book of.
        visible = access.visible(request.user, CouncilItem).filter(pk=item_pk)
        if visible.exists():
            raise PermissionDenied
        raise Http404
    book = selectors.book_of(item.council.unit)
    if not access.can(request.user, "write", book):
        raise PermissionDenied
    initiative = item.initiative
    form = EntryConfirmForm(
        request.POST or None,
        item=item,
        initial={"public_summary": initiative.benefits_author[:3000]},
    )
    if request.method == "POST" and form.is_valid():
        entry = run_service(
            form,
            lambda: services.entry_confirm(
                item=item, actor=request.user, **form.cleaned_data
            ),
        )
        if entry:
            messages.success(
                request,
                _("Entry no. %(number)d was written in the Gold Book.")
                % {"number": entry.number},
            )
            return redirect(entry)
    return render(
        request,
        "goldbook/entry_confirm.html",
        {"form": form, "item": item, "initiative": initiative, "book": book},
    )


@login_required
@require_GET
def entry_detail(request, pk):
    entry = _entry(request, pk)
    user = request.user
    can_annotate = access.can(user, "annotate", entry)
    can_revoke = access.can(user, "revoke", entry)
    return render(
        request,
        "goldbook/entry_detail.html",
        {
            "entry": entry,
            "annotations": entry.annotations.select_related("written_by"),
            "annotation_form": AnnotationForm() if can_annotate else None,
            "revoke_form": RevokeForm(initial={"revoked_on": timezone.localdate()})
            if can_revoke
            else None,
            "initiative_visible": access.visible(user, type(entry.initiative))
            .filter(pk=entry.initiative_id)
            .exists(),
        },
    )


@login_required
@require_POST
def entry_annotate(request, pk):
    entry = _entry(request, pk, "annotate")
    form = AnnotationForm(request.POST)
    if form.is_valid():
        services.entry_annotate(entry=entry, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The annotation was added."))
    else:
        messages.error(request, _("Write the correction or note."))
    return redirect(entry)


@login_required
@require_POST
def entry_revoke(request, pk):
    entry = _entry(request, pk, "revoke")
    form = RevokeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(entry)
    try:
        services.entry_revoke(entry=entry, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request, _("The entry is marked revoked; it stays in the book.")
        )
    return redirect(entry)


@login_required
@require_GET
def person_entries(request, user_pk):
    person = access.get_for_user(request.user, User, "view", pk=user_pk)
    entries = selectors.person_entries(request.user, person)
    return render(
        request,
        "goldbook/person_entries.html",
        {"person": person, "entries": entries},
    )
