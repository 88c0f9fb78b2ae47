from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("partners.csv", views.export_partners, name="partners_csv"),
    path("registrations.csv", views.export_registrations, name="registrations_csv"),
    path("qbrs.csv", views.export_qbrs, name="qbrs_csv"),
    path("contacts.csv", views.export_contacts, name="contacts_csv"),
    path("library-adoption.csv", views.export_adoption, name="adoption_csv"),
    path("templates/<slug:kind>.csv", views.template_csv, name="template"),
    path("import/", views.upload, name="upload"),
    path("import/<uuid:pk>/", views.preview, name="preview"),
    path("import/<uuid:pk>/confirm/", views.confirm, name="confirm"),
    path("payout-batches/<int:pk>.csv", views.export_payout_batch, name="payout_batch_csv"),
]
