"""Finding what each app contributes, the way Django finds `admin.py` and we find `sweeps.py`:
by iterating INSTALLED_APPS, never by a list of app names kept in `core` (docs/ARCHITECTURE.md,
"How to add an app").

An app without the module contributes nothing; an app whose module fails to import fails loudly
(`module_has_submodule` tells a missing module from a broken one, so no ImportError is caught).
"""

from __future__ import annotations

import functools
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@functools.cache
def app_modules(name: str) -> tuple[ModuleType, ...]:
    """Each PartnerOS app's module `name` (`apps/<app>/<name>.py`), in INSTALLED_APPS order.
    `core` is left out: its modules of these names are the machinery (apps/core/nav.py,
    sections.py, api.py), not contributions.

    Found once per process: the installed apps are fixed once Django is set up (before that,
    `get_app_configs` refuses), and every page asks (its navigation, its sections)."""
    return tuple(
        import_module(f"{config.name}.{name}")
        for config in apps.get_app_configs()
        if config.name.startswith("apps.")
        and config.name != "apps.core"
        and module_has_submodule(config.module, name)
    )
