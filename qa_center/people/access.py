"""Object-level access for people's own things (404 hides what is not yours)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from qa_center.people.models import Notification

__all__ = ["get_notification_for"]


def get_notification_for(user, pk) -> Notification:
    """One of the user's own notifications; anyone else's, or a pk that is not a number, is 404."""
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(Notification.objects.filter(recipient=user), pk=pk)
