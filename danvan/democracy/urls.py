from django.urls import path

from danvan.democracy import views

app_name = "democracy"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.commune, name="commune"),
    path("<int:pk>/publications/", views.publications, name="publications"),
    path("<int:pk>/votes/", views.votes, name="votes"),
    path("<int:pk>/consultations/", views.consultations, name="consultations"),
    path("<int:pk>/boards/", views.boards, name="boards"),
    path("<int:pk>/dialogues/", views.dialogues, name="dialogues"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("hamlets/<int:pk>/", views.hamlet, name="hamlet"),
    path("hamlets/<int:pk>/import/", views.households_import, name="households_import"),
    path("households/<int:pk>/", views.household_edit, name="household"),
    path("votes/<int:pk>/", views.matter, name="matter"),
    path("votes/<int:pk>/slips/", views.matter_slips, name="slips"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("boards/<int:pk>/", views.board, name="board"),
    path("dialogues/<int:pk>/", views.dialogue, name="dialogue"),
]
