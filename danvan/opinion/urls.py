from django.urls import path

from danvan.opinion import views

app_name = "opinion"
urlpatterns = [
    path("", views.synthesis_page, name="synthesis"),
    path("missing/", views.missing_page, name="missing"),
    path("export.<str:fmt>", views.synthesis_export, name="export"),
    path("collaborators/", views.collaborator_list, name="collaborators"),
    path("collaborators/new/", views.collaborator_new, name="collaborator_new"),
    path("collaborators/<int:pk>/identity/", views.collaborator_identity, name="identity"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/acknowledge/", views.report_acknowledge, name="acknowledge"),
    path("items/<int:pk>/handle/", views.item_handle, name="handle"),
    path("themes/", views.theme_list, name="themes"),
    path("themes/<int:pk>/", views.theme_detail, name="theme"),
    path("language/", views.language_page, name="language"),
]
