from django.urls import path

from danvan.reports import views_dashboard as views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("<int:pk>/", views.dashboard, name="unit"),
    path("<int:pk>/drill/<str:code>/", views.drill, name="drill"),
]
