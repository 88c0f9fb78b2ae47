from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "apps.deals"
    label = "deals"
    verbose_name = "Deal registrations"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (partner_exited closes a partner's registrations)
