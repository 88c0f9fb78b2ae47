from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "apps.tiers"
    label = "tiers"

    def ready(self) -> None:
        # Connecting the subscribers needs the models loaded, hence the import here.
        from . import receivers  # noqa: F401  (partners.events.partner_tier_set)
