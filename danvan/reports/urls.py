from django.urls import path

from danvan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/open/", views.template_open, name="open_period"),
    path("templates/<int:pk>/periods/<str:start>/", views.period_detail, name="period"),
    path(
        "templates/<int:pk>/periods/<str:start>/export/",
        views.period_export,
        name="period_export",
    ),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/review/", views.report_review, name="review"),
    path("<int:pk>/export.<str:fmt>", views.report_export, name="report_export"),
]
