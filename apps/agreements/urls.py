from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_create_view, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/transitions/<slug:name>/", views.agreement_run_transition, name="transition"),
    path("<int:pk>/document/", views.agreement_document, name="document"),
    path("templates/", views.agreement_templates, name="templates"),
    path("templates/<int:pk>/", views.agreement_template_edit, name="template_edit"),
]
