from django.urls import path

from . import views

app_name = "tiers"
urlpatterns = [
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/approve/", views.proposals_bulk_approve, name="bulk_approve"),
    path("proposals/<int:pk>/<slug:name>/", views.proposal_act, name="proposal_act"),
    path("settings/", views.tier_settings, name="settings"),
    path("settings/new/", views.tier_create, name="create"),
    path("settings/<int:pk>/edit/", views.tier_edit, name="edit"),
    path("settings/<int:pk>/delete/", views.tier_delete_view, name="delete"),
    path("exchange-rates/", views.rates, name="rates"),
    path("exchange-rates/<int:pk>/edit/", views.rate_edit, name="rate_edit"),
    path("exchange-rates/<int:pk>/delete/", views.rate_delete, name="rate_delete"),
]
