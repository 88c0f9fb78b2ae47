from django.apps import AppConfig


class ProgramConfig(AppConfig):
    name = "apps.program"
    label = "program"
