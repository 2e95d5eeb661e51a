"""The permission matrix: every URL of the project against every role.

Each row names a URL, the object it is called on and, per method, the answer
each role gets, in the column order of ROLES:

    anonymous outsider member officer support_team council_member
    recused_member emulation_staff parent_admin sibling_admin

Answers: L = sent to the sign-in page; 200; 302 = done and sent on (or sent
back with a message); 403 = sees it but may not; 404 = out of scope; 405 = that
method is not accepted. Every call runs in a transaction that is rolled back, so
each role meets the same world. A URL pattern missing from the table fails the
test, so a new page cannot go without its access being decided.

The people (tests/permission_world.py): "member" belongs to CB-A1 and wrote its
requests; "officer", "emulation_staff" and "parent_admin" hold their role on
CB-A, the unit above CB-A1; "support_team" is CB-A1's support team;
"council_member" and "recused_member" sit on CB-A's council (the latter is a
co-author of the request under review); "sibling_admin" administers CB-B.
"""

import os
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import confidential_sweep
from tests.permission_world import ROLES, build

pytestmark = pytest.mark.django_db

# URL name -> (target, {method: answers}). The target is the attribute of the
# world whose primary key is the URL's argument (None: no argument; a tuple:
# the arguments themselves).
MATRIX: dict[str, tuple] = {
    "home": (None, {"GET": "200 200 200 200 200 200 200 200 200 200"}),
    "healthz": (None, {"GET": "200 200 200 200 200 200 200 200 200 200"}),
    "about": (None, {"GET": "200 200 200 200 200 200 200 200 200 200"}),
    "login": (
        None,
        {
            "GET": "200 302 302 302 302 302 302 302 302 302",
            "POST": "200 302 302 302 302 302 302 302 302 302",
        },
    ),
    "logout": (
        None,
        {
            "GET": "405 405 405 405 405 405 405 405 405 405",
            "POST": "L L L L L L L L L L",
        },
    ),
    "password_change": (
        None,
        {
            "GET": "L 200 200 200 200 200 200 200 200 200",
            "POST": "L 200 200 200 200 200 200 200 200 200",
        },
    ),
    "password_change_done": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "password_reset": (
        None,
        {
            "GET": "200 200 200 200 200 200 200 200 200 200",
            "POST": "200 200 200 200 200 200 200 200 200 200",
        },
    ),
    "password_reset_done": (None, {"GET": "200 200 200 200 200 200 200 200 200 200"}),
    "password_reset_confirm": (
        ("MQ", "set-password"),
        {"GET": "200 200 200 200 200 200 200 200 200 200"},
    ),
    "password_reset_complete": (
        None,
        {"GET": "200 200 200 200 200 200 200 200 200 200"},
    ),
    "set_language": (
        None,
        {
            "GET": "302 302 302 302 302 302 302 302 302 302",
            "POST": "302 302 302 302 302 302 302 302 302 302",
        },
    ),
    "units:tree": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "units:detail": ("unit", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "units:add_child": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 403 404",
            "POST": "L 404 403 403 403 404 404 403 403 404",
        },
    ),
    "units:edit": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:rename": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:move": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:merge": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:dissolve": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:people": ("unit", {"GET": "L 404 403 200 403 404 404 200 200 404"}),
    "units:person_add": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:role_grant": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:block_create": (
        "unit_a",
        {
            "GET": "L 404 404 403 404 404 404 200 200 404",
            "POST": "L 404 404 403 404 404 404 200 200 404",
        },
    ),
    "units:import_start": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:import_template": (
        ("people", "xlsx"),
        {"GET": "L 200 200 200 200 200 200 200 200 200"},
    ),
    "units:import_detail": ("batch", {"GET": "L 404 404 404 404 404 404 404 200 404"}),
    "units:import_apply": ("batch", {"POST": "L 404 404 404 404 404 404 404 302 404"}),
    "units:person_detail": ("person", {"GET": "L 404 200 200 403 404 404 200 200 404"}),
    "units:person_edit": (
        "person",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:person_send_reset": (
        "person",
        {"POST": "L 404 403 403 403 404 404 403 302 404"},
    ),
    "units:leadership": ("unit", {"GET": "L 404 403 200 403 404 404 200 200 404"}),
    "units:leadership_add": (
        "unit",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:signing_rule_set": (
        "unit",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:leadership_edit": (
        "leadership_term",
        {
            "GET": "L 404 403 403 403 404 404 403 200 404",
            "POST": "L 404 403 403 403 404 404 403 200 404",
        },
    ),
    "units:leadership_end": (
        "leadership_term",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 403 403 403 404 404 403 302 404",
        },
    ),
    "units:role_revoke": (
        "membership",
        {"POST": "L 404 403 403 403 404 404 403 302 404"},
    ),
    "units:block_list": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "units:block_detail": ("block", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "units:block_edit": (
        "block",
        {
            "GET": "L 404 403 403 403 404 404 200 200 404",
            "POST": "L 404 403 403 403 404 404 200 200 404",
        },
    ),
    "units:block_member_add": (
        "block",
        {"POST": "L 404 403 403 403 404 404 302 302 404"},
    ),
    "units:block_copy": (
        "block",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 403 403 403 404 404 302 302 404",
        },
    ),
    "units:block_member_remove": (
        "block_member",
        {"POST": "L 404 403 403 403 404 404 302 302 404"},
    ),
    "audit:entry_list": (None, {"GET": "L 403 403 403 403 403 403 403 200 200"}),
    "audit:entry_export": (None, {"GET": "L 403 403 403 403 403 403 403 200 200"}),
    "documents:download": (
        "document",
        {"GET": "L 404 404 200 200 404 404 200 200 404"},
    ),
    "initiatives:list": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "initiatives:export": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "initiatives:create": (
        None,
        {
            "GET": "L 403 200 200 200 403 403 200 200 200",
            "POST": "L 403 200 200 200 403 403 200 200 200",
        },
    ),
    "initiatives:detail": ("main", {"GET": "L 404 200 200 200 200 200 200 200 404"}),
    "initiatives:edit": (
        "draft",
        {
            "GET": "L 404 200 404 403 404 404 404 404 404",
            "POST": "L 404 200 404 403 404 404 404 404 404",
        },
    ),
    "initiatives:submit": ("draft", {"POST": "L 404 302 404 403 404 404 404 404 404"}),
    # A draft has nothing to withdraw, even for its author.
    "initiatives:withdraw": (
        "draft",
        {"POST": "L 404 403 404 403 404 404 404 404 404"},
    ),
    "initiatives:return": (
        "main",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 403 403 403 403 403 403 403 404",
        },
    ),
    "initiatives:accept": ("main", {"POST": "L 404 403 403 403 403 403 403 403 404"}),
    "initiatives:pdf": ("main", {"GET": "L 404 200 200 200 200 200 200 200 404"}),
    "initiatives:attachment_upload": (
        "draft",
        {"POST": "L 404 302 404 403 404 404 404 404 404"},
    ),
    "initiatives:attachment_download": (
        "attachment",
        {"GET": "L 404 200 404 200 404 404 404 404 404"},
    ),
    "initiatives:attachment_delete": (
        "attachment",
        {"POST": "L 404 302 404 403 404 404 404 404 404"},
    ),
    "initiatives:registration_list": (
        None,
        {"GET": "L 200 200 200 200 200 200 200 200 200"},
    ),
    "initiatives:registration_create": (
        None,
        {
            "GET": "L 403 200 200 200 403 403 200 200 200",
            "POST": "L 403 200 200 200 403 403 200 200 200",
        },
    ),
    "initiatives:registration_detail": (
        "registration",
        {"GET": "L 404 200 200 200 404 404 200 200 404"},
    ),
    "initiatives:registration_edit": (
        "registration",
        {
            "GET": "L 404 200 403 403 404 404 403 403 404",
            "POST": "L 404 200 403 403 404 404 403 403 404",
        },
    ),
    "initiatives:registration_withdraw": (
        "registration",
        {"POST": "L 404 302 403 403 404 404 403 403 404"},
    ),
    "initiatives:idea_list": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "initiatives:idea_create": (
        None,
        {
            "GET": "L 403 200 200 200 403 403 200 200 200",
            "POST": "L 403 200 200 200 403 403 200 200 200",
        },
    ),
    "initiatives:idea_detail": (
        "idea",
        {"GET": "L 404 200 200 200 404 404 404 200 404"},
    ),
    "initiatives:idea_comment": (
        "idea",
        {"POST": "L 404 302 302 302 404 404 404 302 404"},
    ),
    "initiatives:idea_close": (
        "idea",
        {"POST": "L 404 302 302 302 404 404 404 302 404"},
    ),
    "initiatives:idea_to_request": (
        "idea",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 302 403 403 404 404 404 403 404",
        },
    ),
    "initiatives:council_list": (
        None,
        {"GET": "L 200 200 200 200 200 200 200 200 200"},
    ),
    "initiatives:council_create": (
        None,
        {
            "GET": "L 403 403 403 403 403 403 403 200 200",
            "POST": "L 403 403 403 403 403 403 403 200 200",
        },
    ),
    "initiatives:council_detail": (
        "council",
        {"GET": "L 404 404 404 404 200 200 200 200 404"},
    ),
    "initiatives:council_edit": (
        "council",
        {
            "GET": "L 404 404 404 404 403 403 403 200 404",
            "POST": "L 404 404 404 404 403 403 403 200 404",
        },
    ),
    "initiatives:council_member_add": (
        "council",
        {"POST": "L 404 404 404 404 403 403 403 200 404"},
    ),
    "initiatives:council_criteria": (
        "council",
        {
            "GET": "L 404 404 404 404 403 403 403 200 404",
            "POST": "L 404 404 404 404 403 403 403 200 404",
        },
    ),
    "initiatives:council_register": (
        "council",
        {"GET": "L 404 404 404 404 403 403 200 200 404"},
    ),
    "initiatives:session_create": (
        "council",
        {
            "GET": "L 404 404 404 404 403 403 200 200 404",
            "POST": "L 404 404 404 404 403 403 200 200 404",
        },
    ),
    "initiatives:council_member_remove": (
        "seat_member",
        {"POST": "L 404 404 404 404 403 403 403 302 404"},
    ),
    "initiatives:item_detail": (
        "item_main",
        {"GET": "L 404 404 404 404 200 200 200 200 404"},
    ),
    "initiatives:item_take_up": (
        "item_proposed",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:item_decline": (
        "item_proposed",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:item_assign": (
        "item_main",
        {"POST": "L 404 404 404 404 403 403 200 200 404"},
    ),
    "initiatives:item_remind": (
        "item_main",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:item_score": (
        "item_main",
        {"POST": "L 404 404 404 404 302 403 403 403 404"},
    ),
    "initiatives:item_conflict": (
        "item_main",
        {"POST": "L 404 404 404 404 302 403 403 403 404"},
    ),
    "initiatives:item_propose": (
        "item_decided",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:my_reviews": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "initiatives:session_detail": (
        "open",
        {"GET": "L 404 404 404 404 200 200 200 200 404"},
    ),
    "initiatives:session_attendance": (
        "open",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:session_open": (
        "session_planned",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:session_close": (
        "open",
        {"POST": "L 404 404 404 404 403 403 403 403 404"},
    ),
    "initiatives:session_documents": (
        "closed",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:agenda_vote": (
        "agenda_open",
        {"POST": "L 404 404 404 404 302 302 403 403 404"},
    ),
    "initiatives:agenda_hands": (
        "agenda_open",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:agenda_note": (
        "agenda_open",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "initiatives:agenda_remove": (
        "agenda_planned",
        {"POST": "L 404 404 404 404 403 403 302 302 404"},
    ),
    "goldbook:list": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "goldbook:book": ("unit", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "goldbook:rollup": ("unit", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "goldbook:print": ("unit", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "goldbook:export": ("unit", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "goldbook:confirm": (
        "waiting",
        {
            "GET": "L 404 404 404 404 404 404 200 200 404",
            "POST": "L 404 404 404 404 404 404 200 200 404",
        },
    ),
    "goldbook:entry": ("entry", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "goldbook:annotate": ("entry", {"POST": "L 404 403 403 403 404 404 302 302 404"}),
    "goldbook:revoke": ("entry", {"POST": "L 404 403 403 403 404 404 302 302 404"}),
    "goldbook:person": ("person", {"GET": "L 404 200 200 403 404 404 200 200 404"}),
    "goldbook:honour": (None, {"GET": "200 200 200 200 200 200 200 200 200 200"}),
    "goldbook:honour_feed": (None, {"GET": "200 200 200 200 200 200 200 200 200 200"}),
    "goldbook:honour_entry": (
        "entry",
        {"GET": "200 200 200 200 200 200 200 200 200 200"},
    ),
    "awards:index": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "awards:records": (None, {"GET": "L 404 200 200 200 404 404 200 200 200"}),
    "awards:record_create": (
        None,
        {
            "GET": "L 404 403 200 403 404 404 200 200 200",
            "POST": "L 404 403 200 403 404 404 200 200 200",
        },
    ),
    "awards:record": ("record", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "awards:record_file": ("record", {"GET": "L 404 404 404 404 404 404 404 404 404"}),
    "awards:pact_create": (
        None,
        {
            "GET": "L 404 403 200 403 404 404 200 200 200",
            "POST": "L 404 403 200 403 404 404 200 200 200",
        },
    ),
    "awards:pact": ("pact", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "awards:pact_file": ("pact", {"GET": "L 404 404 404 404 404 404 404 404 404"}),
    "awards:unit_ratings": (
        "unit",
        {
            "GET": "L 404 200 200 200 404 404 200 200 404",
            "POST": "L 404 403 403 403 404 404 403 403 404",
        },
    ),
    "awards:member_ratings": (
        "unit",
        {
            "GET": "L 404 403 200 403 404 404 200 200 404",
            "POST": "L 404 403 302 403 404 404 302 302 404",
        },
    ),
    "awards:ratings_import": (
        "unit",
        {
            "GET": "L 404 403 200 403 404 404 200 200 404",
            "POST": "L 404 403 200 403 404 404 200 200 404",
        },
    ),
    "awards:ratings_template": (
        ("@unit", "units"),
        {"GET": "L 404 403 200 403 404 404 200 200 404"},
    ),
    "awards:round_create": (
        None,
        {
            "GET": "L 404 404 200 404 404 404 200 200 404",
            "POST": "L 404 404 200 404 404 404 200 200 404",
        },
    ),
    "awards:round": ("award_round", {"GET": "L 404 404 200 404 404 404 200 200 404"}),
    "awards:round_suggest": (
        "award_round",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:round_add": (
        "award_round",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:round_bulk": (
        "award_round",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:selection": (
        "award_round",
        {
            "GET": "L 404 404 200 404 404 404 200 200 404",
            "POST": "L 404 404 403 404 404 404 403 403 404",
        },
    ),
    "awards:candidate": ("candidate", {"GET": "L 404 404 200 404 404 404 200 200 404"}),
    "awards:candidate_attest": (
        "candidate",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:candidate_nominate": (
        "candidate",
        {"POST": "L 404 404 200 404 404 404 200 200 404"},
    ),
    "awards:candidate_withdraw": (
        "candidate",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:candidate_remove": (
        "candidate",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:dossiers": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "awards:dossier_prepare": (
        "award_round",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:dossier_issue": (
        "award_round",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:dossier": ("dossier", {"GET": "L 404 404 200 404 404 404 200 200 404"}),
    "awards:dossier_bundle": (
        "dossier",
        {"GET": "L 404 404 200 404 404 404 200 200 404"},
    ),
    "awards:dossier_zip": ("dossier", {"GET": "L 404 404 200 404 404 404 200 200 404"}),
    "awards:dossier_word": (
        "dossier",
        {"GET": "L 404 404 200 404 404 404 200 200 404"},
    ),
    "awards:submission_edit": (
        "dossier",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 404 302 404 404 404 302 302 404",
        },
    ),
    "awards:dossier_send": (
        "dossier",
        {"POST": "L 404 404 302 404 404 404 302 302 404"},
    ),
    "awards:dossier_accept": (
        "dossier",
        {"POST": "L 404 404 403 404 404 404 403 403 404"},
    ),
    "awards:dossier_return": (
        "dossier",
        {"POST": "L 404 404 403 404 404 404 403 403 404"},
    ),
    "awards:decision_create": (
        "dossier",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 404 403 404 404 404 403 403 404",
        },
    ),
    "awards:summary_edit": (
        "candidate",
        {
            "GET": "L 405 405 405 405 405 405 405 405 405",
            "POST": "L 404 404 302 404 404 404 302 302 404",
        },
    ),
    "awards:summary_word": (
        "candidate",
        {"GET": "L 404 404 200 404 404 404 200 200 404"},
    ),
    "awards:person_awards": (
        "person",
        {"GET": "L 404 200 200 403 404 404 200 200 404"},
    ),
    "awards:unit_awards": ("unit", {"GET": "L 404 200 200 200 404 404 200 200 404"}),
    "awards:report": (None, {"GET": "L 403 403 200 403 403 403 200 200 200"}),
    "awards:report_pdf": (None, {"GET": "L 403 403 200 403 403 403 200 200 200"}),
    "awards:report_xlsx": (None, {"GET": "L 403 403 200 403 403 403 200 200 200"}),
    "awards:report_gaps": (None, {"GET": "L 403 403 200 403 403 403 200 200 200"}),
    "awards:awarded": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "jobs:list": (None, {"GET": "L 200 200 200 200 200 200 200 200 200"}),
    "jobs:start": (None, {"POST": "L 403 403 403 403 403 403 403 403 403"}),
    "jobs:detail": ("job", {"GET": "L 404 404 404 404 404 404 200 404 404"}),
    "jobs:file": ("job", {"GET": "L 404 404 404 404 404 404 404 404 404"}),
}


def url_names() -> set[str]:
    """Every named URL of the project, the Django admin's left out (its own
    staff-only checks; tested in test_the_admin_is_for_superusers)."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


# Query strings some pages need to show anything.
QUERIES = {
    "awards:report_gaps": lambda world: "?gap=launch",
    "awards:round_create": lambda world: f"?unit={world.unit_a.pk}",
}


def path_of(world, name: str, target) -> str:
    """The URL on the target; in a tuple of arguments "@name" is the world's
    object of that name (its primary key), anything else is taken as it is."""
    if target is None:
        args = []
    elif isinstance(target, tuple):
        args = [
            getattr(world, value[1:]).pk
            if isinstance(value, str) and value.startswith("@")
            else value
            for value in target
        ]
    else:
        args = [getattr(world, target).pk]
    query = QUERIES.get(name)
    return reverse(name, args=args) + (query(world) if query else "")


def answer(response) -> str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "L"
    return str(response.status_code)


# Tables a GET may write: the session (a message shown is taken out of it).
GET_MAY_WRITE = ("django_session",)
WRITES = re.compile(r"^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", re.IGNORECASE)


def call(client, method: str, path: str, writes: list | None = None, read=None) -> str:
    """The answer's code; with `writes`, the rows a GET wrote are added to it;
    with `read`, a GET's answer of 200 is read with read(response)."""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = getattr(client, method.lower())(path)
        if read is not None and method == "GET" and response.status_code == 200:
            read(response)
        transaction.set_rollback(True)
    if writes is not None and method == "GET":
        for query in queries.captured_queries:
            match = WRITES.match(query["sql"])
            if match and match[2] not in GET_MAY_WRITE:
                writes.append(f"GET {path}: {match[1]} {match[2]}")
    return answer(response)


@pytest.fixture
def world(cast, media_root):
    return build(cast)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_every_url_is_in_the_matrix():
    assert set(MATRIX) == url_names()


# The matrix runs in parts, so that parallel workers share it.
PARTS = {
    "site": lambda name: ":" not in name,
    "units": lambda name: name.split(":")[0] in ("units", "audit", "jobs", "documents"),
    "requests": lambda name: (
        name.startswith("initiatives:")
        and not name.split(":")[1].startswith(("council", "item", "session", "agenda"))
    ),
    "councils": lambda name: (
        name.startswith("initiatives:")
        and name.split(":")[1].startswith(("council", "item", "session", "agenda"))
    ),
    "goldbook": lambda name: name.startswith("goldbook:"),
    "awards": lambda name: name.startswith("awards:"),
}


def test_the_parts_cover_the_matrix():
    for name in MATRIX:
        assert sum(part(name) for part in PARTS.values()) == 1, name


@pytest.mark.parametrize("part", PARTS)
def test_the_matrix(part, world, client_for):
    names = [name for name in MATRIX if PARTS[part](name)]
    observed = {}
    writes = []
    # The confidential part of every request, marked: no answer shows it to
    # someone the policy does not let read it (initiatives.confidential).
    initiatives, markers = confidential_sweep.plant()
    hidden = {
        role: confidential_sweep.hidden_from(world.roles[role], initiatives, markers)
        for role in ROLES
    }
    leaks, shown = [], []

    def reader(role, path):
        def read(response):
            text = confidential_sweep.readable(response)
            where = f"{role} GET {path}"
            leaks.extend(confidential_sweep.leaks(text, hidden[role], where))
            shown.extend(where for secret in markers.values() if secret in text)

        return read

    for name in names:
        target, expected = MATRIX[name]
        path = path_of(world, name, target)
        for method in expected:
            row = []
            for role in ROLES:
                client = client_for(world.roles[role])
                row.append(call(client, method, path, writes, reader(role, path)))
            observed[(name, method)] = " ".join(row)
    if os.environ.get("MATRIX_PRINT"):
        for name in names:
            target, expected = MATRIX[name]
            rows = ", ".join(
                f'"{method}": "{observed[(name, method)]}"' for method in expected
            )
            print(f'    "{name}": ({target!r}, {{{rows}}}),')
    wrong = [
        f"{name} {method}: expected {MATRIX[name][1][method]}, got {row}"
        for (name, method), row in observed.items()
        if MATRIX[name][1][method] != row
    ]
    assert not wrong, "\n".join(wrong)
    # Reading never writes (no GET view opens a book or records anything).
    assert not writes, "\n".join(sorted(set(writes)))
    assert not leaks, "\n".join(leaks)
    if part == "requests":
        # Those who may read it do see it: the marker is there to be found.
        assert shown


def test_the_admin_is_for_superusers(world, client_for, cast):
    path = reverse("admin:index")
    for role in ROLES:
        response = client_for(world.roles[role]).get(path)
        assert response.status_code == 302, role
        assert response["Location"].startswith(reverse("admin:login")), role
    assert client_for(cast.superuser).get(path).status_code == 200
