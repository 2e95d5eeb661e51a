"""Every write to the union tree, people and roles goes through these functions."""

from units.services.tree import (  # noqa: F401
    EDITABLE_UNIT_FIELDS,
    PERSON_FIELDS,
    block_copy,
    block_create,
    block_member_remove,
    block_member_set,
    block_update,
    check_effective_date,
    check_parent_kind,
    person_create,
    person_update,
    role_grant,
    role_revoke,
    suggest_username,
    unit_create,
    unit_dissolve,
    unit_merge,
    unit_move,
    unit_rename,
    unit_update,
)
