from django.http import HttpRequest

from xiaoguan.core import navigation, notifications


def shell(request: HttpRequest) -> dict:
    """What the layout needs: the sidebar for this user, the inbox badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {
        "nav_items": navigation.items_for(user, request.path),
        "inbox_unread": notifications.unread_count(user=user),
    }
