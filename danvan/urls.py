from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from danvan.core import views as core_views
from danvan.portal import home_views as portal_home

admin.site.site_header = "DanVan"
admin.site.site_title = "DanVan"

urlpatterns = [
    path("", portal_home.home, name="home"),
    path("units/", include("danvan.organisations.urls")),
    path("accounts/", include("danvan.accounts.urls")),
    path("registry/", include("danvan.registry.urls")),
    path("cases/", include("danvan.voice.urls")),
    path("cadres/", include("danvan.cadres.urls")),
    path("dashboard/", include("danvan.dashboards.urls")),
    path("reports/", include("danvan.reports.urls")),
    path("opinion/", include("danvan.opinion.urls")),
    path("campaigns/", include("danvan.plans.urls")),
    path("democracy/", include("danvan.democracy.urls")),
    path("contests/", include("danvan.contests.urls")),
    path("awards/", include("danvan.awards.urls")),
    path("notifications/", include("danvan.notices.urls")),
    path("library/", include("danvan.portal.urls")),
    path("", include("danvan.portal.public_urls")),
    path("open311/v2/", include("danvan.api.urls")),
    path("healthz/", core_views.health, name="health"),
    path("jobs/<str:token>/", core_views.job_detail, name="job"),
    path("jobs/<str:token>/download/", core_views.job_download, name="job_download"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
# Uploaded files are never served from MEDIA_URL: each app serves them through a view
# that checks the reader's scope.
