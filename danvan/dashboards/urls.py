from django.urls import path

from danvan.dashboards import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("<int:pk>/", views.dashboard, name="unit"),
    path("<int:pk>/drill/<str:code>/", views.drill, name="drill"),
]
