from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class VoiceConfig(AppConfig):
    name = "danvan.voice"
    label = "voice"
    verbose_name = _("Citizen's voice")

    def ready(self) -> None:
        from danvan.voice import (
            metrics,  # noqa: F401  (registers its figures in lib.metrics)
            signals,  # noqa: F401  (keeps case paths in step with the tree)
        )

        register_action_labels(
            {
                "voice.submit": _("Case received"),
                "voice.accept": _("Case accepted"),
                "voice.start": _("Handling started"),
                "voice.answer": _("Case answered"),
                "voice.close": _("Case closed"),
                "voice.merge": _("Case merged into a similar one"),
                "voice.merge_in": _("Similar case merged in"),
                "voice.reject": _("Case rejected"),
                "voice.forward": _("Case forwarded"),
                "voice.extend": _("Deadline extended"),
                "voice.reopen": _("Case reopened"),
                "voice.rate": _("Case rated"),
                "voice.assign": _("Case assigned"),
                "voice.overdue": _("Case overdue"),
                "voice.escalate": _("Case escalated"),
                "voice.forward_overdue": _("Forward deadline passed"),
                "voice.details": _("Missing details received"),
                "voice.information": _("Kept as information"),
                "voice.settle": _("Use of the information recorded"),
                "voice.recompute": _("Deadlines recomputed"),
                "voice.reporter_read": _("Reporter identity read"),
                "voice.session": _("Reception session opened"),
                "voice.api_key": _("API key issued"),
                "voice.api_key_revoke": _("API key revoked"),
            }
        )
