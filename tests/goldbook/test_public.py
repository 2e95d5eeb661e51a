"""The public honour roll, as an anonymous visitor finds it: the list with search,
filters and keyset pages, a page per entry with its sharing tags, the Atom feed,
and the latest entries on the home page. Only entries in force, only their public
fields: nothing confidential, no evidence, no internal note ever shows, and text
typed by people is escaped everywhere.
"""

import datetime
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from goldbook import services
from goldbook.models import GoldBookEntry
from initiatives.models import CouncilItem, Field
from initiatives.printing import SCOPE_TEXT
from tests.factories import UserFactory
from tests.goldbook.conftest import EVIDENCE, issue_decision
from tests.initiatives.factories import vietnamese
from tests.initiatives.helpers import href_to, pagination_hrefs

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'


def vi(message: str, **values) -> str:
    return vietnamese(lambda: gettext(message) % values if values else gettext(message))


def main_html(response) -> str:
    content = response.content.decode()
    start = content.index("<main")
    return content[start : content.index("</main>", start)]


def text_of(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def main_text(response) -> str:
    return text_of(main_html(response))


def articles(response) -> list[str]:
    """The text of each entry card of the honour roll, in order."""
    return [
        text_of(card)
        for card in re.findall(
            r"<article[^>]*>(.*?)</article>", main_html(response), re.S
        )
    ]


def listed(response) -> list[int]:
    return [entry.pk for entry in response.context["page"].object_list]


def atom(response) -> ET.Element:
    """The feed as XML; it declares no DTD or entity, so the parser expands none."""
    assert b"<!DOCTYPE" not in response.content
    assert b"<!ENTITY" not in response.content
    return ET.fromstring(response.content)  # noqa: S314 (our own feed, checked above)


class MetaTags(HTMLParser):
    """The <meta property/name …> tags and the canonical link of a page."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: dict[str, list[str]] = {}
        self.canonical = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.tags.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")

    def one(self, key: str) -> str:
        values = self.tags.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]


def honoured(
    gold,
    council,
    *,
    title: str,
    summary: str,
    evidence: str = EVIDENCE,
    decided_on: datetime.date | None = None,
    **request,
) -> GoldBookEntry:
    """A recognition of the council written in its unit's book; the request's
    other fields may be set (e.g. confidential_info)."""
    item = gold.recognised(council, decision=False, title=title, **request)
    if decided_on is not None:
        CouncilItem.objects.filter(pk=item.pk).update(decided_on=decided_on)
        item.refresh_from_db()
    issue_decision(item)
    return services.entry_confirm(
        item=item,
        actor=gold.keeper(item.council),
        public_summary=summary,
        application_evidence=evidence,
        recorded_on=decided_on,
    )


@pytest.fixture
def roll(gold, cast):
    """Four entries in force at four councils, one revoked, one annotated."""
    councils = cast.councils
    one, two = Field.objects.order_by("position")[:2]
    last_year = datetime.date(TODAY.year - 1, 12, 5)
    entries = SimpleNamespace(
        fund=honoured(
            gold,
            councils.a,
            title="Quỹ tương trợ đoàn viên khó khăn",
            summary="Hỗ trợ kịp thời 120 đoàn viên có hoàn cảnh khó khăn.",
            field=one,
        ),
        library=honoured(
            gold,
            councils.a1,
            title="Thư viện số của Trường THPT Chuyên",
            summary="Học sinh mượn sách qua mạng, tiết kiệm 30 giờ mỗi tháng.",
            field=two,
            decided_on=last_year,
        ),
        clinic=honoured(
            gold,
            councils.b,
            title="Đặt lịch khám sức khoẻ định kỳ qua điện thoại",
            summary="Người lao động không phải xếp hàng chờ khám.",
            field=one,
        ),
        portal=honoured(
            gold,
            councils.province,
            title="Cổng thông tin điện tử Liên đoàn Lao động tỉnh",
            summary="Đoàn viên tra cứu chế độ mọi lúc.",
            field=two,
            filer=UserFactory(username="be_van_cong", full_name="Bế Văn Cổng"),
        ),
        revoked=honoured(
            gold,
            councils.a2,
            title="Phần mềm chấm công đã bị huỷ công nhận",
            summary="Nội dung không còn được công nhận.",
            field=one,
        ),
    )
    services.entry_revoke(
        entry=entries.revoked, actor=cast.a_staff, reason="Quyết định huỷ bỏ số 03."
    )
    entries.active = [entries.fund, entries.library, entries.clinic, entries.portal]
    entries.fields = (one.name, two.name)
    return entries


# --- The list -----------------------------------------------------------------------


def test_the_honour_roll_lists_the_entries_in_force(roll, client):
    response = client.get(reverse("goldbook:honour"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    # Newest first: by the day written, then by the latest written.
    assert listed(response) == [
        roll.portal.pk,
        roll.clinic.pk,
        roll.fund.pk,
        roll.library.pk,
    ]
    cards = articles(response)
    assert len(cards) == 4
    for entry, card in zip(
        [roll.portal, roll.clinic, roll.fund, roll.library], cards, strict=True
    ):
        for shown in (
            entry.title,
            entry.author_names,
            entry.unit_name,
            str(entry.year),
            entry.field_name,
            vietnamese(lambda e=entry: str(e.get_scope_display())),
            entry.public_summary,
        ):
            assert shown in card, (entry.title, shown)
    assert roll.library.year == TODAY.year - 1
    text = main_text(response)
    assert roll.revoked.title not in text
    assert roll.revoked.public_summary not in text
    assert (
        vietnamese(
            lambda: (
                ngettext("%(counter)s initiative", "%(counter)s initiatives", 4)
                % {"counter": 4}
            )
        )
        in text
    )
    links = re.findall(r'href="([^"]+)"', main_html(response))
    for entry in roll.active:
        assert entry.get_public_url() in links
    # Nothing of the signed-in application is linked from the public page.
    assert not [link for link in links if link.startswith("/goldbook/")]
    assert roll.revoked.get_public_url() not in links


def test_search_ignores_accents_and_case(roll, client, subtests):
    cases = {
        "quy tuong tro": [roll.fund.pk],
        "QUỸ TƯƠNG TRỢ": [roll.fund.pk],
        "Quỹ tương trợ": [roll.fund.pk],
        "thu vien so": [roll.library.pk],
        # The summary, the authors and the unit are searched too.
        "xep hang cho kham": [roll.clinic.pk],
        "be van cong": [roll.portal.pk],
        "lien doan lao dong tinh": [roll.portal.pk],
        # Revoked entries are never found.
        "cham cong": [],
        "khong co tu nay": [],
    }
    for query, expected in cases.items():
        with subtests.test(query=query):
            response = client.get(reverse("goldbook:honour"), {"q": query})
            assert response.status_code == 200
            assert sorted(listed(response)) == sorted(expected)
            if not expected:
                assert vi("No initiative matches this search.") in main_text(response)


def test_filters(roll, client, cast, subtests):
    one, two = roll.fields
    cases = {
        "unit with units below": (
            {"unit": cast.tree.a.pk},
            [roll.fund.pk, roll.library.pk],
        ),
        "grassroots unit": ({"unit": cast.tree.a1.pk}, [roll.library.pk]),
        "year": ({"year": TODAY.year - 1}, [roll.library.pk]),
        "field": ({"field": two}, [roll.portal.pk, roll.library.pk]),
        "scope": ({"scope": "upper"}, [roll.fund.pk, roll.clinic.pk]),
        "province scope": ({"scope": "province"}, [roll.portal.pk]),
        "combined": (
            {"field": one, "year": TODAY.year},
            [roll.fund.pk, roll.clinic.pk],
        ),
        "search and unit": ({"q": "so", "unit": cast.tree.a1.pk}, [roll.library.pk]),
        # A bad value drops its own filter only.
        "bad year": (
            {"year": "hai nghìn", "field": one},
            [roll.fund.pk, roll.clinic.pk],
        ),
        "unknown unit": ({"unit": 987654}, [e.pk for e in roll.active]),
    }
    for label, (query, expected) in cases.items():
        with subtests.test(label):
            response = client.get(reverse("goldbook:honour"), query)
            assert response.status_code == 200
            assert sorted(listed(response)) == sorted(expected)
            assert response.context["total"] == len(expected)
    # The unit filter offers the units with entries in force, not the others.
    response = client.get(reverse("goldbook:honour"))
    offered = set(response.context["form"].fields["unit"].queryset)
    assert offered == {
        cast.tree.a,
        cast.tree.a1,
        cast.tree.b,
        cast.tree.province,
    }
    assert set(response.context["form"].fields["field"].choices) == {
        ("", vi("all")),
        (one, one),
        (two, two),
    }


def test_keyset_pages_have_no_duplicates_or_gaps(gold, cast, client, settings):
    settings.PAGE_SIZE = 2
    councils = [cast.councils.a, cast.councils.b, cast.councils.a1, cast.councils.p1]
    days = [TODAY, TODAY - datetime.timedelta(days=40), TODAY, None]
    entries = []
    for number in range(7):
        day = days[number % len(days)]
        entries.append(
            honoured(
                gold,
                councils[number % len(councils)],
                title=f"Sáng kiến vinh danh số {number + 1}",
                summary=f"Lợi ích số {number + 1}.",
                decided_on=day if day != TODAY else None,
            )
        )
    expected = [
        entry.pk
        for entry in sorted(entries, key=lambda e: (e.recorded_on, e.pk), reverse=True)
    ]
    path = reverse("goldbook:honour")
    response = client.get(path, {"q": "sang kien vinh danh"})
    pages = [listed(response)]
    forward = [response]
    while response.context["page"].has_next:
        link = href_to(response, response.context["page"].next_cursor)
        # The search stays in the link.
        assert "q=sang+kien+vinh+danh" in link
        response = client.get(path + link)
        assert response.status_code == 200
        pages.append(listed(response))
        forward.append(response)
    assert [len(page) for page in pages] == [2, 2, 2, 1]
    assert [pk for page in pages for pk in page] == expected
    assert response.context["total"] == 7
    # And back again, page by page.
    back = [listed(response)]
    while response.context["page"].has_previous:
        response = client.get(
            path + href_to(response, response.context["page"].previous_cursor)
        )
        back.append(listed(response))
    assert back == list(reversed(pages))
    assert not response.context["page"].has_previous
    # A cursor edited by hand starts again from the first page.
    response = client.get(
        path, {"q": "sang kien vinh danh", "cursor": "%%%not-a-cursor"}
    )
    assert response.status_code == 200
    assert listed(response) == pages[0]
    assert pagination_hrefs(forward[0])  # the first page has a next link


# --- An entry's page ----------------------------------------------------------------


def test_an_entry_page_shows_the_public_fields(roll, client):
    entry = roll.library
    response = client.get(entry.get_public_url())
    assert response.status_code == 200
    text = main_text(response)
    for shown in (
        entry.title,
        entry.unit_name,
        str(entry.year),
        entry.field_name,
        SCOPE_TEXT[entry.scope],
        entry.public_summary,
        entry.book.unit.name,
        entry.recorded_on.strftime("%d/%m/%Y"),
    ):
        assert shown in text, shown
    for author in entry.authors:
        assert author["name"] in text
    # What the entry says inside the application only.
    assert entry.application_evidence not in response.content.decode()
    assert entry.decision.symbol not in text


def test_revoked_and_unknown_entries_are_not_found(roll, client):
    assert client.get(roll.revoked.get_public_url()).status_code == 404
    assert (
        client.get(reverse("goldbook:honour_entry", args=[987654])).status_code == 404
    )
    # The feed and the home page leave it out as well.
    assert (
        roll.revoked.title
        not in client.get(reverse("goldbook:honour_feed")).content.decode()
    )
    assert roll.revoked.title not in client.get(reverse("home")).content.decode()


def test_open_graph_tags(gold, cast, client):
    title = f'Sổ tay "bỏ túi" & {SCRIPT}'
    summary = f"Giảm giấy tờ {IMAGE} cho đoàn viên."
    entry = honoured(gold, cast.councils.a, title=title, summary=summary)
    response = client.get(entry.get_public_url())
    assert response.status_code == 200
    content = response.content.decode()
    head = content[: content.index("</head>")]
    tags = MetaTags(head)
    page_url = f"http://testserver{entry.get_public_url()}"
    assert tags.one("og:title") == title
    assert tags.one("og:type") == "article"
    assert tags.one("og:url") == page_url
    assert tags.canonical == page_url
    description = tags.one("og:description")
    assert entry.author_names in description
    assert entry.unit_name in description
    assert summary in description
    assert summary in tags.one("description")
    image = tags.one("og:image")
    assert image.startswith("http://testserver/")
    assert client.get(image.removeprefix("http://testserver")).status_code == 200
    # The attribute values are escaped: nothing breaks out of them.
    assert SCRIPT not in content
    assert "<img src=x" not in content
    assert 'content="Sổ tay &quot;bỏ túi&quot; &amp; &lt;script&gt;' in head


def test_public_corrections_are_shown_and_internal_notes_never(roll, cast, client):
    entry = roll.fund
    correction = "Đính chính: số đoàn viên được hỗ trợ là 125."
    note = "Ghi chú nội bộ: hồ sơ gốc lưu ở tủ số 3."
    services.entry_annotate(
        entry=entry, actor=cast.a_staff, text=correction, kind="correction"
    )
    services.entry_annotate(entry=entry, actor=cast.a_staff, text=note, kind="note")
    response = client.get(entry.get_public_url())
    text = main_text(response)
    assert vi("Corrections") in text
    assert correction in text
    assert TODAY.strftime("%d/%m/%Y") in text
    for path in (
        entry.get_public_url(),
        reverse("goldbook:honour"),
        reverse("goldbook:honour_feed"),
        reverse("home"),
    ):
        assert note not in client.get(path).content.decode(), path
    # An entry without corrections has no such heading.
    assert vi("Corrections") not in main_text(client.get(roll.clinic.get_public_url()))


# --- The Atom feed ------------------------------------------------------------------


def test_the_feed_is_valid_atom_with_the_entries_in_force(roll, client):
    response = client.get(reverse("goldbook:honour_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = atom(response)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title")
    items = feed.findall(f"{ATOM}entry")
    by_link = {}
    for item in items:
        links = [link.get("href") for link in item.findall(f"{ATOM}link")]
        assert len(links) == 1
        by_link[links[0]] = item
        assert item.findtext(f"{ATOM}id")
        assert item.findtext(f"{ATOM}published")
    assert set(by_link) == {
        f"http://testserver{entry.get_public_url()}" for entry in roll.active
    }
    # Newest first, like the list.
    assert [item.find(f"{ATOM}link").get("href") for item in items] == [
        f"http://testserver{entry.get_public_url()}"
        for entry in (roll.portal, roll.clinic, roll.fund, roll.library)
    ]
    for entry in roll.active:
        item = by_link[f"http://testserver{entry.get_public_url()}"]
        assert item.findtext(f"{ATOM}title") == entry.title
        summary = item.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert entry.public_summary in html.unescape(summary.text)
        assert entry.author_names in html.unescape(summary.text)
        assert item.findtext(f"{ATOM}author/{ATOM}name") == entry.author_names
    # Every link of the feed opens.
    for link in by_link:
        assert client.get(link.removeprefix("http://testserver")).status_code == 200
    # The list page announces the feed.
    listing = client.get(reverse("goldbook:honour")).content.decode()
    assert 'type="application/atom+xml"' in listing
    assert f'href="{reverse("goldbook:honour_feed")}"' in listing


def test_every_feed_entry_says_when_it_was_updated(roll, client):
    """RFC 4287, 4.1.2: an atom:entry contains exactly one atom:updated; feed
    readers and validators reject entries without it."""
    feed = atom(client.get(reverse("goldbook:honour_feed")))
    items = feed.findall(f"{ATOM}entry")
    assert len(items) == 4
    for item in items:
        updated = item.findall(f"{ATOM}updated")
        assert len(updated) == 1, item.findtext(f"{ATOM}title")
        day = datetime.datetime.fromisoformat(updated[0].text).date()
        assert day == datetime.date.fromisoformat(
            item.findtext(f"{ATOM}published")[:10]
        )


def test_the_feed_escapes_markup(gold, cast, client):
    title = f"Sáng kiến {SCRIPT} & <b>đậm</b>"
    summary = f"Lợi ích {IMAGE} {SCRIPT}"
    entry = honoured(gold, cast.councils.a, title=title, summary=summary)
    response = client.get(reverse("goldbook:honour_feed"))
    raw = response.content.decode()
    assert "<script" not in raw
    assert "<img" not in raw
    assert "<b>" not in raw
    item = atom(response).find(f"{ATOM}entry")
    # The title is plain text: read as text, it is the title as typed.
    assert item.find(f"{ATOM}title").get("type") in (None, "text")
    assert item.findtext(f"{ATOM}title") == entry.title
    # The summary is HTML: as HTML it holds no tag, and reads as typed.
    summary_html = item.findtext(f"{ATOM}summary")
    assert "<" not in summary_html
    assert summary in html.unescape(summary_html)


# --- Escaping, and what is never public ---------------------------------------------


def test_markup_in_user_text_is_escaped_on_every_public_page(gold, cast, client):
    title = f"Sổ tay {SCRIPT}"
    summary = f"Lợi ích {IMAGE} thật sự."
    entry = honoured(gold, cast.councils.a, title=title, summary=summary)
    for path in (
        reverse("goldbook:honour"),
        reverse("goldbook:honour") + "?q=so+tay",
        entry.get_public_url(),
        reverse("home"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        content = response.content.decode()
        assert SCRIPT not in content, path
        assert "<img src=x" not in content, path
        assert html.escape(SCRIPT) in content, path
        assert title in main_text(response), path


def alternate_case(text: str) -> str:
    return "".join(
        char.lower() if index % 2 else char.upper() for index, char in enumerate(text)
    )


MARKERS = ["MATKHAU7QX", "BIMATZ9K2", "NOIBOW4V8", "KINDAOP3M", "CAMTIETLOJ6"]


def test_nothing_confidential_reaches_a_public_page(gold, cast, client, subtests):
    """Every request's confidential information and every entry's evidence of
    application (internal) carry a marker; internal notes too. No public page,
    search or feed shows any of them."""
    councils = [
        cast.councils.a,
        cast.councils.a1,
        cast.councils.b,
        cast.councils.province,
        cast.councils.p1,
    ]
    secrets = []
    entries = []
    for number, (council, marker) in enumerate(zip(councils, MARKERS, strict=True)):
        confidential = f"Bí mật {marker}-CONF: công thức pha chế số {number}."
        evidence = f"Biên bản áp dụng {marker}-EVID lưu tại phòng tổ chức."
        note = f"Ghi chú nội bộ {marker}-NOTE."
        entry = honoured(
            gold,
            council,
            title=f"Sáng kiến công khai số {number + 1}",
            summary=f"Lợi ích công khai số {number + 1}.",
            evidence=evidence,
            confidential_info=confidential,
        )
        assert entry.initiative.confidential_info == confidential
        services.entry_annotate(
            entry=entry, actor=gold.keeper(council), text=note, kind="note"
        )
        entries.append(entry)
        secrets += [f"{marker}-CONF", f"{marker}-EVID", f"{marker}-NOTE", marker]

    pages = [
        reverse("goldbook:honour"),
        reverse("goldbook:honour_feed"),
        reverse("home"),
        *[entry.get_public_url() for entry in entries],
    ]
    searches = {}
    for marker in MARKERS:
        for suffix in ("", "-CONF", "-EVID", "-NOTE"):
            # In a case no page would write it, so that the echo of the search
            # can be told from a leak.
            query = alternate_case(marker + suffix)
            path = f"{reverse('goldbook:honour')}?q={query}"
            pages.append(path)
            searches[path] = query
    for path in pages:
        with subtests.test(path=path):
            response = client.get(path)
            assert response.status_code == 200
            content = response.content.decode()
            if path in searches:
                # The search box (and the language switch's return address) give
                # back what was typed.
                assert f'name="q" value="{searches[path]}"' in content
                content = content.replace(searches[path], "")
            content = content.lower()
            for secret in secrets:
                assert secret.lower() not in content, (path, secret)
            if "?q=" in path:
                assert response.context["total"] == 0
                assert response.context["page"].object_list == []
    # The pages did list the entries: the check above looked at real pages.
    listing = main_text(client.get(reverse("goldbook:honour")))
    for entry in entries:
        assert entry.title in listing
