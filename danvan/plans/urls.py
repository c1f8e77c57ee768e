from django.urls import path

from danvan.plans import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/targets/new/", views.target_create, name="add_target"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/cascade/", views.target_cascade, name="cascade"),
    path("targets/<int:pk>/report/", views.target_report, name="report"),
]
