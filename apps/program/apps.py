from django.apps import AppConfig
from django.core.signals import request_finished, request_started


class ProgramConfig(AppConfig):
    name = "apps.program"
    label = "program"

    def ready(self) -> None:
        from .models import settings_memo_end, settings_memo_start

        # A request reads the program settings once (ProgramSettings.get()).
        request_started.connect(settings_memo_start, dispatch_uid="program_settings_memo_start")
        request_finished.connect(settings_memo_end, dispatch_uid="program_settings_memo_end")
