"""Human names of audit action codes (no models here: apps register theirs at start-up)."""

from django.utils.translation import gettext_lazy as _

# Human names of action codes; apps add theirs with register_action_labels().
ACTION_LABELS: dict[str, object] = {
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed login"),
    "auth.locked_out": _("Account locked"),
    "auth.totp_enable": _("Two-step verification on"),
    "auth.totp_disable": _("Two-step verification off"),
    "user.create": _("Account created"),
    "role.assign": _("Role assigned"),
    "role.revoke": _("Role revoked"),
    "unit.create": _("Unit created"),
    "unit.update": _("Unit changed"),
    "unit.move": _("Unit moved"),
    "unit.move_out": _("Unit moved away"),
    "unit.replace": _("Units merged"),
    "unit.load": _("Units loaded"),
    "cluster.members": _("Cluster members changed"),
}


def register_action_labels(labels: dict[str, object]) -> None:
    ACTION_LABELS.update(labels)
