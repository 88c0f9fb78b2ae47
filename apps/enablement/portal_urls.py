# The portal's library pages, inside the "portal" namespace (apps/portal/urls.py).
from django.urls import path

from . import portal

urlpatterns = [
    path("library/", portal.library, name="library"),
    path("library/<int:pk>/", portal.resource, name="library_resource"),
    path("library/<int:pk>/file/", portal.resource_file, name="library_file"),
    path("documents/<int:pk>/pdf/", portal.document_pdf, name="document_pdf"),
]
