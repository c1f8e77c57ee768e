from django.urls import path

from danvan.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.library, name="library"),
    path("<int:pk>/", views.library_detail, name="library_detail"),
    path("language/", views.language, name="language"),
]
