"""A request keeps copies of its two units' tree paths, which decide who sees it:
they must follow every change of unit and every move in the tree."""

import datetime

from initiatives import services
from initiatives.models import Initiative
from tests.factories import make_unit
from tests.initiatives.factories import (
    author_data,
    make_request,
    move_to,
    request_fields,
)
from units import access
from units import services as unit_services
from units.models import Unit


def paths_of(initiative: Initiative) -> tuple[str, str]:
    return tuple(
        Initiative.objects.values_list("unit_path", "recognizing_path").get(
            pk=initiative.pk
        )
    )


def path_of(unit: Unit) -> str:
    return Unit.objects.values_list("path", flat=True).get(pk=unit.pk)


def sees(user, initiative: Initiative) -> bool:
    return access.visible(user, Initiative).filter(pk=initiative.pk).exists()


def test_a_new_request_copies_its_units_paths(cast):
    tree = cast.tree
    initiative = make_request(cast.a1_member, tree.a1, tree.a)
    assert paths_of(initiative) == (tree.a1.path, tree.a.path)


def test_changing_the_units_of_a_draft_changes_the_copies(cast):
    tree = cast.tree
    initiative = make_request(cast.a1_member, tree.a1, tree.a1)
    services.initiative_update(
        initiative=initiative,
        actor=cast.a1_member,
        unit=tree.a1,
        recognizing_unit=tree.a,
        version=initiative.version,
        authors=[author_data(cast.a1_member)],
        **request_fields(),
    )
    assert paths_of(initiative) == (tree.a1.path, tree.a.path)


def test_saving_only_other_fields_keeps_the_copies_without_reading_units(
    cast, django_assert_num_queries
):
    tree = cast.tree
    initiative = Initiative.objects.get(
        pk=make_request(cast.a1_member, tree.a1, tree.a).pk
    )
    initiative.title = "Tên mới"
    # The update, and the audit log's read of the old title and its entry.
    with django_assert_num_queries(3) as captured:
        initiative.save(update_fields=["title"])
    assert not [q for q in captured.captured_queries if '"units_unit"' in q["sql"]]
    assert paths_of(initiative) == (tree.a1.path, tree.a.path)


def test_an_unloaded_unit_is_read_for_its_path(cast):
    tree = cast.tree
    initiative = Initiative.objects.get(
        pk=make_request(cast.a1_member, tree.a1, tree.a).pk
    )
    initiative.recognizing_unit_id = tree.province.pk
    initiative.save(update_fields=["recognizing_unit"])
    assert paths_of(initiative) == (tree.a1.path, tree.province.path)


def test_moving_a_unit_moves_the_copies_and_the_readers(cast):
    tree = cast.tree
    initiative = move_to(
        make_request(cast.a1_member, tree.a1, tree.a),
        "submitted",
        author=cast.a1_member,
        intake=cast.a_staff,
    )
    untouched = make_request(cast.b1_member, tree.b1, tree.b)
    assert sees(cast.a_admin, initiative)
    assert not sees(cast.b_admin, initiative)

    unit_services.unit_move(
        unit=tree.a1,
        new_parent=tree.b,
        effective_on=datetime.date.today(),
        actor=None,
    )

    assert paths_of(initiative) == (path_of(tree.a1), path_of(tree.a))
    assert path_of(tree.a1).startswith(path_of(tree.b))
    assert paths_of(untouched) == (path_of(tree.b1), path_of(tree.b))
    # The admin above the filing union's new place sees it; the recognising
    # unit's staff still do (it was sent to them).
    assert sees(cast.b_admin, initiative)
    assert sees(cast.a_staff, initiative)


def test_a_merge_moves_the_copies_of_the_requests_below(cast):
    tree = cast.tree
    c = make_unit(tree.province, Unit.Kind.UPPER, "CB-C", "Công đoàn xã Hòa An")
    initiative = make_request(cast.a1_member, tree.a1, tree.a)
    unit_services.unit_merge(
        unit=tree.a, successor=c, effective_on=datetime.date.today(), actor=None
    )
    assert paths_of(initiative) == (path_of(tree.a1), path_of(tree.a))
    assert path_of(tree.a1).startswith(path_of(c))


def test_the_copies_always_match_the_units(cast):
    """Whatever the services did above, no request disagrees with its units."""
    tree = cast.tree
    make_request(cast.a1_member, tree.a1, tree.province)
    make_request(cast.b1_member, tree.b1)
    unit_services.unit_move(
        unit=tree.a, new_parent=tree.b, effective_on=datetime.date.today(), actor=None
    )
    for row in Initiative.objects.select_related("unit", "recognizing_unit"):
        assert (row.unit_path, row.recognizing_path) == (
            row.unit.path,
            row.recognizing_unit.path,
        )
