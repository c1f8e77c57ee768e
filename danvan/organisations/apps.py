from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class OrganisationsConfig(AppConfig):
    name = "danvan.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        register_action_labels(
            {
                "rules.added": _("Rule added"),
                "rules.changed": _("Rule changed"),
                "rules.revised": _("Rule revised (successor added)"),
                "rules.closed": _("Rule closed"),
            }
        )
