from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    name = "danvan.lib"
    label = "lib"
    verbose_name = _("System")

    def ready(self) -> None:
        from danvan.lib import signals  # noqa: F401  (connects the login audit receivers)
