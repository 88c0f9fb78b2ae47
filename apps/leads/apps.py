from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "apps.leads"
    label = "leads"
    verbose_name = "Leads"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (subscribes to deals and partners events)
