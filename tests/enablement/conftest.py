from __future__ import annotations

import pytest

from apps.enablement.models import Resource


@pytest.fixture(autouse=True)
def _empty_library(db):
    """Each test builds the library it needs (the starter library's own test reads the
    migration's rows in tests/enablement/test_starter_library.py)."""
    Resource.objects.all().delete()
