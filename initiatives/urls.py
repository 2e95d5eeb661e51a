from django.urls import path

from initiatives.views import councils, registrations, requests, sessions

app_name = "initiatives"

urlpatterns = [
    path("initiatives/", requests.initiative_list, name="list"),
    path("initiatives/export.xlsx", requests.initiative_export, name="export"),
    path("initiatives/new/", requests.initiative_create, name="create"),
    path("initiatives/<int:pk>/", requests.initiative_detail, name="detail"),
    path("initiatives/<int:pk>/edit/", requests.initiative_edit, name="edit"),
    path("initiatives/<int:pk>/submit/", requests.initiative_submit, name="submit"),
    path(
        "initiatives/<int:pk>/withdraw/", requests.initiative_withdraw, name="withdraw"
    ),
    path("initiatives/<int:pk>/return/", requests.initiative_return, name="return"),
    path("initiatives/<int:pk>/accept/", requests.initiative_accept, name="accept"),
    path("initiatives/<int:pk>/pdf/", requests.initiative_pdf, name="pdf"),
    path(
        "initiatives/<int:pk>/attachments/",
        requests.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "attachments/<int:pk>/",
        requests.attachment_download,
        name="attachment_download",
    ),
    path(
        "attachments/<int:pk>/delete/",
        requests.attachment_delete,
        name="attachment_delete",
    ),
    path("registrations/", registrations.registration_list, name="registration_list"),
    path(
        "registrations/new/",
        registrations.registration_create,
        name="registration_create",
    ),
    path(
        "registrations/<int:pk>/",
        registrations.registration_detail,
        name="registration_detail",
    ),
    path(
        "registrations/<int:pk>/edit/",
        registrations.registration_edit,
        name="registration_edit",
    ),
    path(
        "registrations/<int:pk>/withdraw/",
        registrations.registration_withdraw,
        name="registration_withdraw",
    ),
    path("ideas/", registrations.idea_list, name="idea_list"),
    path("ideas/new/", registrations.idea_create, name="idea_create"),
    path("ideas/<int:pk>/", registrations.idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/comments/", registrations.idea_comment, name="idea_comment"),
    path("ideas/<int:pk>/close/", registrations.idea_close, name="idea_close"),
    path(
        "ideas/<int:pk>/to-request/",
        registrations.idea_to_request,
        name="idea_to_request",
    ),
    path("councils/", councils.council_list, name="council_list"),
    path("councils/new/", councils.council_create, name="council_create"),
    path("councils/<int:pk>/", councils.council_detail, name="council_detail"),
    path("councils/<int:pk>/edit/", councils.council_edit, name="council_edit"),
    path(
        "councils/<int:pk>/members/",
        councils.council_member_add,
        name="council_member_add",
    ),
    path(
        "councils/<int:pk>/criteria/",
        councils.council_criteria,
        name="council_criteria",
    ),
    path(
        "councils/<int:pk>/register.xlsx",
        councils.council_register,
        name="council_register",
    ),
    path(
        "councils/<int:pk>/sessions/new/",
        sessions.session_create,
        name="session_create",
    ),
    path(
        "council-members/<int:pk>/remove/",
        councils.council_member_remove,
        name="council_member_remove",
    ),
    path("council-items/<int:pk>/", councils.item_detail, name="item_detail"),
    path("council-items/<int:pk>/take-up/", councils.item_take_up, name="item_take_up"),
    path("council-items/<int:pk>/decline/", councils.item_decline, name="item_decline"),
    path("council-items/<int:pk>/reviewers/", councils.item_assign, name="item_assign"),
    path("council-items/<int:pk>/remind/", councils.item_remind, name="item_remind"),
    path("council-items/<int:pk>/score/", councils.item_score, name="item_score"),
    path(
        "council-items/<int:pk>/conflict/", councils.item_conflict, name="item_conflict"
    ),
    path("council-items/<int:pk>/propose/", councils.item_propose, name="item_propose"),
    path("reviews/", councils.my_reviews, name="my_reviews"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path(
        "sessions/<int:pk>/attendance/",
        sessions.session_attendance,
        name="session_attendance",
    ),
    path("sessions/<int:pk>/open/", sessions.session_open, name="session_open"),
    path("sessions/<int:pk>/close/", sessions.session_close, name="session_close"),
    path(
        "sessions/<int:pk>/documents/",
        sessions.session_documents,
        name="session_documents",
    ),
    path("agenda/<int:pk>/vote/", sessions.agenda_vote, name="agenda_vote"),
    path("agenda/<int:pk>/hands/", sessions.agenda_hands, name="agenda_hands"),
    path("agenda/<int:pk>/note/", sessions.agenda_note, name="agenda_note"),
    path("agenda/<int:pk>/remove/", sessions.agenda_remove, name="agenda_remove"),
]
