from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """Machine interfaces: Open311 GeoReport v2 (no models of its own)."""

    name = "danvan.api"
    label = "api"
    verbose_name = _("Interfaces for other systems")
