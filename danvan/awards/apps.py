from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class AwardsConfig(AppConfig):
    name = "danvan.awards"
    label = "awards"
    verbose_name = _("Emulation and commendation")

    def ready(self) -> None:
        from danvan.awards import hooks, rules, transfer  # noqa: F401  (permissions, jobs, panels)

        register_action_labels(
            {
                "awards.nominate": _("Nomination file opened"),
                "awards.change_nomination": _("Nomination file changed"),
                "awards.add_evidence": _("Evidence added to a nomination"),
                "awards.submit": _("Nomination sent up"),
                "awards.forward": _("Nomination forwarded up"),
                "awards.return": _("Nomination returned to the proposing unit"),
                "awards.withdraw": _("Nomination withdrawn"),
                "awards.vote": _("Council member voted"),
                "awards.close_vote": _("Council vote closed"),
                "awards.send_up": _("Nomination sent to the external authority"),
                "awards.decide": _("Award decision issued"),
                "awards.record_external": _("External award decision recorded"),
                "awards.revoke": _("Award revoked"),
                "awards.commend_model": _("Practice model commended"),
                "awards.link_case": _("Pending case linked to a nominee"),
                "awards.import": _("Awards imported"),
                "awards.council": _("Emulation council set up"),
                "awards.eligibility": _("Eligibility run"),
            }
        )
