from django.urls import path

from . import views

app_name = "enablement"
urlpatterns = [
    path("library/", views.library, name="library"),
    path("library/new/", views.resource_new, name="resource_new"),
    path("library/<int:pk>/", views.resource_detail, name="resource"),
    path("library/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("library/<int:pk>/publish/", views.resource_publish, name="resource_publish"),
    path("library/<int:pk>/file/", views.resource_file, name="resource_file"),
    path(
        "library/<int:pk>/versions/<int:version_pk>/file/",
        views.version_file,
        name="version_file",
    ),
    path("library/<int:pk>/use/", views.use_template, name="use_template"),
    path("documents/<int:pk>/", views.document_edit, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
]
