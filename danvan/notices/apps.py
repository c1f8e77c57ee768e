from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "danvan.notices"
    label = "notices"
    verbose_name = _("Notices to citizens")

    def ready(self) -> None:
        from danvan.notices import signals  # noqa: F401  (a case's steps queue their notices)
