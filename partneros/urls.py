from django.contrib import admin
from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from apps.accounts.api import ObtainToken
from apps.core.api import DocsView, NoSuchEndpoint, SchemaView, answered_before_commit
from apps.core.discovery import app_modules
from apps.core.views import healthz
from apps.dashboard.views import fresh, root
from apps.people.views import invitation_accept_view

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
# Each app's endpoints (`routes` in apps/<app>/api.py), discovered from INSTALLED_APPS.
for _module in app_modules("api"):
    for prefix, viewset, basename in _module.routes:
        router.register(prefix, viewset, basename=basename)

api_patterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (docs/?script=): no inline script,
    # so the page needs no exception to the Content-Security-Policy.
    # GET only: its HTML renderer has no template for an OPTIONS answer (a 500); 405 instead.
    path(
        "docs/",
        DocsView.as_view(url_name="schema", http_method_names=["get", "head"]),
        name="api-docs",
    ),
    *router.urls,
    # Last: any other address under /api/v1/ is a JSON 404, whatever the method.
    re_path(r"^(?P<rest>.*)$", NoSuchEndpoint.as_view(), name="api-not-found"),
]
# Every write's answer is built before its commit (apps/core/api.py answered_before_commit).
for _pattern in api_patterns:
    _pattern.callback = answered_before_commit(_pattern.callback)

urlpatterns = [
    path("", root, name="home"),
    path("dashboard/fresh", fresh, name="dashboard-fresh"),
    path("healthz", healthz, name="healthz"),
    # The invitee's page behind the e-mailed link (DESIGN.md section 13).
    path("accounts/invitation/<str:token>/", invitation_accept_view, name="invitation_accept"),
    path("accounts/", include("apps.accounts.urls")),
    path("notifications/", include("apps.notifications.urls")),
    # Before the partners app's pages: the public partner locator (no sign-in).
    path("partners/find/", include("apps.locator.public_urls")),
    path("partners/", include("apps.partners.urls")),
    path("program/", include("apps.program.urls")),
    path("agreements/", include("apps.agreements.urls")),
    path("registrations/", include("apps.deals.urls")),
    path("qbrs/", include("apps.qbrs.urls")),
    path("tiers/", include("apps.tiers.urls")),
    path("onboarding/", include("apps.onboarding.urls")),
    path("exchange/", include("apps.exchange.urls")),
    path("people/", include("apps.people.urls")),
    path("leads/", include("apps.leads.urls")),
    path("", include("apps.enablement.urls")),
    path("portal/", include("apps.portal.urls")),
    path("apply/", include("apps.applications.public_urls")),
    path("applications/", include("apps.applications.urls")),
    path("locator/", include("apps.locator.urls")),
    path("funds/", include("apps.funds.urls")),
    path("api/v1/", include(api_patterns)),
    # The API's root without its slash: a JSON 404 too, not the HTML redirect of APPEND_SLASH.
    path("api/v1", NoSuchEndpoint.as_view(), name="api-root-no-slash"),
    path("admin/", admin.site.urls),
]

# No route serves MEDIA_ROOT, not even under DEBUG: every stored file (agreement documents,
# attachments, claims' proofs) is served by a view that checked who may see it
# (apps.core.uploads.download).
