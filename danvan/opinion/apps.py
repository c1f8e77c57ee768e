from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "danvan.opinion"
    label = "opinion"
    verbose_name = _("Public opinion")

    def ready(self) -> None:
        # The permissions and the audit labels must be known before the first request.
        from danvan.opinion import language, rules, services  # noqa: F401
