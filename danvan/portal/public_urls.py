"""The citizen's pages, at the root of the site with Vietnamese addresses."""

from django.urls import path

from danvan.portal import views

app_name = "public"
urlpatterns = [
    path("gui-phan-anh/", views.send_feedback, name="send"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/<str:code>/", views.case_detail, name="case"),
    path("tra-cuu/<str:code>/danh-gia/", views.rate, name="rate"),
    path("tra-cuu/<str:code>/mo-lai/", views.reopen, name="reopen"),
    path("tra-cuu/<str:code>/bo-sung/", views.details, name="details"),
    path("bang-xep-hang/", views.scorecards, name="scorecards"),
]
