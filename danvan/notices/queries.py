"""The staff notifications a user may read: their own, and no one else's."""

from django.shortcuts import get_object_or_404

from danvan.notices.models import StaffNotification


def notifications_for(user):
    """The user's notifications for their centre, newest first."""
    return StaffNotification.objects.filter(user=user).order_by("-created_at", "-id")


def get_notification_for_user(user, pk: int) -> StaffNotification:
    """One of the user's notifications; 404 for a missing one and for another user's."""
    return get_object_or_404(StaffNotification, pk=pk, user=user)
