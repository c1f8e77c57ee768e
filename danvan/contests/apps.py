from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from danvan.lib.actions import register_action_labels


class ContestsConfig(AppConfig):
    name = "danvan.contests"
    label = "contests"
    verbose_name = _("“Dân vận khéo” contests")

    def ready(self) -> None:
        register_action_labels(
            {
                "contests.create": _("Contest created"),
                "contests.update": _("Contest changed"),
                "contests.status": _("Contest status changed"),
                "contests.clusters": _("Contest clusters set"),
                "contests.register_team": _("Team registered"),
                "contests.update_team": _("Team changed"),
                "contests.team_cluster": _("Team placed in a cluster"),
                "contests.add_round": _("Round added"),
                "contests.update_round": _("Round changed"),
                "contests.add_part": _("Part added"),
                "contests.remove_part": _("Part removed"),
                "contests.prize_quota": _("Prizes of a round set"),
                "contests.assign_judge": _("Judge assigned"),
                "contests.remove_judge": _("Judge removed"),
                "contests.open_round": _("Round opened for scoring"),
                "contests.score": _("Score saved"),
                "contests.reveal": _("Scores shown on the scoreboard"),
                "contests.draw": _("Tie broken by a draw"),
                "contests.close_round": _("Round closed"),
                "contests.reopen_round": _("Round reopened"),
                "contests.confirm_round": _("Round results confirmed"),
                "contests.publish_round": _("Round results published"),
                "contests.send_up": _("Winners sent to the contest above"),
            }
        )
