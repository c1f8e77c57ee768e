from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "danvan.reports"
    label = "reports"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        # The worker process must know the export job handlers and the audit labels.
        from danvan.reports import documents, services  # noqa: F401
