from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self) -> None:
        # Each domain app registers its periodic sweeps in its own sweeps.py.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("sweeps")

        # Long `__in` lists as one array parameter on PostgreSQL (apps/core/postgresql).
        from .postgresql.lookups import register

        register()

        # A JSON body's values of the types the schema gives them (apps/core/json_types.py).
        from .json_types import install

        install()

        # Choice labels looked up, not all translated on each get_FOO_display() (choice_labels.py).
        from .choice_labels import install as install_choice_labels

        install_choice_labels()
