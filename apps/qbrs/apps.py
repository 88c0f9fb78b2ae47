from django.apps import AppConfig


class QbrsConfig(AppConfig):
    name = "apps.qbrs"
    label = "qbrs"
    verbose_name = "QBRs"

    def ready(self):
        from . import receivers  # noqa: F401
