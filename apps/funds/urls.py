from django.urls import path

from . import views, views_earnings

app_name = "funds"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("periods/new/", views.period_new, name="period_new"),
    path("periods/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("queue/", views.queue_page, name="queue"),
    path("requests/export.csv", views.export_csv, name="export"),
    path("requests/<int:pk>/", views.request_page, name="request"),
    path("requests/<int:pk>/transitions/<slug:name>/", views.transition, name="transition"),
    path("requests/<int:pk>/files/<int:file_pk>/", views.file_download, name="file"),
    # earnings (issue 21)
    path("earnings/", views_earnings.earnings, name="earnings"),
    path("payouts/", views_earnings.batches, name="payouts"),
    path("payouts/new/", views_earnings.batch_new, name="payout_new"),
    path("payouts/<int:pk>/", views_earnings.batch_detail, name="payout"),
    path(
        "payouts/<int:pk>/transitions/<slug:name>/",
        views_earnings.batch_transition,
        name="payout_transition",
    ),
]
