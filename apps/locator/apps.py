from django.apps import AppConfig


class LocatorConfig(AppConfig):
    name = "apps.locator"
    label = "locator"
    verbose_name = "Partner locator"
