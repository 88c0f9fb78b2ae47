from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "apps.exchange"
    label = "exchange"
    verbose_name = "CSV import and export"
