"""The citizen's pages, at the root of the site with Vietnamese addresses."""

from django.urls import path

from danvan.portal import contest_views, home_views, notice_views, views

app_name = "public"
urlpatterns = [
    path("xa-phuong/", home_views.finder, name="finder"),
    path("xa-phuong/<str:slug>/", home_views.commune, name="commune"),
    path("thong-bao/dung/<str:token>/", notice_views.stop, name="stop_notices"),
    path(
        "thong-bao/dung/<str:token>/xac-nhan/",
        notice_views.stop_confirm,
        name="stop_notices_confirm",
    ),
    path("gui-phan-anh/", views.send_feedback, name="send"),
    path("gui-phan-anh/tuong-tu/", views.similar_cases, name="similar"),
    path("phan-anh/<int:pk>/", home_views.shared_case, name="shared_case"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<str:code>/", views.case_detail, name="case"),
    path("tra-cuu/<str:code>/danh-gia/", views.rate, name="rate"),
    path("tra-cuu/<str:code>/mo-lai/", views.reopen, name="reopen"),
    path("tra-cuu/<str:code>/bo-sung/", views.details, name="details"),
    path("bang-xep-hang/", views.scorecards, name="scorecards"),
    path("dan-chu-co-so/", views.democracy, name="democracy"),
    path("dan-chu-co-so/<int:pk>/", views.democracy_commune, name="democracy_commune"),
    path("dan-chu-co-so/lay-y-kien/<int:pk>/", views.consultation, name="consultation"),
    path("dan-chu-co-so/lay-y-kien/<int:pk>/gop-y/", views.comment, name="comment"),
    path("dan-chu-co-so/bieu-quyet/<int:pk>/", views.vote, name="vote"),
    path("dan-chu-co-so/bieu-quyet/<int:pk>/bo-phieu/", views.ballot, name="ballot"),
    path("hoi-thi/", contest_views.contests, name="contests"),
    path("hoi-thi/<int:pk>/", contest_views.contest_results, name="contest"),
    path("hoi-thi/<int:pk>/bang-diem/", contest_views.scoreboard, name="scoreboard"),
    path("hoi-thi/<int:pk>/bang-diem/bang/", contest_views.scoreboard_table, name="board"),
]
