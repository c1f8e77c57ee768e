from django.urls import path

from danvan.contests import views

app_name = "contests"
urlpatterns = [
    path("", views.contest_list, name="list"),
    path("new/", views.contest_create, name="create"),
    path("<int:pk>/", views.contest_detail, name="detail"),
    path("<int:pk>/edit/", views.contest_edit, name="edit"),
    path("<int:pk>/status/", views.contest_status, name="status"),
    path("<int:pk>/clusters/", views.contest_clusters, name="clusters"),
    path("<int:pk>/send-up/", views.send_up, name="send_up"),
    path("<int:pk>/teams/new/", views.team_register, name="register"),
    path("<int:pk>/rounds/new/", views.round_add, name="add_round"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/cluster/", views.team_cluster, name="team_cluster"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/parts/", views.part_add, name="add_part"),
    path("rounds/<int:pk>/judges/", views.judge_add, name="add_judge"),
    path("rounds/<int:pk>/prizes/", views.quota_set, name="set_quota"),
    path("rounds/<int:pk>/certificates.pdf", views.round_certificates, name="certificates"),
    path("rounds/<int:pk>/<slug:name>/", views.round_action, name="round_action"),
    path("parts/<int:pk>/remove/", views.part_remove, name="remove_part"),
    path("judges/<int:pk>/remove/", views.judge_remove, name="remove_judge"),
    path("prizes/<int:pk>/certificate.pdf", views.prize_certificate, name="certificate"),
    path("judging/", views.judging, name="judging"),
    path("judging/<int:round_pk>/", views.judging_round, name="judging_round"),
    path("judging/<int:round_pk>/<int:entry_pk>/<int:part_pk>/", views.sheet, name="sheet"),
    path(
        "judging/<int:round_pk>/<int:entry_pk>/<int:part_pk>/save/",
        views.sheet_save,
        name="sheet_save",
    ),
]
