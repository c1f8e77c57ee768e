"""The unread count of the staff header's notification link, read only when shown."""

from danvan.notices.services import unread_count


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: the template calls it only where the header shows the link.
    return {"unread_notifications": lambda: unread_count(user)}
