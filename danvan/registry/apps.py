from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class RegistryConfig(AppConfig):
    name = "danvan.registry"
    label = "registry"
    verbose_name = _("“Dân vận khéo” registry")

    def ready(self) -> None:
        # The worker process must know the registry's job handlers (imports, exports).
        from danvan.registry import (
            metrics,  # noqa: F401  (registers its figures in lib.metrics)
            transfer,  # noqa: F401
        )

        register_action_labels(
            {
                "registry.register": _("Model registered"),
                "registry.update": _("Model changed"),
                "registry.launched": _("Model launched"),
                "registry.under_review": _("Model under review"),
                "registry.good": _("Model classified good"),
                "registry.weak": _("Model classified weak"),
                "registry.strengthened": _("Model strengthened"),
                "registry.replicating": _("Model being replicated"),
                "registry.withdrawn": _("Model withdrawn"),
                "registry.recognised": _("Model recognised"),
                "registry.commended": _("Model commended"),
                "registry.score": _("Council scores"),
                "registry.classify": _("Council result"),
                "registry.recognise": _("Recognition decision"),
                "registry.commend": _("Commendation decision"),
                "registry.replicate": _("Replication recorded"),
                "registry.attach": _("File attached"),
                "registry.import": _("Models imported"),
                "registry.generate": _("Demo models generated"),
            }
        )
