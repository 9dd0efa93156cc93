"""Template context: the active workspace, the user's other workspaces and what their role may do."""

from django.conf import settings
from django_scopes import get_scope

from .brand import brand_of
from .models import Notification
from .roles import MATRIX, is_staff_role
from .tenancy import active_memberships


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = getattr(request, "role", None)
    unread = 0
    # Templates rendered after the request's tenant transaction (allauth renders its messages in on_commit
    # hooks) run outside the tenant's scope: they show no count rather than fail.
    if is_staff_role(role) and "msp" in get_scope():
        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    msp = getattr(request, "msp", None)
    return {
        "brand": brand_of(msp, with_logo=False) if msp is not None else None,
        "unread_notifications": unread,
        "current_msp": msp,
        "current_role": role,
        "is_staff_user": is_staff_role(role),
        "perms_of_role": MATRIX.get(role or "", frozenset()),
        # Read once per request, by the tenant middleware (a template rendered without it reads them here).
        "workspaces": getattr(request, "memberships", None) or active_memberships(user),
        # Sign in with Microsoft is set up: members can link their Microsoft account (docs/security.md).
        "microsoft_sign_in": bool(settings.MICROSOFT_CLIENT_ID),
    }
