"""The public honour roll (/honour/): entries in force, their public fields only,
with search, filters, a page per entry for sharing, and an Atom feed."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from goldbook import selectors
from goldbook.forms import EntryFilterForm
from goldbook.models import Annotation, GoldBookEntry
from initiatives.printing import SCOPE_TEXT
from units.pagination import keyset_page


@require_GET
@cache_control(public=True, max_age=300)
def honour_list(request):
    form = EntryFilterForm(
        request.GET or None,
        units=selectors.honour_units(),
        fields=selectors.honour_field_choices(),
    )
    entries = selectors.public_entries(form.filters())
    page = keyset_page(
        entries, ("-recorded_on", "-id"), request.GET.get("cursor"), settings.PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "goldbook/honour_list.html",
        {
            "form": form,
            "page": page,
            "total": entries.count(),
            "query": query.urlencode(),
        },
    )


@require_GET
@cache_control(public=True, max_age=300)
def honour_entry(request, pk):
    try:
        entry = selectors.public_entries({}).get(pk=pk)
    except (GoldBookEntry.DoesNotExist, ValueError):
        raise Http404 from None
    return render(
        request,
        "goldbook/honour_entry.html",
        {
            "entry": entry,
            "scope_text": SCOPE_TEXT.get(entry.scope, ""),
            "corrections": entry.annotations.filter(kind=Annotation.Kind.CORRECTION),
            "page_url": request.build_absolute_uri(entry.get_public_url()),
            "image_url": request.build_absolute_uri(settings.STATIC_URL + "img/og.png"),
        },
    )


class HonourFeed(Feed):
    """The latest entries of the honour roll, for the federation's website."""

    feed_type = Atom1Feed
    title = "Sáng kiến Công đoàn — Vinh danh sáng kiến"
    subtitle = "Các sáng kiến được công nhận và ghi vào Sổ vàng sáng kiến."

    def link(self):
        return reverse("goldbook:honour")

    def items(self):
        return selectors.public_entries({}).order_by("-recorded_on", "-id")[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom readers take the summary as HTML: the text is escaped.
        return escape(f"{item.author_names} — {item.unit_name}. {item.public_summary}")

    def item_link(self, item):
        return item.get_public_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.recorded_on, time(8, 0)))

    def item_updateddate(self, item):
        # Entries never change; annotations are shown on the entry's page.
        return self.item_pubdate(item)

    def item_author_name(self, item):
        return item.author_names


honour_feed = require_GET(cache_control(public=True, max_age=300)(HonourFeed()))
