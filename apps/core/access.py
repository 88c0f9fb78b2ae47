"""Who may open which door: the main app (admins, managers) and the portal (partner users)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from rest_framework.permissions import SAFE_METHODS, BasePermission

# Partner roles (DESIGN.md section 13; the values of accounts.PartnerRole — core names no app).
# What each group of portal acts needs, declared once; pages (`partner_role_required`) and API
# views (`partner_roles`, read by HasAccess) name these. Least privilege: a role not listed
# is refused (403), whatever the door.
EVERY_PARTNER_ROLE = frozenset({"admin", "member", "finance"})
WORKS_DEALS = frozenset({"admin", "member"})  # registers deals, asks extensions, withdraws
WORKS_TASKS = frozenset({"admin", "member"})  # ticks onboarding tasks and QBR action items
READS_AGREEMENTS = frozenset({"admin", "finance"})  # the commercial terms
SIGNS_AGREEMENTS = frozenset({"admin"})
MANAGES_TEAM = frozenset({"admin"})  # users, invitations, contacts of their own company
MANAGES_COMPANY = frozenset({"admin"})  # its reach (countries, specializations), locator listing
WORKS_LEADS = frozenset({"admin", "member"})  # the lead inbox: accept, reject, convert
WORKS_FUNDS = frozenset({"admin", "member"})  # requests market development funds, claims them
READS_EARNINGS = frozenset({"admin", "finance"})  # the company's rebates and their payouts

PARTNER_ROLE_REFUSED = _("Your partner role does not allow this. Ask your company's partner admin.")


def partner_role_allows(user, roles) -> bool:
    """Staff are not concerned; a partner user must hold one of `roles`."""
    return not getattr(user, "is_partner_user", False) or user.partner_role in roles


def _anonymous(request):
    return redirect_to_login(request.get_full_path())


def staff_required(view):
    """Main-app pages: admins and managers. Partner users are sent to their portal."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _anonymous(request)
        if user.is_partner_user:
            return redirect("portal:home")
        return view(request, *args, **kwargs)

    return wrapper


def admin_required(view):
    """Program configuration: admins only (managers get 403, partner users their portal)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _anonymous(request)
        if user.is_partner_user:
            return redirect("portal:home")
        if not user.is_admin:
            raise PermissionDenied(_("Only admins configure the program."))
        return view(request, *args, **kwargs)

    return wrapper


def portal_required(view):
    """Portal pages: partner users whose company still has portal access."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _anonymous(request)
        if not user.is_partner_user:
            return redirect("home")
        if not user.has_portal_access:
            raise PermissionDenied(_("Your company no longer has access to the partner portal."))
        return view(request, *args, **kwargs)

    return wrapper


def partner_role_required(roles):
    """A portal page for some partner roles only (after `portal_required`): the others get 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not partner_role_allows(request.user, roles):
                raise PermissionDenied(PARTNER_ROLE_REFUSED)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def view_partner_roles(view) -> frozenset[str]:
    """The partner roles an API view's action is for: `view.partner_roles` maps an action (or
    "run_transition:<name>") to roles; unnamed actions are for every role."""
    table = getattr(view, "partner_roles", None) or {}
    action = getattr(view, "action", None)
    name = getattr(view, "kwargs", {}).get("name")
    if action == "run_transition" and f"run_transition:{name}" in table:
        return table[f"run_transition:{name}"]
    return table.get(action, table.get("*", EVERY_PARTNER_ROLE))


class IsStaffRole(BasePermission):
    message: StrOrPromise = _("Only admins and partner managers may do this.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff_role)


class IsAdminRole(BasePermission):
    message: StrOrPromise = _("Only admins may do this.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_admin)


class IsAdminOrReadOnly(BasePermission):
    message: StrOrPromise = _("Only admins may change this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.is_admin


class HasAccess(BasePermission):
    """Any authenticated user, but partner users only while their company has portal access."""

    message: StrOrPromise = _("Your company no longer has access to PartnerOS.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.is_partner_user:
            return True
        if not user.has_portal_access:
            return False
        if not partner_role_allows(user, view_partner_roles(view)):
            self.message = str(PARTNER_ROLE_REFUSED)
            return False
        return True


class StaffActionsOnVisibleObjects(BasePermission):
    """Any user with access reads; the view's `staff_actions` are for admins and managers.

    On one object the role is checked after the lookup, so a partner user naming an object it
    cannot see gets the 404 of a missing one (DESIGN.md section 1), and 403 only on its own."""

    message = IsStaffRole.message

    def has_permission(self, request, view):
        if not HasAccess().has_permission(request, view):
            return False
        if view.action in view.staff_actions and not view.detail:
            return request.user.is_staff_role
        return True

    def has_object_permission(self, request, view, obj):
        return view.action not in view.staff_actions or request.user.is_staff_role
