from django.urls import path

from danvan.voice import views

app_name = "voice"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("scorecard/", views.scorecard_page, name="scorecard"),
    path("reception/", views.reception, name="reception"),
    path("reception/units/<int:unit_pk>/", views.unit_sessions, name="sessions"),
    path("reception/units/<int:unit_pk>/new/", views.session_create, name="session_create"),
    path("reception/sessions/<int:pk>/", views.session_detail, name="session"),
    path("reception/sessions/<int:pk>/visit/", views.session_visit, name="session_visit"),
    path("<int:pk>/", views.case_detail, name="detail"),
    *[
        path(f"<int:pk>/{action}/", views.case_action, {"action": action}, name=action)
        for action in views.ACTIONS
    ],
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
