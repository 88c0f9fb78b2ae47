from django.urls import path

from . import views

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
]
