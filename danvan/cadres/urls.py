from django.urls import path

from danvan.cadres import views

app_name = "cadres"

urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("new/", views.cadre_create, name="create"),
    path("export/", views.cadre_export, name="export"),
    path("import/", views.cadre_import, name="import"),
    path("import/review/<str:token>/", views.import_review, name="import_review"),
    path("import/template/<str:kind>/", views.import_template, name="import_template"),
    path("generations/", views.generations, name="generations"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_form, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_form, name="event_edit"),
    path("events/<int:pk>/programme/", views.event_programme, name="event_programme"),
    path("events/<int:pk>/invite/", views.event_invite, name="event_invite"),
    path(
        "events/<int:pk>/invitees/<int:invitee_pk>/remove/",
        views.event_uninvite,
        name="event_uninvite",
    ),
    path("events/<int:pk>/attendance/", views.event_attendance, name="event_attendance"),
    path("events/<int:pk>/documents/<str:kind>/", views.event_document, name="event_document"),
    path("<int:pk>/", views.cadre_detail, name="detail"),
    path("<int:pk>/edit/", views.cadre_edit, name="edit"),
    path("<int:pk>/sensitive/", views.cadre_sensitive, name="sensitive"),
    path("<int:pk>/sensitive/edit/", views.cadre_sensitive_edit, name="sensitive_edit"),
    path("<int:pk>/postings/new/", views.posting_add, name="posting_add"),
    path("<int:pk>/postings/<int:posting_pk>/edit/", views.posting_edit, name="posting_edit"),
    path("<int:pk>/postings/<int:posting_pk>/delete/", views.posting_delete, name="posting_delete"),
    path("<int:pk>/training/new/", views.training_add, name="training_add"),
    path(
        "<int:pk>/training/<int:training_pk>/delete/",
        views.training_delete,
        name="training_delete",
    ),
    path("<int:pk>/discipline/new/", views.discipline_form, name="discipline_add"),
    path(
        "<int:pk>/discipline/<int:discipline_pk>/edit/",
        views.discipline_form,
        name="discipline_edit",
    ),
]
