from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class DemocracyConfig(AppConfig):
    name = "danvan.democracy"
    label = "democracy"
    verbose_name = _("Grassroots democracy")

    def ready(self) -> None:
        from danvan.democracy import (
            metrics,  # noqa: F401  (registers its figures in lib.metrics)
            rules,  # noqa: F401  (its named permissions)
        )

        register_action_labels(
            {
                "democracy.publication_add": _("Publication registered"),
                "democracy.publish": _("Publication published"),
                "democracy.household_add": _("Household registered"),
                "democracy.household_change": _("Household changed"),
                "democracy.households_import": _("Households imported"),
                "democracy.petition": _("Petition received"),
                "democracy.matter_open": _("Matter put to the vote"),
                "democracy.codes": _("Voting codes issued"),
                "democracy.tally": _("Vote tallied"),
                "democracy.minutes_sent": _("Vote minutes sent"),
                "democracy.recognise": _("Vote result recognised"),
                "democracy.consultation_open": _("Consultation opened"),
                "democracy.comment": _("Comment entered"),
                "democracy.group": _("Comments grouped"),
                "democracy.answer": _("Comment group answered"),
                "democracy.report": _("Consultation report published"),
                "democracy.board_add": _("Board set up"),
                "democracy.member_add": _("Board member added"),
                "democracy.member_leave": _("Board member left"),
                "democracy.plan": _("Supervision plan added"),
                "democracy.finding": _("Finding recorded"),
                "democracy.recommend": _("Recommendation sent"),
                "democracy.dialogue": _("Dialogue recorded"),
            }
        )
