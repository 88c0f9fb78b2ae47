from django.apps import AppConfig


class QbrsConfig(AppConfig):
    name = "apps.qbrs"
    label = "qbrs"
