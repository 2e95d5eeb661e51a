from django.urls import path

from goldbook import public, views

app_name = "goldbook"

urlpatterns = [
    path("goldbook/", views.book_list, name="list"),
    path("goldbook/units/<int:unit_pk>/", views.book_detail, name="book"),
    path("goldbook/units/<int:unit_pk>/rollup/", views.rollup, name="rollup"),
    path("goldbook/units/<int:unit_pk>/print.pdf", views.book_print, name="print"),
    path("goldbook/units/<int:unit_pk>/export.xlsx", views.book_export, name="export"),
    path("goldbook/proposals/<int:item_pk>/", views.entry_confirm, name="confirm"),
    path("goldbook/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("goldbook/entries/<int:pk>/annotate/", views.entry_annotate, name="annotate"),
    path("goldbook/entries/<int:pk>/revoke/", views.entry_revoke, name="revoke"),
    path("goldbook/people/<int:user_pk>/", views.person_entries, name="person"),
    path("honour/", public.honour_list, name="honour"),
    path("honour/feed.atom", public.honour_feed, name="honour_feed"),
    path("honour/<int:pk>/", public.honour_entry, name="honour_entry"),
]
