from django.urls import path, re_path

from units import leadership_views
from units.views import blocks, imports, people, tree

app_name = "units"

urlpatterns = [
    path("units/", tree.unit_tree, name="tree"),
    path("units/<int:pk>/", tree.unit_detail, name="detail"),
    path("units/<int:pk>/add/", tree.unit_add_child, name="add_child"),
    path("units/<int:pk>/edit/", tree.unit_edit, name="edit"),
    path("units/<int:pk>/rename/", tree.unit_rename, name="rename"),
    path("units/<int:pk>/move/", tree.unit_move, name="move"),
    path("units/<int:pk>/merge/", tree.unit_merge, name="merge"),
    path("units/<int:pk>/dissolve/", tree.unit_dissolve, name="dissolve"),
    path("units/<int:pk>/people/", people.unit_people, name="people"),
    path("units/<int:pk>/people/add/", people.person_add, name="person_add"),
    path("units/<int:pk>/roles/grant/", people.role_grant, name="role_grant"),
    path("units/<int:pk>/blocks/new/", blocks.block_create, name="block_create"),
    path("units/<int:pk>/import/", imports.import_start, name="import_start"),
    re_path(
        r"^units/import-template/(?P<kind>units|people)\.(?P<fmt>xlsx|csv)$",
        imports.import_template,
        name="import_template",
    ),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/apply/", imports.import_apply, name="import_apply"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path(
        "people/<int:pk>/send-password-link/",
        people.person_send_reset,
        name="person_send_reset",
    ),
    path("roles/<int:pk>/revoke/", people.role_revoke, name="role_revoke"),
    path(
        "units/<int:pk>/leadership/",
        leadership_views.leadership_list,
        name="leadership",
    ),
    path(
        "units/<int:pk>/leadership/add/",
        leadership_views.leadership_add,
        name="leadership_add",
    ),
    path(
        "units/<int:pk>/signing/",
        leadership_views.signing_rule_set,
        name="signing_rule_set",
    ),
    path(
        "leadership/<int:pk>/edit/",
        leadership_views.leadership_edit,
        name="leadership_edit",
    ),
    path(
        "leadership/<int:pk>/end/",
        leadership_views.leadership_end,
        name="leadership_end",
    ),
    path("blocks/", blocks.block_list, name="block_list"),
    path("blocks/<int:pk>/", blocks.block_detail, name="block_detail"),
    path("blocks/<int:pk>/edit/", blocks.block_edit, name="block_edit"),
    path("blocks/<int:pk>/members/", blocks.block_member_add, name="block_member_add"),
    path("blocks/<int:pk>/copy/", blocks.block_copy, name="block_copy"),
    path(
        "block-members/<int:pk>/remove/",
        blocks.block_member_remove,
        name="block_member_remove",
    ),
]
