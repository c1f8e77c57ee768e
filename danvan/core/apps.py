from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The kernel every app builds on: the audit trail, the calendar overrides, jobs."""

    name = "danvan.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from danvan.core import signals  # noqa: F401  (connects the login audit receivers)
