from django.apps import AppConfig


class TiersConfig(AppConfig):
    name = "apps.tiers"
    label = "tiers"
