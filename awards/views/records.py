"""Views of the movement's records (launches, propagation, reviews, inspections,
pacts) and of the ratings of unions and members."""

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from awards import imports_ratings, services
from awards.forms.records import (
    NOT_RATED,
    PactForm,
    RatingRowForm,
    RatingsImportForm,
    RecordForm,
    SignatoryFormSet,
    grade_choices,
    signatory_units,
)
from awards.imports_ratings import members_in_year, rated_units, save_all
from awards.models import (
    MemberRating,
    MovementRecord,
    Pact,
    PactSignatory,
    UnitRating,
    UnitRatingLevel,
)
from core.text import whole_number
from units import access
from units.forms import run_service
from units.models import Unit
from units.selectors import top_units_for_user

FIRST_YEAR, LAST_YEAR = 1990, 2100
PICKER_LIMIT = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Fetching for this user -------------------------------------------------------


def _unit(request, pk) -> Unit:
    """The unit if the user may see it; 404 otherwise."""
    return access.get_for_user(request.user, Unit, "view", pk=pk)


def _unit_from_query(request) -> Unit:
    """The unit named by ?unit=, or the user's top unit; 404 when there is none."""
    value = request.GET.get("unit", "")
    if value:
        pk = whole_number(value)
        if pk is None:
            raise Http404
        return _unit(request, pk)
    tops = top_units_for_user(request.user)
    if not tops:
        raise Http404
    return tops[0]


def _year(request) -> int:
    year = whole_number(request.GET.get("year"))
    if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
        return year
    return timezone.localdate().year


def _may_keep_records(user, unit: Unit) -> bool:
    return access.can_create(user, MovementRecord, unit)


def _may_organise_pacts(user, unit: Unit) -> bool:
    return access.can_create(user, Pact, unit)


def _may_rate_members(user, unit: Unit) -> bool:
    return access.can_create(user, MemberRating, unit)


def _with_query(name: str, *args, **query) -> str:
    return f"{reverse(name, args=args)}?{urlencode(query)}"


# --- The movement's records ---------------------------------------------------------


def _picker_units(user, unit: Unit) -> list[Unit]:
    """The units offered in the picker: the visible ones near the top of the
    user's scope, and the unit shown."""
    tops = top_units_for_user(user)
    depth = min((top.depth for top in tops), default=unit.depth)
    units = list(
        access.visible(user, Unit.objects.active())
        .filter(depth__lte=depth + 2)
        .order_by("path")[:PICKER_LIMIT]
    )
    if unit not in units:
        units.append(unit)
        units.sort(key=lambda u: u.path)
    for option in units:
        option.indent = "· " * max(option.depth - depth, 0)
    return units


