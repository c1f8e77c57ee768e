from django.urls import path

from danvan.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.model_list, name="list"),
    path("counts/", views.model_counts, name="counts"),
    path("new/", views.model_create, name="create"),
    path("similar/", views.similar, name="similar"),
    path("import/", views.import_start, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<str:token>/", views.import_review, name="import_review"),
    path("export/", views.export_start, name="export"),
    path("councils/", views.council_list, name="councils"),
    path("councils/<int:pk>/", views.council_detail, name="council"),
    path("councils/<int:pk>/score/<int:model_pk>/", views.council_score, name="score"),
    path("councils/<int:pk>/classify/<int:model_pk>/", views.council_classify, name="classify"),
    path("<int:pk>/", views.model_detail, name="detail"),
    path("<int:pk>/edit/", views.model_edit, name="edit"),
    path("<int:pk>/move/", views.model_move, name="move"),
    path("<int:pk>/attach/", views.model_attach, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/recognise/", views.model_recognise, name="recognise"),
    path("<int:pk>/replicate/", views.model_replicate, name="replicate"),
    path(
        "<int:pk>/decisions/<int:recognition_pk>.<str:fmt>",
        views.recognition_document,
        name="decision",
    ),
]
