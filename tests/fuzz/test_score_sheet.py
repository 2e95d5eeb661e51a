"""The council score sheet (the item page's form, initiatives:item_score) under
generated input.

Each example may set another rubric (one to six criteria, up to 999 points each),
may give the member a sheet already saved or submitted, then posts points as
typed (negative, over the maximum, three decimals, words, NUL bytes, huge
numbers, empty) with comments (up to 100,000 characters, NUL bytes, emoji).

- refused: the page comes back (200) with a message beside the field, the typed
  values are in the page again, and nothing changed (not the earlier sheet either);
- accepted: the page redirects (302) and the sheet holds exactly the typed
  points, their total and the comments (composed, trimmed).
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import event, given
from hypothesis import strategies as st

from initiatives.models import ScoreSheet
from initiatives.services import councils as council_services
from tests.fuzz.strategies import (
    GARBAGE_NUMBERS,
    cleaned,
    fuzz,
    parse_number,
    rolled_back,
    shown_again,
    text_problem,
    texts,
    written,
)
from tests.initiatives import council_world as cw

pytestmark = pytest.mark.django_db

# Numbers that are never accepted as points (Decimal reads "٣٣" and "-0", so
# they are left out; "%" alone is read as empty).
NOT_POINTS = [g for g in GARBAGE_NUMBERS if g not in ("٣٣", "-0", "%")]


@pytest.fixture
def world(cast):
    return cw.build(cast)


def rubric_strategy():
    """The default rubric, or one to six criteria of up to 1,000 points (the
    most the rubric form allows)."""
    custom = st.lists(st.integers(1, 1000), min_size=1, max_size=6).map(
        lambda points: [(f"Tiêu chí số {i + 1}", p) for i, p in enumerate(points)]
    )
    return st.one_of(st.none(), custom)


def points_strategy(maximum: int):
    """(what is typed, the points it means, or "bad", or None for empty, or
    "unknown" for text whose meaning the test does not work out)."""
    valid = st.decimals(0, maximum, places=2).flatmap(
        lambda value: written(value).map(lambda text: (text, parse_number(text)))
    )
    over = Decimal(maximum) + Decimal("0.01")
    bad = st.sampled_from(
        [
            "-1",
            "-0.01",
            f"-{maximum}",
            format(over, "f"),
            str(maximum + 1),
            "99999",
            "1.234",
            "0,001",
            *NOT_POINTS,
        ]
    ).map(lambda text: (text, "bad"))
    empty = st.sampled_from(["", " ", "\t"]).map(lambda text: (text, None))
    unknown = st.text(max_size=8).map(lambda text: (text, "unknown"))
    return st.one_of(valid, valid, empty, bad, unknown)


def sheet_of(world, who):
    sheet = (
        ScoreSheet.objects.filter(item=world.item_main, member=world.seats[who])
        .prefetch_related("scores")
        .first()
    )
    if sheet is None:
        return None
    scores = {s.criterion_id: s.points for s in sheet.scores.all()}
    return sheet, scores


@fuzz(max_examples=60)
@given(data=st.data())
def test_a_score_sheet_is_saved_whole_or_refused_with_a_message(
    world, client_for, data
):
    with rolled_back():
        rubric = data.draw(rubric_strategy(), label="rubric")
        if rubric is not None:
            council_services.criteria_replace(
                council=world.council, criteria=rubric, actor=world.cast.a_admin
            )
        criteria = list(world.council.criteria.order_by("order", "pk"))
        who = data.draw(st.sampled_from(cw.TAKING_PART), label="who")
        earlier = data.draw(st.sampled_from([None, "draft", "submitted"]))
        if earlier:
            council_services.score_sheet_save(
                item=world.item_main,
                member=world.seats[who],
                points={c.pk: Decimal(c.max_points) for c in criteria},
                comments="Nhận xét lần trước",
                submit=earlier == "submitted",
            )
        typed = [data.draw(points_strategy(c.max_points)) for c in criteria]
        comments = data.draw(texts(), label="comments")
        submit = data.draw(st.booleans(), label="submit")
        meanings = [meaning for _text, meaning in typed]
        problems = [f"criterion {i}" for i, m in enumerate(meanings) if m == "bad"]
        if submit:
            problems += [
                f"criterion {i} empty" for i, m in enumerate(meanings) if m is None
            ]
        if text_problem(comments, 10_000):
            problems.append(f"comments: {text_problem(comments, 10_000)}")
        before = cw.state()
        post = cw.score_data(criteria, [t for t, _m in typed], comments, submit)
        response = client_for(world.people[who]).post(
            reverse("initiatives:item_score", args=[world.item_main.pk]), post
        )
        if problems:
            event("refused")
            check_refused(response, criteria, typed, comments, before)
        elif "unknown" in meanings and response.status_code == 200:
            event("refused (text typed)")
            check_refused(response, criteria, typed, comments, before)
        else:
            event("saved")
            check_saved(world, who, response, criteria, typed, comments, submit)
            sheet, scores = sheet_of(world, who)
            # A submitted sheet holds every score; a draft saved over a
            # submitted sheet takes it back.
            assert (sheet.submitted_at is not None) == bool(submit)
            assert sheet.submitted_at is None or len(scores) == len(criteria)


def check_refused(response, criteria, typed, comments, before) -> None:
    assert response.status_code == 200
    form = response.context["score_form"]
    shown = [str(m) for errors in form.errors.values() for m in errors]
    assert shown, "refused without a message"
    html = response.content.decode()
    for message in shown:
        assert message.strip() and escape(message) in html, message
    for criterion, (text, _meaning) in zip(criteria, typed, strict=True):
        name = f"criterion_{criterion.pk}"
        if name in form.errors:
            assert escape(form.errors[name][0]) in cw.field_block(response, name)
        if text.strip():
            assert f'value="{escape(text)}"' in cw.field_block(response, name)
    if comments.strip():
        shown = shown_again(comments, 10_000)
        assert escape(shown) in cw.field_block(response, "comments")
    assert cw.state() == before


def check_saved(world, who, response, criteria, typed, comments, submit) -> None:
    assert response.status_code == 302, response.context["score_form"].errors
    sheet, scores = sheet_of(world, who)
    for criterion, (_text, meaning) in zip(criteria, typed, strict=True):
        if meaning is None:
            assert criterion.pk not in scores
        elif meaning != "unknown":
            assert scores[criterion.pk] == meaning
    assert sheet.total == sum(scores.values(), Decimal("0"))
    assert sheet.comments == cleaned(comments)
    if submit:
        assert sheet.submitted_at is not None
