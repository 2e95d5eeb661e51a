"""Every write to the union tree, people and roles goes through these functions.

Each one checks its inputs, changes the database atomically, and records the change
in the unit's history. Problems are raised as ``ValidationError`` keyed by the form
field they concern, so views can show them beside the field.

- ``tree``: creating, editing, renaming, moving, merging and dissolving units;
- ``people``: people and their roles on units;
- ``blocks``: emulation blocks and their member units;
- ``_common``: checks shared by the above.

Callers use ``from units import services`` and ``services.unit_create(...)``: the
public functions are named here.
"""

from units.services._common import check_effective_date, check_parent_kind  # noqa: F401
from units.services.blocks import (  # noqa: F401
    block_copy,
    block_create,
    block_member_remove,
    block_member_set,
    block_update,
)
from units.services.people import (  # noqa: F401
    PERSON_FIELDS,
    person_create,
    person_update,
    role_grant,
    role_revoke,
    suggest_username,
)
from units.services.tree import (  # noqa: F401
    EDITABLE_UNIT_FIELDS,
    add_children_bulk,
    unit_create,
    unit_dissolve,
    unit_merge,
    unit_move,
    unit_rename,
    unit_update,
    units_create_many,
)
