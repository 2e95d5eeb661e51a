"""The recognition request form (create and edit pages) under generated input.

Each example posts the whole form with its authors formset: titles and text in
composed or decomposed Vietnamese, emoji, markup, NUL bytes, white space only, up
to 100,000 characters; dates in every accepted format, in the future, not dates
at all, periods that end before they start; 0 to 21 author rows (registered
people by user name or email, typed names, blank and deleted rows, the same
person twice) with shares split to the hundredth and typed "33,33", " 33.33 %",
or off by a cent, zero, negative, three decimals, words, huge; and now and then
a hand-edited hidden or select field. Part of the examples change nothing but
valid input.

A small model of the rules says whether the input must be refused; then:

- refused: the page comes back (200) with at least one message, every message is
  in the page, what was typed is in the page again, and nothing was written;
- accepted: the page redirects (302) and the request and every author are stored
  exactly as typed (composed Unicode, trimmed).

Each example runs in a savepoint that is rolled back, so all start alike.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from audit.models import AuditEntry
from initiatives.models import Author, Initiative, InitiativeEvent
from tests.fuzz.strategies import (
    BAD_DATES,
    EMOJI,
    GARBAGE_NUMBERS,
    HUGE,
    WORDS,
    cleaned,
    future_dates,
    fuzz,
    long_text,
    parse_number,
    past_dates,
    rolled_back,
    shown_again,
    text_problem,
    texts,
    typed_date,
    vietnamese,
    written,
)
from tests.initiatives.factories import form_data, make_request
from units.models import User

pytestmark = pytest.mark.django_db

# What may be typed in the "person" box of an author row, and whom it names
# (the cast's users have the email <username>@example.vn).
REGISTERED = {
    "a1_member": "a1_member",
    "A1_MEMBER@EXAMPLE.VN": "a1_member",
    "a1_support": "a1_support",
    "A1_Support@example.vn": "a1_support",
    "b1_member": "b1_member",
}
LIMITS = {
    "person": 254,
    "full_name": 150,
    "workplace": 300,
    "position": 150,
    "qualification": 150,
}
TEXT_LIMITS = {"title": 500, "essence": 50_000, "benefits_author": 20_000}
ROW_FIELDS = ("person", "full_name", "date_of_birth", "workplace", "position")
ROW_FIELDS += ("qualification", "share")
MAX_AUTHORS = 20


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def parse_date(value: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


# --- Drawing the input ------------------------------------------------------------


@dataclass
class Row:
    """One row of the authors table as typed, and what it should become."""

    values: dict = field(default_factory=lambda: dict.fromkeys(ROW_FIELDS, ""))
    deleted: bool = False
    username: str | None = None  # the registered person it names
    share: Decimal | None = None
    problem: str = ""

    @property
    def author(self) -> bool:
        return not self.deleted and (
            bool(self.values["full_name"].strip()) or self.username is not None
        )


def short_text():
    return st.one_of(st.just(""), vietnamese().map(lambda t: t[:100]))


def name_strategy():
    pieces = st.lists(st.sampled_from(WORDS + EMOJI), min_size=1, max_size=3)
    return st.tuples(pieces, st.sampled_from(["NFC", "NFD"])).map(
        lambda pair: unicodedata.normalize(pair[1], " ".join(pair[0]))
    )


def draw_row(data, index: int, kind: str, used: set) -> Row:
    row = Row()
    values = row.values
    if kind == "blank":
        space = data.draw(st.sampled_from(["", " ", "\t", "\u00a0"]), label="blank")
        values.update(full_name=space, share=space)
        return row
    if kind == "registered":
        free = [key for key in REGISTERED if REGISTERED[key] not in used]
        key = data.draw(st.sampled_from(free or list(REGISTERED)), label="person")
        row.username = REGISTERED[key]
        values["person"] = key
    else:
        # Typed names are unique by their number (shares sum up per author).
        name = data.draw(name_strategy(), label="name")
        spaced = data.draw(st.booleans(), label="spaced")
        values["full_name"] = f"  {name} {index}\t" if spaced else f"{name} {index}"
        if data.draw(st.booleans(), label="has birth date"):
            values["date_of_birth"] = data.draw(
                past_dates().flatmap(typed_date), label="born"
            )
    for name in ("workplace", "position", "qualification"):
        values[name] = data.draw(short_text(), label=name)
    return row


DEFECTS = [
    "share garbage",
    "share out of range",
    "share three decimals",
    "share missing",
    "name missing",
    "unknown person",
    "birth date not a date",
    "birth date in the future",
    "NUL in the name",
    "name too long",
    "workplace too long",
    "anything typed",
]


def break_row(data, row: Row) -> None:
    """Give a row one defect the page must refuse (or, for "anything typed",
    generated text whose fate the model works out)."""
    defect = data.draw(st.sampled_from(DEFECTS), label="defect")
    values = row.values
    if defect.startswith("share"):
        row.share = None
    if defect == "share garbage":
        values["share"] = data.draw(
            st.sampled_from([g for g in GARBAGE_NUMBERS if g != "%"]), label="share"
        )
    elif defect == "share out of range":
        values["share"] = data.draw(
            st.sampled_from(["0", "-5", "-0.01", "0,00", "100.01", "150", "1e3"]),
            label="share",
        )
    elif defect == "share three decimals":
        values["share"] = data.draw(
            st.sampled_from(["33.333", "0.001", "66,667"]), label="share"
        )
    elif defect == "share missing":
        values["share"] = ""
    elif defect == "name missing":
        values.update(person="", full_name="", workplace="Trường Tiểu học")
        row.username = None
    elif defect == "unknown person":
        values["person"] = "khong.ton.tai"
    elif defect == "birth date not a date":
        values["date_of_birth"] = data.draw(st.sampled_from(BAD_DATES), label="born")
    elif defect == "birth date in the future":
        values["date_of_birth"] = data.draw(
            future_dates().flatmap(typed_date), label="born"
        )
    elif defect == "NUL in the name":
        values["full_name"] = "Lý\x00Huệ"
    elif defect == "name too long":
        values["full_name"] = data.draw(long_text(lengths=(151, 5_000)), label="name")
    elif defect == "workplace too long":
        values["workplace"] = "Trường " * 50
    else:
        for name in ("full_name", "workplace", "position", "qualification"):
            if data.draw(st.booleans(), label=f"replace {name}"):
                values[name] = data.draw(texts(long=False), label=name)
        if data.draw(st.booleans(), label="replace share"):
            # Letters only: never a number, whatever is drawn.
            letters = st.text(st.characters(categories=["L"]), min_size=1, max_size=6)
            values["share"] = data.draw(
                st.one_of(letters, st.sampled_from(GARBAGE_NUMBERS)), label="share"
            )
            row.share = None
    row.problem = row_problem(row)


def row_problem(row: Row) -> str:
    """Why the row must be refused, worked out from what it holds."""
    values = row.values
    changed = any(value.strip() for value in values.values())
    if row.deleted or not changed:
        return ""
    for name, limit in LIMITS.items():
        problem = text_problem(values[name], limit)
        if problem:
            return f"{name}: {problem}"
    born = values["date_of_birth"].strip()
    if born:
        day = parse_date(born)
        if day is None or day > timezone.localdate():
            return "bad birth date"
    person = nfc(values["person"]).strip()
    if person and person not in REGISTERED:
        return "unknown person"
    share = values["share"]
    if share.strip() and row.share is None:
        return "share not accepted"
    has_name = bool(values["full_name"].strip()) or row.username is not None
    if not has_name:
        return "no name"
    if not share.strip():
        return "no share"
    return ""


def draw_rows(data, *, good: bool) -> tuple[list[Row], list[str]]:
    """The author rows and the reasons the whole table must be refused."""
    many = not good and data.draw(st.integers(0, 9), label="many") == 0
    count = MAX_AUTHORS + 1 if many else data.draw(st.integers(0 if not good else 1, 6))
    kinds = ["typed", "registered"] + ([] if good else ["blank"])
    rows, used = [], set()
    for index in range(count):
        kind = data.draw(st.sampled_from(kinds), label="kind") if not many else "typed"
        if good and kind == "registered" and len(used) == len(set(REGISTERED.values())):
            kind = "typed"
        row = draw_row(data, index, kind, used)
        if row.username:
            used.add(row.username)
        rows.append(row)
    authors = [row for row in rows if row.author]
    if good and not authors:
        rows[0] = draw_row(data, 0, "typed", used)
        authors = [rows[0]]
    # Shares: a split of 100.00 in hundredths, one piece per author.
    cuts = data.draw(
        st.lists(
            st.integers(1, 9999),
            unique=True,
            min_size=max(len(authors) - 1, 0),
            max_size=max(len(authors) - 1, 0),
        ).map(sorted),
        label="cuts",
    )
    bounds = [0, *cuts, 10000]
    for row, low, high in zip(authors, bounds, bounds[1:], strict=False):
        value = Decimal(high - low) / 100
        row.values["share"] = data.draw(written(value), label="share")
        row.share = parse_number(row.values["share"])
    problems = []
    if not good:
        if data.draw(st.integers(0, 3), label="off by a cent") == 0 and authors:
            row = authors[-1]
            row.share += data.draw(st.sampled_from([Decimal("0.01"), -row.share]))
            row.values["share"] = format(row.share, "f")
            row.share = row.share if row.share > 0 else None
            if row.share is None:
                problems.append("a share of 0")
            else:
                problems.append("total not 100")
        for row in rows:
            if data.draw(st.integers(0, 5), label="broken") == 0:
                break_row(data, row)
            if data.draw(st.integers(0, 7), label="deleted") == 0:
                row.deleted = True
                row.problem = ""
    for row in rows:
        if not row.problem:
            row.problem = row_problem(row)
    problems += [f"row {i}: {row.problem}" for i, row in enumerate(rows) if row.problem]
    return rows, problems


def table_problems(rows: list[Row], users: dict) -> list[str]:
    """Why a table of rows, each right on its own, must be refused."""
    authors = [row for row in rows if row.author]
    if not authors:
        return ["no authors"]
    if len(authors) > MAX_AUTHORS:
        return ["more than 20 authors"]
    people, names = set(), set()
    for row in authors:
        if row.username in people:
            return ["the same person twice"]
        if row.username:
            people.add(row.username)
        name = cleaned(row.values["full_name"]) or users[row.username].full_name
        born = row.values["date_of_birth"].strip()
        key = (" ".join(name.casefold().split()), parse_date(born) if born else None)
        if key in names:
            return ["the same name and birth date twice"]
        names.add(key)
    if sum(row.share for row in authors) != 100:
        return ["total not 100"]
    return []


def draw_dates(data, *, good: bool) -> tuple[dict, list[str]]:
    past = past_dates().flatmap(typed_date)
    any_date = st.one_of(
        st.just(""),
        past,
        future_dates().flatmap(typed_date),
        st.sampled_from(BAD_DATES),
    )
    if good:
        first = data.draw(st.one_of(st.just(""), past), label="first applied")
        days = sorted(
            data.draw(st.lists(past_dates(), min_size=2, max_size=2), label="period")
        )
        period = [
            data.draw(typed_date(day), label="period day")
            if data.draw(st.booleans(), label="period given")
            else ""
            for day in days
        ]
    else:
        first = data.draw(any_date, label="first applied")
        period = [data.draw(any_date, label="period day") for _ in range(2)]
    values = {
        "first_applied_on": first,
        "period_start": period[0],
        "period_end": period[1],
    }
    problems = []
    parsed = {}
    for name, value in values.items():
        if value.strip():
            parsed[name] = parse_date(value)
            if parsed[name] is None:
                problems.append(f"{name}: not a date")
    first_day = parsed.get("first_applied_on")
    if first_day and first_day > timezone.localdate():
        problems.append("first application in the future")
    start, end = parsed.get("period_start"), parsed.get("period_end")
    if start and end and end < start:
        problems.append("period ends before it starts")
    return values, problems


def draw_texts(data, *, good: bool) -> tuple[dict, list[str]]:
    if good:
        title = data.draw(
            st.one_of(vietnamese(), vietnamese().map(lambda t: f" {t}\n")),
            label="title",
        )
        essence = data.draw(
            st.one_of(st.just(""), vietnamese(), long_text(lengths=(5_000, 50_000))),
            label="essence",
        )
        benefits = data.draw(vietnamese(), label="benefits")
    else:
        title = data.draw(
            st.one_of(texts(), long_text(lengths=(500, 501, HUGE))), label="title"
        )
        essence = data.draw(texts(), label="essence")
        benefits = data.draw(texts(long=False), label="benefits")
    values = {"title": title, "essence": essence, "benefits_author": benefits}
    problems = [
        f"{name}: {problem}"
        for name, problem in (
            ("title", text_problem(title, TEXT_LIMITS["title"], required=True)),
            ("essence", text_problem(essence, TEXT_LIMITS["essence"])),
            ("benefits_author", text_problem(benefits, TEXT_LIMITS["benefits_author"])),
        )
        if problem
    ]
    return values, problems


# --- The test ---------------------------------------------------------------------


@pytest.fixture
def pages(cast, client_for):
    """The client of an author, the create page and the edit page of a draft."""
    me = cast.a1_member
    draft = make_request(me, cast.tree.a1, cast.tree.a, title="Bản nháp ban đầu")
    return {
        "client": client_for(me),
        "draft": draft,
        "create": reverse("initiatives:create"),
        "edit": reverse("initiatives:edit", args=[draft.pk]),
        "users": {u.username: u for u in User.objects.all()},
    }


def database() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        Initiative.objects.count(),
        InitiativeEvent.objects.count(),
        AuditEntry.objects.count(),
        list(
            Initiative.objects.order_by("pk").values_list(
                "pk", "title", "essence", "version", "period_end"
            )
        ),
        list(
            Author.objects.order_by("pk").values_list(
                "pk", "initiative", "full_name", "share", "user", "order"
            )
        ),
    )


def post_data(cast, pages, target, rows, fields, extra) -> dict:
    data = form_data(cast.tree.a1, cast.tree.a, [], extra_rows=0, **fields)
    data["field"] = ""
    data["field_other"] = "Giáo dục"
    if target == "edit":
        data["version"] = str(pages["draft"].version)
    data["authors-TOTAL_FORMS"] = str(len(rows))
    for index, row in enumerate(rows):
        for name, value in row.values.items():
            data[f"authors-{index}-{name}"] = value
        if row.deleted:
            data[f"authors-{index}-DELETE"] = "on"
    data.update(extra)  # hand-edited values last
    return data


def draw_extra(data, cast, pages, target) -> tuple[dict, list[str]]:
    """Hand-edited values of the hidden and select fields."""
    extra, problems = {}, []
    choice = data.draw(st.integers(0, 11), label="tampered")
    if choice == 0:
        extra["unit"] = data.draw(
            st.sampled_from(["", "abc", "99999999999999999999", str(cast.tree.b1.pk)])
        )
        problems.append("unit not offered")
    elif choice == 1:
        extra["recognizing_unit"] = data.draw(
            st.sampled_from(["", "-1", str(cast.tree.a2.pk)])
        )
        problems.append("recognising unit not offered")
    elif choice == 2:
        extra["authors-TOTAL_FORMS"] = data.draw(st.sampled_from(["abc", "-1", ""]))
        problems.append("management form tampered")
    elif choice == 3 and target == "edit":
        # Only numbers: a hand-edited "abc" is refused by the hidden field, whose
        # message the page does not show (not a path a browser takes).
        version = pages["draft"].version
        extra["version"] = data.draw(
            st.sampled_from([str(version - 1), str(version + 1), "", "0"])
        )
        problems.append("stale or bad version")
    return extra, problems


def expected_authors(rows: list[Row], users: dict) -> list[tuple]:
    found = []
    for row in rows:
        if not row.author:
            continue
        user = users.get(row.username) if row.username else None
        name = cleaned(row.values["full_name"]) or user.full_name
        born = row.values["date_of_birth"].strip()
        found.append(
            (
                name,
                row.share,
                user.pk if user else None,
                parse_date(born) if born else None,
                cleaned(row.values["workplace"]),
                cleaned(row.values["position"]),
                cleaned(row.values["qualification"]),
            )
        )
    return found


def messages_of(response) -> list[str]:
    form, authors = response.context["form"], response.context["authors"]
    found = [str(m) for errors in form.errors.values() for m in errors]
    found += [str(m) for f in authors.forms for errs in f.errors.values() for m in errs]
    found += [str(m) for m in authors.non_form_errors()]
    return found


def check_refused(response, data, rows, before, problems) -> None:
    assert response.status_code == 200, (response.status_code, problems)
    shown = messages_of(response)
    assert shown, f"refused without a message: {problems}"
    html = response.content.decode()
    for message in shown:
        assert message.strip()
        assert escape(message) in html, f"message not in the page: {message!r}"
    # What was typed (or the conversion offered for it) is in the page again.
    for name, limit in TEXT_LIMITS.items():
        if data[name].strip():
            assert escape(shown_again(data[name], limit)) in html, f"{name} lost"
    if "management form tampered" not in problems:
        for row in rows:
            for name in ("full_name", "share"):
                value = row.values[name]
                if name == "full_name":
                    value = shown_again(value, LIMITS[name])
                if value.strip():
                    assert escape(value) in html, f"author {name} lost"
    assert database() == before


def check_saved(response, target, pages, data, rows, before) -> None:
    assert response.status_code == 302, messages_of(response)
    if target == "create":
        assert Initiative.objects.count() == before[0] + 1
        initiative = Initiative.objects.latest("pk")
        event = "created"
    else:
        initiative = Initiative.objects.get(pk=pages["draft"].pk)
        assert initiative.version == pages["draft"].version + 1
        assert Initiative.objects.count() == before[0]
        event = "edited"
    assert response["Location"] == initiative.get_absolute_url()
    assert initiative.title == cleaned(data["title"])
    assert initiative.essence == cleaned(data["essence"])
    assert initiative.benefits_author == cleaned(data["benefits_author"])
    for name in ("first_applied_on", "period_start", "period_end"):
        typed = data[name].strip()
        assert getattr(initiative, name) == (parse_date(typed) if typed else None)
    stored = list(
        initiative.authors.order_by("order").values_list(
            "full_name",
            "share",
            "user",
            "date_of_birth",
            "workplace",
            "position",
            "qualification",
        )
    )
    assert stored == expected_authors(rows, pages["users"])
    assert InitiativeEvent.objects.count() == before[1] + 1
    assert initiative.events.latest("pk").action == event


PARTS = ("texts", "dates", "authors", "hidden fields")


def run(cast, pages, data, *, good: bool) -> None:
    """Draw a post, some of its parts (none when `good`) drawn from anything,
    the others from valid input only; post it and check the outcome."""
    target = data.draw(st.sampled_from(["create", "edit"]), label="page")
    wild = set() if good else set(data.draw(st.sets(st.sampled_from(PARTS))))
    texts_, text_problems = draw_texts(data, good="texts" not in wild)
    dates, date_problems = draw_dates(data, good="dates" not in wild)
    rows, row_problems = draw_rows(data, good="authors" not in wild)
    if not row_problems:
        row_problems = table_problems(rows, pages["users"])
    extra, extra_problems = (
        draw_extra(data, cast, pages, target) if "hidden fields" in wild else ({}, [])
    )
    problems = text_problems + date_problems + row_problems + extra_problems
    if good:
        assert not problems, problems
    body = post_data(cast, pages, target, rows, {**texts_, **dates}, extra)
    event(f"{target}: {'refused' if problems else 'saved'}")
    with rolled_back():
        before = database()
        response = pages["client"].post(pages[target], body)
        if problems:
            check_refused(response, body, rows, before, problems)
        else:
            check_saved(response, target, pages, body, rows, before)


@fuzz(max_examples=50)
@given(data=st.data())
def test_any_input_is_saved_whole_or_refused_with_a_message(cast, pages, data):
    run(cast, pages, data, good=False)


@fuzz(max_examples=20)
@given(data=st.data())
def test_valid_input_is_saved_exactly_as_typed(cast, pages, data):
    run(cast, pages, data, good=True)
