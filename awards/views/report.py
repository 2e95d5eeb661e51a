"""The movement report (page, PDF, Excel), the units behind its gaps, and the
list of awards its "awarded" numbers link to."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from awards import report as movement
from awards.forms.report import AwardFilterForm
from awards.models import Award
from awards.report_outputs import page_charts, report_pdf, report_xlsx
from core.text import whole_number
from initiatives.selectors.requests import subtree_q
from units import access
from units.models import Unit, UnitKind

FIRST_YEAR = 1990
# Units offered in the report's unit list; the units below are reached from
# the report's table, one level at a time.
UNIT_CHOICES_LIMIT = 300


def _year(request) -> int:
    year = whole_number(request.GET.get("year"))
    this_year = timezone.localdate().year
    if year is not None and FIRST_YEAR <= year <= this_year + 1:
        return year
    return this_year


def default_report_unit(user) -> Unit | None:
    """The highest unit whose report the user may read."""
    return access.objects_for(user, "view_report", Unit).order_by("path").first()


def _report_unit(request) -> Unit:
    """The unit asked for (404 outside the user's scope, 403 without a role that
    reads reports), or the user's own highest unit."""
    value = request.GET.get("unit", "")
    if value:
        pk = whole_number(value)
        if pk is None:
            raise Http404
        return access.get_for_user(request.user, Unit, "view_report", pk=pk)
    unit = default_report_unit(request.user)
    if unit is None:
        raise PermissionDenied
    return unit


def _unit_choices(user, current: Unit) -> list[Unit]:
    units = list(
        access.objects_for(user, "view_report", Unit)
        .exclude(kind=UnitKind.GRASSROOTS)
        .order_by("path")[:UNIT_CHOICES_LIMIT]
    )
    if current not in units:
        units.append(current)
    return units


def _ancestors(unit: Unit, choices: list[Unit]) -> list[Unit]:
    """The units above whose reports the user may read, for the breadcrumbs:
    they are among the units offered in the unit list."""
    paths = set(unit.ancestor_paths())
    return [choice for choice in choices if choice.path in paths]


@login_required
@require_GET
def report(request):
    unit = _report_unit(request)
    year = _year(request)
    result = movement.movement_report(unit, year)
    this_year = timezone.localdate().year
    choices = _unit_choices(request.user, unit)
    return render(
        request,
        "awards/report/report.html",
        {
            "report": result,
            "unit": unit,
            "year": year,
            "charts": page_charts(result),
            "steps": [(step, movement.STEP_LABELS[step]) for step in movement.STEPS],
            "unit_choices": choices,
            "year_choices": range(this_year + 1, this_year - 10, -1),
            "above": _ancestors(unit, choices),
            "query": f"unit={unit.pk}&year={year}",
        },
    )


def _file_name(unit: Unit, year: int, extension: str) -> str:
    return f"bao-cao-phong-trao-{unit.code}-{year}.{extension}"


@login_required
@require_GET
def report_pdf_view(request):
    unit = _report_unit(request)
    year = _year(request)
    response = HttpResponse(
        report_pdf(movement.movement_report(unit, year)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _file_name(unit, year, "pdf")
    )
    return response


@login_required
@require_GET
def report_xlsx_view(request):
    unit = _report_unit(request)
    year = _year(request)
    response = HttpResponse(
        report_xlsx(movement.movement_report(unit, year)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(
        True, _file_name(unit, year, "xlsx")
    )
    return response


@login_required
@require_GET
def report_gaps(request):
    unit = _report_unit(request)
    year = _year(request)
    gap = request.GET.get("gap", "")
    if gap not in movement.GAPS:
        raise Http404
    units = movement.gap_units(unit, year, gap)
    page = Paginator(units, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/report/gaps.html",
        {
            "unit": unit,
            "year": year,
            "gap": gap,
            "gap_label": movement.GAP_LABELS[gap],
            "page": page,
            "report_url": movement.report_url(unit, year),
        },
    )


@login_required
@require_GET
def awarded(request):
    """Awards given to the units and people the user can see, filtered."""
    form = AwardFilterForm(
        request.GET or None,
        units=access.visible(request.user, Unit).order_by("path"),
    )
    filters = form.filters()
    awards = access.visible(request.user, Award)
    if filters.get("unit"):
        awards = awards.filter(subtree_q(filters["unit"], filters.get("direct")))
    if filters.get("year"):
        awards = awards.filter(year=filters["year"])
    if filters.get("subject") == AwardFilterForm.PEOPLE:
        awards = awards.filter(person__isnull=False)
    elif filters.get("subject") == AwardFilterForm.UNITS:
        awards = awards.filter(person__isnull=True)
    awards = awards.select_related("unit", "person", "award_form", "decision")
    page = Paginator(awards.order_by("-year", "-id"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "awards/report/awarded.html", {"form": form, "page": page})


urlpatterns = [
    path("awards/report/", report, name="report"),
    path("awards/report/report.pdf", report_pdf_view, name="report_pdf"),
    path("awards/report/report.xlsx", report_xlsx_view, name="report_xlsx"),
    path("awards/report/gaps/", report_gaps, name="report_gaps"),
    path("awards/awarded/", awarded, name="awarded"),
]
