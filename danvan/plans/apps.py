from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class PlansConfig(AppConfig):
    name = "danvan.plans"
    label = "plans"
    verbose_name = _("Campaigns and targets")

    def ready(self) -> None:
        register_action_labels(
            {
                "plans.open_campaign": _("Campaign opened"),
                "plans.set_target": _("Target set"),
                "plans.cascade_target": _("Target cascaded"),
                "plans.report_progress": _("Progress reported"),
            }
        )
