from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class CadresConfig(AppConfig):
    name = "danvan.cadres"
    label = "cadres"
    verbose_name = _("Cadres")

    def ready(self) -> None:
        # The worker process must know the export's job handler.
        from danvan.cadres import (
            signals,  # noqa: F401  (moves the records' version on with every change)
            transfer,  # noqa: F401
        )

        register_action_labels(
            {
                "cadres.create": _("Cadre profile created"),
                "cadres.update": _("Cadre profile changed"),
                "cadres.posting_add": _("Posting added"),
                "cadres.posting_change": _("Posting changed"),
                "cadres.posting_delete": _("Posting removed"),
                "cadres.training_add": _("Training recorded"),
                "cadres.training_delete": _("Training removed"),
                "cadres.discipline_add": _("Discipline recorded"),
                "cadres.discipline_change": _("Discipline changed"),
                "cadres.sensitive_set": _("Sensitive data recorded"),
                "cadres.sensitive_read": _("Sensitive data read"),
                "cadres.event_create": _("Generations event created"),
                "cadres.event_update": _("Generations event changed"),
                "cadres.invite": _("Cadres invited"),
                "cadres.uninvite": _("Invitation withdrawn"),
                "cadres.attendance": _("Attendance recorded"),
                "cadres.import": _("Cadres imported"),
                "cadres.generate": _("Demo cadres generated"),
            }
        )
