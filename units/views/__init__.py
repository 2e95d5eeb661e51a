"""Views of the union tree, people, roles, emulation blocks and imports.

Each view: fetch the object for this user (404 outside their scope), check the
named rule (403), parse the form, call a service, say what happened, redirect.

- ``tree``: the tree of units and a unit's page and changes;
- ``people``: a unit's people, a person's page, roles granted and revoked;
- ``blocks``: emulation blocks and their members;
- ``imports``: imports of units and people from files;
- ``_common``: fetching a unit for this user and its rights, shared by the above.
"""
