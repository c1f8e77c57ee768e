from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class CoreConfig(AppConfig):
    """The kernel every app builds on: the audit trail, the calendar overrides, jobs."""

    name = "danvan.core"
    label = "core"
    verbose_name = _("System")

    def ready(self) -> None:
        from danvan.core import signals  # noqa: F401  (connects the login audit receivers)

        register_action_labels(
            {
                "import.synonym_save": _("Import heading saved"),
                "core.text_model": _("Text model trained"),
                "import.synonym_delete": _("Import heading removed"),
                "import.mapping_remember": _("Column mapping remembered"),
            }
        )
