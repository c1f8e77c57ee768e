from django.urls import path

from danvan.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.home, name="home"),
    path("nominations/", views.nomination_list, name="nominations"),
    path("nominations/new/", views.nomination_create, name="nominate"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/edit/", views.nomination_edit, name="edit"),
    path("nominations/<int:pk>/evidence/", views.nomination_evidence, name="evidence"),
    path("nominations/<int:pk>/submit/", views.nomination_submit, name="submit"),
    path("nominations/<int:pk>/withdraw/", views.nomination_withdraw, name="withdraw"),
    path("nominations/<int:pk>/forward/", views.nomination_forward, name="forward"),
    path("nominations/<int:pk>/return/", views.nomination_return, name="return"),
    path("nominations/<int:pk>/vote/", views.nomination_vote, name="vote"),
    path("nominations/<int:pk>/close/", views.nomination_close, name="close_vote"),
    path("nominations/<int:pk>/case/", views.nomination_link_case, name="link_case"),
    path("councils/", views.council_form, name="council"),
    path("decide/", views.decide, name="decide"),
    path("send-up/", views.send_up, name="send_up"),
    path("send-up/submission/", views.submission_file, name="submission"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path(
        "decisions/<int:pk>/document.<str:fmt>",
        views.decision_document_view,
        name="decision_document",
    ),
    path("list/", views.award_list, name="list"),
    path("list/export/", views.award_export, name="export"),
    path("list/import/", views.award_import, name="import"),
    path("<int:pk>/", views.award_detail, name="award"),
    path("<int:pk>/revoke/", views.award_revoke, name="revoke"),
    path("<int:pk>/certificate.pdf", views.award_certificate_view, name="certificate"),
    path(
        "cadres/<int:cadre_pk>/training/<int:pk>/certificate.pdf",
        views.training_certificate_view,
        name="training_certificate",
    ),
    path("models/<int:pk>/commend/", views.commend_model, name="commend_model"),
    path("events/<int:pk>/", views.event_awards, name="event_awards"),
    path("eligible/", views.eligible_list, name="eligible"),
    path("eligible/run/", views.eligibility_run, name="run"),
    path("eligible/<int:pk>/", views.verdict_detail, name="verdict"),
]
