from django.urls import path

from danvan.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("<int:pk>/children/", views.unit_children, name="children"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/add/", views.unit_add_child, name="add_child"),
    path("<int:pk>/move/", views.unit_move, name="move"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("import/", views.units_import, name="import"),
]
