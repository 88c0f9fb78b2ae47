from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "apps.onboarding"
    label = "onboarding"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
