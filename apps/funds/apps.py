from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "apps.funds"
    label = "funds"
    verbose_name = "Market development funds"

    def ready(self):
        from . import receivers  # noqa: F401