@login_required
@require_GET
def records(request):
    """What a unit did for the movement in a year."""
    user = request.user
    unit = _unit_from_query(request)
    year = _year(request)
    rows = list(
        access.visible(user, MovementRecord)
        .filter(unit=unit, year=year)
        .select_related("inspected_unit")
    )
    sections = [
        (
            _("Launch and propagation"),
            [MovementRecord.Kind.LAUNCH, MovementRecord.Kind.PROPAGATION],
        ),
        (
            _("Interim and annual reviews"),
            [MovementRecord.Kind.INTERIM_REVIEW, MovementRecord.Kind.ANNUAL_REVIEW],
        ),
        (_("Inspections made"), [MovementRecord.Kind.INSPECTION]),
    ]
    pacts = (
        access.visible(user, Pact)
        .filter(year=year)
        .filter(
            Q(organizer=unit)
            | Q(pk__in=PactSignatory.objects.filter(unit=unit).values("pact_id"))
        )
        .select_related("organizer", "block")
        .prefetch_related("signatories__unit")
    )
    this_year = timezone.localdate().year
    years = sorted({*range(this_year - 9, this_year + 1), year}, reverse=True)
    return render(
        request,
        "awards/records/records.html",
        {
            "unit": unit,
            "year": year,
            "years": years,
            "units": _picker_units(user, unit),
            "sections": [
                SimpleNamespace(
                    title=title,
                    kinds=kinds,
                    records=[r for r in rows if r.kind in kinds],
                )
                for title, kinds in sections
            ],
            "pacts": list(pacts),
            "can_record": _may_keep_records(user, unit),
            "can_organise": _may_organise_pacts(user, unit),
            "can_see_members": access.can(user, "view_people", unit),
            "can_import": _may_rate_members(user, unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request):
    user = request.user
    unit = _unit_from_query(request)
    if not _may_keep_records(user, unit):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    initial = {
        "kind": kind if kind in MovementRecord.Kind.values else "",
        "year": _year(request),
    }
    form = RecordForm(
        request.POST or None, request.FILES or None, unit=unit, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = run_service(
            form,
            lambda: services.record_create(
                unit=unit,
                actor=user,
                kind=data["kind"],
                year=data["year"],
                held_on=data["held_on"],
                title=data["title"],
                summary=data["summary"],
                inspected_unit=data["inspected_unit"],
                upload=data["file"],
            ),
        )
        if record:
            messages.success(
                request,
                _("%(kind)s was recorded.")
                % {"kind": record.get_kind_display().capitalize()},
            )
            return redirect(record)
    return render(
        request, "awards/records/record_form.html", {"form": form, "unit": unit}
    )


def _record(request, pk) -> MovementRecord:
    return access.get_for_user(
        request.user,
        MovementRecord.objects.select_related("unit", "inspected_unit", "recorded_by"),
        "view",
        pk=pk,
    )


@login_required
@require_GET
def record_detail(request, pk):
    record = _record(request, pk)
    return render(
        request,
        "awards/records/record_detail.html",
        {"record": record, "unit": record.unit},
    )


def _file_response(obj):
    if not obj.file:
        raise Http404
    try:
        handle = obj.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=obj.file_name)


@login_required
@require_GET
def record_file(request, pk):
    return _file_response(_record(request, pk))


# --- Pacts --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pact_create(request):
    user = request.user
    unit = _unit_from_query(request)
    if not _may_organise_pacts(user, unit):
        raise PermissionDenied
    posted = request.method == "POST"
    form = PactForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        unit=unit,
        initial={"year": _year(request)},
    )
    formset = SignatoryFormSet(
        request.POST if posted else None,
        prefix="signatories",
        units=signatory_units(unit),
    )
    if posted and form.is_valid() & formset.is_valid():
        data = form.cleaned_data
        signatories = [
            services.SignatoryData(
                unit=row.cleaned_data["unit"],
                signer_name=row.cleaned_data["signer_name"],
                signer_position=row.cleaned_data["signer_position"],
            )
            for row in formset.forms
            if row.cleaned_data.get("unit") is not None
        ]
        pact = run_service(
            form,
            lambda: services.pact_create(
                organizer=unit,
                actor=user,
                year=data["year"],
                signed_on=data["signed_on"],
                title=data["title"],
                content=data["content"],
                block=data["block"],
                signatories=signatories,
                upload=data["file"],
            ),
        )
        if pact:
            messages.success(request, _("The emulation pact was recorded."))
            return redirect(pact)
    return render(
        request,
        "awards/records/pact_form.html",
        {"form": form, "formset": formset, "unit": unit},
    )


def _pact(request, pk) -> Pact:
    return access.get_for_user(
        request.user,
        Pact.objects.select_related("organizer", "block", "recorded_by"),
        "view",
        pk=pk,
    )


@login_required
@require_GET
def pact_detail(request, pk):
    pact = _pact(request, pk)
    return render(
        request,
        "awards/records/pact_detail.html",
        {
            "pact": pact,
            "unit": pact.organizer,
            "signatories": pact.signatories.select_related("unit"),
        },
    )


@login_required
@require_GET
def pact_file(request, pk):
    return _file_response(_pact(request, pk))


# --- Ratings ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def unit_ratings(request, unit_pk):
    """The unions directly below the unit with their rating for the year."""
    user = request.user
    unit = _unit(request, unit_pk)
    year = _year(request)
    children = list(rated_units(unit))
    can_edit = bool(children) and all(
        access.can_create(user, UnitRating, child) for child in children
    )
    posted = request.method == "POST"
    if posted and not can_edit:
        raise PermissionDenied
    current = {
        rating.unit_id: rating
        for rating in access.visible(user, UnitRating)
        .filter(unit__in=children, year=year)
        .select_related("level")
    }
    levels = {
        str(level.pk): level for level in UnitRatingLevel.objects.filter(is_active=True)
    }
    choices = [(pk, level.name) for pk, level in levels.items()]
    rows = []
    for child in children:
        rating = current.get(child.pk)
        row_choices = [NOT_RATED, *choices] if rating is None else list(choices)
        if rating is not None and str(rating.level_id) not in levels:
            row_choices.append((str(rating.level_id), rating.level.name))
        form = RatingRowForm(
            request.POST if posted else None,
            prefix=f"u{child.pk}",
            choices=row_choices,
            initial={"value": str(rating.level_id) if rating else ""},
        )
        if not can_edit:
            form.fields["value"].disabled = True
        rows.append(SimpleNamespace(unit=child, rating=rating, form=form, errors=[]))
    if posted:
        valid = [row.form.is_valid() for row in rows]
        if all(valid):
            calls = []
            for row in rows:
                value = row.form.cleaned_data["value"]
                unchanged = row.rating is not None and value == str(row.rating.level_id)
                if value and not unchanged:
                    calls.append(
                        (
                            row.unit.pk,
                            lambda row=row, level=levels[value]: (
                                services.unit_rating_set(
                                    unit=row.unit, year=year, level=level, actor=user
                                )
                            ),
                        )
                    )
            errors = save_all(calls)
            for row in rows:
                row.errors = errors.get(row.unit.pk, [])
            if not errors:
                messages.success(
                    request,
                    _("The ratings for %(year)d were saved.") % {"year": year},
                )
                return redirect(_with_query("awards:unit_ratings", unit.pk, year=year))
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
    return render(
        request,
        "awards/records/unit_ratings.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "can_edit": can_edit,
            "can_see_members": access.can(user, "view_people", unit),
            "can_import": unit.is_active and _may_rate_members(user, unit),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_ratings(request, unit_pk):
    """The members of the union in the year with their rating, a page at a time."""
    user = request.user
    unit = _unit(request, unit_pk)
    if not access.can(user, "view_people", unit):
        raise PermissionDenied
    year = _year(request)
    can_edit = _may_rate_members(user, unit)
    posted = request.method == "POST"
    if posted and not can_edit:
        raise PermissionDenied
    page = Paginator(members_in_year(unit, year), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    people = list(page.object_list)
    current = {
        rating.user_id: rating
        for rating in MemberRating.objects.filter(
            user__in=people, year=year
        ).select_related("unit")
    }
    rows = []
    for person in people:
        rating = current.get(person.pk)
        elsewhere = rating is not None and rating.unit_id != unit.pk
        form = RatingRowForm(
            request.POST if posted else None,
            prefix=f"m{person.pk}",
            choices=grade_choices(blank=rating is None),
            initial={"value": rating.grade if rating else ""},
        )
        if elsewhere or not can_edit:
            form.fields["value"].disabled = True
        rows.append(
            SimpleNamespace(
                person=person,
                rating=rating,
                elsewhere=elsewhere,
                form=form,
                errors=[],
            )
        )
    if posted:
        valid = [row.form.is_valid() for row in rows]
        if all(valid):
            calls = []
            for row in rows:
                value = row.form.cleaned_data["value"]
                unchanged = row.rating is not None and value == row.rating.grade
                if value and not unchanged and not row.elsewhere:
                    calls.append(
                        (
                            row.person.pk,
                            lambda row=row, value=value: services.member_rating_set(
                                user=row.person,
                                unit=unit,
                                year=year,
                                grade=value,
                                actor=user,
                            ),
                        )
                    )
            errors = save_all(calls)
            for row in rows:
                row.errors = errors.get(row.person.pk, [])
            if not errors:
                messages.success(
                    request,
                    _("The ratings for %(year)d were saved.") % {"year": year},
                )
                return redirect(
                    _with_query(
                        "awards:member_ratings", unit.pk, year=year, page=page.number
                    )
                )
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
    return render(
        request,
        "awards/records/member_ratings.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "page": page,
            "can_edit": can_edit,
        },
    )


def _importer_unit(request, unit_pk) -> Unit:
    unit = _unit(request, unit_pk)
    if not (unit.is_active and _may_rate_members(request.user, unit)):
        raise PermissionDenied
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def ratings_import(request, unit_pk):
    """Check a workbook of ratings row by row, then write all rows or none."""
    unit = _importer_unit(request, unit_pk)
    year = _year(request)
    form = RatingsImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"year": year, "kind": request.GET.get("kind", "units")},
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
        outcome = imports_ratings.ratings_import(
            unit=unit,
            kind=kind,
            year=year,
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
        if not outcome.problems:
            messages.success(
                request,
                _("The import is done: %(count)d ratings were saved.")
                % {"count": outcome.applied},
            )
            name = "awards:unit_ratings" if kind == "units" else "awards:member_ratings"
            return redirect(_with_query(name, unit.pk, year=year))
        problems = outcome.problems
        messages.error(request, _("Nothing was imported: correct the file and retry."))
    return render(
        request,
        "awards/records/ratings_import.html",
        {"unit": unit, "year": year, "form": form, "problems": problems},
    )


@login_required
@require_GET
def ratings_template(request, unit_pk, kind):
    """A workbook to fill in: the unions below or the members, with their ratings."""
    if kind not in imports_ratings.KINDS:
        raise Http404
    unit = _importer_unit(request, unit_pk)
    year = _year(request)
    content = imports_ratings.template_bytes(unit=unit, kind=kind, year=year)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    what = "don-vi" if kind == "units" else "doan-vien"
    name = f"xep-loai-{what}-{unit.code}-{year}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


urlpatterns = [
    path("awards/records/", records, name="records"),
    path("awards/records/new/", record_create, name="record_create"),
    path("awards/records/<int:pk>/", record_detail, name="record"),
    path("awards/records/<int:pk>/file/", record_file, name="record_file"),
    path("awards/pacts/new/", pact_create, name="pact_create"),
    path("awards/pacts/<int:pk>/", pact_detail, name="pact"),
    path("awards/pacts/<int:pk>/file/", pact_file, name="pact_file"),
    path("awards/ratings/units/<int:unit_pk>/", unit_ratings, name="unit_ratings"),
    path(
        "awards/ratings/members/<int:unit_pk>/", member_ratings, name="member_ratings"
    ),
    path("awards/ratings/import/<int:unit_pk>/", ratings_import, name="ratings_import"),
    path(
        "awards/ratings/import/<int:unit_pk>/template/<str:kind>/",
        ratings_template,
        name="ratings_template",
    ),
]
